/* The daily report's trends: each section's last days drawn with ECharts from the data the server put on the box
   (data-chart: the days and, per series, its label in the reader's language, bar or line, its tone). The server's
   SVG of the same data stays where this script does not run (no inline script under the Content-Security-Policy). */
(function () {
  "use strict";
  if (!window.echarts) return;
  var TONES = { bad: "#d7263d", warn: "#e08e0b", "": "#2f6fcf" };
  var SECOND = "#2e9d50";
  var charts = [];
  document.querySelectorAll(".situation-chart-box[data-chart]").forEach(function (box) {
    var data;
    try { data = JSON.parse(box.dataset.chart); } catch (e) { return; }
    var label = (box.querySelector("svg") || box).getAttribute("aria-label");
    box.textContent = "";
    box.classList.add("drawn");
    box.setAttribute("role", "img");
    if (label) box.setAttribute("aria-label", label);
    var chart = window.echarts.init(box, null, { renderer: "canvas" });
    var plain = 0;
    chart.setOption({
      animation: false,
      grid: { left: 40, right: 12, top: 30, bottom: 24 },
      tooltip: { trigger: "axis" },
      legend: { top: 0, left: 0, itemWidth: 12, itemHeight: 8 },
      xAxis: { type: "category", data: data.days },
      yAxis: { type: "value", minInterval: 1, splitNumber: 3 },
      series: data.series.map(function (s) {
        var colour = s.tone ? TONES[s.tone] : (plain++ ? SECOND : TONES[""]);
        return {
          name: s.label, type: s.kind === "bar" ? "bar" : "line", data: s.values, showSymbol: false,
          itemStyle: { color: colour }, lineStyle: { color: colour, width: 2 }, barMaxWidth: 14
        };
      })
    });
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
