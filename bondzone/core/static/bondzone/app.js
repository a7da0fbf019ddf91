/* Behaviour every page shares. A static file, never inline: the Content-Security-Policy allows no inline script.
   - the menu button (phones) opens and closes the navigation;
   - <select data-autosubmit> submits its form when changed (the language menu);
   - a form or button with data-confirm asks before submitting;
   - ECharts charts follow the size of their box. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector("[data-menu-toggle]");
    if (toggle) {
      toggle.addEventListener("click", function () {
        var header = toggle.closest("header");
        var open = header.classList.toggle("menu-open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    var first = document.querySelector("[aria-invalid=true]");
    if (first && !document.querySelector("[autofocus]")) { first.focus(); }
  });

  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var question = (button && button.getAttribute("data-confirm")) || event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  }, true);

  function resizeCharts() {
    if (!window.echarts) { return; }
    document.querySelectorAll("[_echarts_instance_]").forEach(function (el) {
      var chart = window.echarts.getInstanceByDom(el);
      if (chart) { chart.resize(); }
    });
  }
  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) { window.clearTimeout(pending); }
    pending = window.setTimeout(resizeCharts, 120);
  });
  window.addEventListener("load", resizeCharts);
})();
