/* The promotion pipeline chart (ECharts, vendored; a static file: the CSP allows no inline script).
   Bars: projects that reached each stage, per promoting unit; line: the share of all units' projects that
   went on to the next stage. Data from the json_script block "conversion-data". */
document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("chart-conversion");
  var src = document.getElementById("conversion-data");
  if (!el || !src || !window.echarts) return;
  var d = JSON.parse(src.textContent);
  if (!d.units.length) return;
  var all = d.units[0], units = d.units.slice(1);
  var series = units.map(function (u) {
    return {name: u.name, type: "bar", data: u.reached};
  });
  series.push({name: all.name + " · " + d.labels.to_next, type: "line", yAxisIndex: 1, connectNulls: false,
               data: all.to_next});
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: {trigger: "axis"},
    legend: {type: "scroll", top: 0},
    grid: {left: 40, right: 40, top: 70, bottom: 60, containLabel: true},
    xAxis: {type: "category", data: d.stages, axisLabel: {interval: 0, rotate: 30}},
    yAxis: [{type: "value", name: d.labels.reached, minInterval: 1, nameTextStyle: {align: "left"}},
            {type: "value", name: "%", min: 0, max: 100}],
    series: series
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
