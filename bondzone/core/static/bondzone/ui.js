// Small page behaviours without inline handlers (the Content-Security-Policy allows no inline script):
//   <select data-submit-on-change>      submits its form when changed
//   <button data-confirm="Sure?">       asks before submitting (also on a <form data-confirm>)
//   <button data-print>                 prints the page
document.addEventListener("change", function (e) {
  if (e.target.matches("[data-submit-on-change]") && e.target.form) e.target.form.submit();
});
document.addEventListener("click", function (e) {
  var el = e.target.closest("button[data-confirm], a[data-confirm], [data-print]");
  if (!el) return;
  if (el.hasAttribute("data-print")) { window.print(); return; }
  if (!window.confirm(el.getAttribute("data-confirm"))) e.preventDefault();
});
document.addEventListener("submit", function (e) {
  var form = e.target;
  if (form.hasAttribute("data-confirm") && !window.confirm(form.getAttribute("data-confirm"))) e.preventDefault();
});
