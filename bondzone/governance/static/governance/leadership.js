// The leadership page's charts (data in the #chart-data JSON element; no inline script: see docs/security.md).
document.addEventListener("DOMContentLoaded", function () {
  if (!window.echarts) return;
  var d = JSON.parse(document.getElementById("chart-data").textContent);
  var colors = {green: "#2e9d4f", yellow: "#e8b400", red: "#d0342c", no_deadline: "#9aa5b1", no_calendar: "#6f42c1"};
  echarts.init(document.getElementById("chart-units")).setOption({
    tooltip: {trigger: "axis"}, legend: {}, grid: {left: 160, right: 20},
    xAxis: {type: "value"}, yAxis: {type: "category", data: d.units, inverse: true},
    series: Object.keys(d.series).map(function (k) {
      return {name: d.lights[k], type: "bar", stack: "n", data: d.series[k], itemStyle: {color: colors[k]}};
    })
  });
  echarts.init(document.getElementById("chart-issues")).setOption({
    tooltip: {}, xAxis: {type: "category", data: d.levels, axisLabel: {interval: 0}}, yAxis: {type: "value", minInterval: 1},
    series: [{type: "bar", data: d.issues, itemStyle: {color: "#0b5cad"}}]
  });
});
