// The service-rate charts (a static file: the Content-Security-Policy allows no inline script).
// Data from the json_script block "chart-data" (views.dashboard).
document.addEventListener("DOMContentLoaded", function () {
  var src = document.getElementById("chart-data");
  if (!src || !window.echarts) return;
  var d = JSON.parse(src.textContent);
  function draw(id, categories, series) {
    var el = document.getElementById(id);
    if (!el) return;
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: {trigger: "axis"},
      legend: {type: "scroll", top: 0},
      grid: {left: 40, right: 20, top: 40, bottom: 60, containLabel: true},
      xAxis: {type: "category", data: categories, axisLabel: {interval: 0, rotate: 30}},
      yAxis: {type: "value", min: 0, max: 100, name: "%"},
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  draw("chart-rates", d.groups, Object.keys(d.series).map(function (k) {
    return {name: d.labels[k], type: "bar", data: d.series[k]};
  }));
  draw("chart-months", d.months, Object.keys(d.monthly).map(function (k) {
    return {name: d.labels[k], type: "line", connectNulls: true, data: d.monthly[k]};
  }));
});
