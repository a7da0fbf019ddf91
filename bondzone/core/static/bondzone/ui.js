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

// Pages on phones and after a refused form (issue 13):
//   <button data-menu-toggle aria-controls=…>   opens and closes the folded menu (narrow screens)
//   [aria-invalid=true]                          the first marked field of a refused form gets the focus
//   ECharts charts                               follow the size of the window
document.addEventListener("click", function (e) {
  var toggle = e.target.closest("[data-menu-toggle]");
  if (!toggle) return;
  var open = toggle.closest("header").classList.toggle("menu-open");
  toggle.setAttribute("aria-expanded", open ? "true" : "false");
});
document.addEventListener("DOMContentLoaded", function () {
  var first = document.querySelector("[aria-invalid=true]");
  if (first && !document.querySelector("[autofocus]")) first.focus();
});
(function () {
  var pending = null;
  function resizeCharts() {
    if (!window.echarts) return;
    document.querySelectorAll("[_echarts_instance_]").forEach(function (el) {
      var chart = window.echarts.getInstanceByDom(el);
      if (chart) chart.resize();
    });
  }
  window.addEventListener("resize", function () {
    if (pending) window.clearTimeout(pending);
    pending = window.setTimeout(resizeCharts, 120);
  });
})();
