/* The epidemic curve drawn with ECharts: cases per day as stacked bars (confirmed, asymptomatic — or one series per
   street), the samples taken each day as a line on a second axis. The data is the page's JSON block (the element
   named by data-source); the table under the drawing says the same. */
(function () {
  "use strict";
  if (!window.echarts) return;
  var charts = [];
  document.querySelectorAll(".epicurve-chart[data-source]").forEach(function (box) {
    var source = document.getElementById(box.dataset.source);
    if (!source) return;
    var data;
    try { data = JSON.parse(source.textContent); } catch (e) { return; }
    var series;
    if (data.streets && data.streets.length) {
      series = data.streets.map(function (s) {
        return { name: s.name, type: "bar", stack: "cases", data: s.values, barMaxWidth: 18 };
      });
    } else {
      series = [
        { name: data.labels.confirmed, type: "bar", stack: "cases", data: data.confirmed, itemStyle: { color: "#d7263d" }, barMaxWidth: 18 },
        { name: data.labels.asymptomatic, type: "bar", stack: "cases", data: data.asymptomatic, itemStyle: { color: "#e08e0b" }, barMaxWidth: 18 }
      ];
    }
    var axes = [{ type: "value", minInterval: 1, splitNumber: 4 }];
    if (data.samples) {
      axes.push({ type: "value", minInterval: 1, splitNumber: 4, splitLine: { show: false } });
      series.push({
        name: data.labels.samples, type: "line", yAxisIndex: 1, data: data.samples, showSymbol: false,
        itemStyle: { color: "#2f6fcf" }, lineStyle: { color: "#2f6fcf", width: 1.5 }
      });
    }
    var chart = window.echarts.init(box, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      grid: { left: 44, right: data.samples ? 56 : 16, top: 36, bottom: 28 },
      tooltip: { trigger: "axis" },
      legend: { top: 0, left: 0, type: "scroll", itemWidth: 12, itemHeight: 8 },
      xAxis: { type: "category", data: data.days },
      yAxis: axes,
      series: series
    });
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
