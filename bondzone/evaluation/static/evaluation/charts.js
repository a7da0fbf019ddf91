/* Charts of the evaluation pages (ECharts, vendored). Data comes from json_script blocks. */
document.addEventListener("DOMContentLoaded", function () {
  if (!window.echarts) return;
  function data(id) { var el = document.getElementById(id); return el ? JSON.parse(el.textContent) : null; }
  function chart(id) { var el = document.getElementById(id); return el ? echarts.init(el) : null; }

  var d = data("chart-data");
  if (d) {
    var w = chart("chart-whiskers");
    if (w && d.whiskers.length) {
      var names = d.whiskers.map(function (r) { return r.zone; });
      w.setOption({
        tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
        legend: {data: [d.labels.interval, d.labels.median, d.labels.rank]},
        grid: {left: 150, right: 20, top: 30, bottom: 30},
        xAxis: {type: "value", inverse: false, name: d.labels.rank, minInterval: 1},
        yAxis: {type: "category", data: names, inverse: true},
        series: [
          {type: "bar", stack: "iv", itemStyle: {color: "transparent"}, data: d.whiskers.map(function (r) { return r.p05; }), tooltip: {show: false}},
          {name: d.labels.interval, type: "bar", stack: "iv", barWidth: 6, itemStyle: {color: "#9fb7d3"}, data: d.whiskers.map(function (r) { return r.p95 - r.p05; })},
          {name: d.labels.median, type: "scatter", symbol: "diamond", symbolSize: 9, itemStyle: {color: "#0b5cad"}, data: d.whiskers.map(function (r) { return r.median; })},
          {name: d.labels.rank, type: "scatter", symbolSize: 7, itemStyle: {color: "#d0342c"}, data: d.whiskers.map(function (r) { return r.rank; })}
        ]
      });
    }
    var s = chart("chart-sensitivity");
    if (s && d.sensitivity && d.sensitivity.factors.length) {
      s.setOption({
        tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
        legend: {data: [d.sensitivity.labels.first, d.sensitivity.labels.total]},
        grid: {left: 150, right: 20, top: 30, bottom: 30},
        xAxis: {type: "value", min: 0},
        yAxis: {type: "category", data: d.sensitivity.factors, inverse: true},
        series: [
          {name: d.sensitivity.labels.first, type: "bar", itemStyle: {color: "#0b5cad"}, data: d.sensitivity.first},
          {name: d.sensitivity.labels.total, type: "bar", itemStyle: {color: "#9fb7d3"}, data: d.sensitivity.total}
        ]
      });
    }
    var h = chart("chart-heat");
    if (h && d.heat.cells.length) {
      h.setOption({
        tooltip: {position: "top", formatter: function (p) { return d.heat.zones[p.value[1]] + "<br>" + d.heat.indicators[p.value[0]] + ": " + p.value[2].toFixed(1); }},
        grid: {left: 150, right: 20, top: 10, bottom: 80},
        xAxis: {type: "category", data: d.heat.indicators, axisLabel: {rotate: 60, interval: 0}},
        yAxis: {type: "category", data: d.heat.zones, inverse: true, axisLabel: {interval: 0}},
        visualMap: {min: 0, max: 100, calculable: true, orient: "horizontal", left: "center", bottom: 0, inRange: {color: ["#d0342c", "#f6e27f", "#2e9d4f"]}},
        series: [{type: "heatmap", data: d.heat.cells}]
      });
    }
  }

  var r = data("radar-data");
  if (r) {
    var radar = chart("chart-radar");
    if (radar) {
      radar.setOption({
        tooltip: {}, legend: {data: [r.labels.zone, r.labels.median]},
        radar: {indicator: r.indicators},
        series: [{type: "radar", data: [{value: r.zone, name: r.labels.zone}, {value: r.median, name: r.labels.median, lineStyle: {type: "dashed"}}]}]
      });
    }
    var t = chart("chart-trend");
    if (t && r.trend.length) {
      t.setOption({
        tooltip: {trigger: "axis"}, legend: {data: [r.labels.rank, r.labels.score]},
        xAxis: {type: "category", data: r.trend.map(function (p) { return p.year; })},
        yAxis: [{type: "value", name: r.labels.rank, inverse: true, minInterval: 1}, {type: "value", name: r.labels.score, min: 0, max: 100}],
        series: [{name: r.labels.rank, type: "line", data: r.trend.map(function (p) { return p.rank; })},
                 {name: r.labels.score, type: "line", yAxisIndex: 1, data: r.trend.map(function (p) { return p.overall; })}]
      });
    }
  }
});
