/* A case's transmission chain drawn with ECharts: generations from left to right (the root at 0), each case a
   circle (red: confirmed, orange: asymptomatic, grey: outside the reader's area), each close contact a small grey
   dot; a dashed line is a suspected source or a contact, a case with no known source is marked "!". A click opens
   the case's page. The data is the page's JSON block (chain-data); the list under the drawing says the same. */
(function () {
  "use strict";
  var box = document.getElementById("chain-graph");
  var source = box && document.getElementById(box.dataset.source);
  if (!box || !source || !window.echarts) return;
  var data;
  try { data = JSON.parse(source.textContent); } catch (e) { return; }
  var rows = {};
  var deepest = 0;
  data.nodes.forEach(function (n) {
    rows[n.generation] = (rows[n.generation] || 0) + 1;
    deepest = Math.max(deepest, n.generation);
  });
  var tallest = Math.max.apply(null, Object.keys(rows).map(function (g) { return rows[g]; }));
  box.style.height = Math.min(Math.max(320, tallest * 46 + 80), 1600) + "px";
  var placed = {};
  var nodes = data.nodes.map(function (n) {
    var row = placed[n.generation] = (placed[n.generation] || 0) + 1;
    var colour = n.kind === "contact" || n.outside ? "#9aa5b1" : n.asymptomatic ? "#e08e0b" : "#d7263d";
    return {
      id: n.id,
      name: (n.flag ? "! " : "") + n.label,
      x: n.generation * 180,
      y: (row - (rows[n.generation] + 1) / 2) * 46,
      symbolSize: n.kind === "case" ? (n.asked ? 30 : 22) : 10,
      itemStyle: {
        color: colour,
        borderColor: n.flag ? "#222" : "#fff",
        borderWidth: n.flag || n.asked ? 3 : 1
      },
      label: { show: true, position: n.kind === "case" ? "top" : "right", fontSize: n.kind === "case" ? 12 : 10 },
      tooltip: { formatter: n.label + (n.what ? "<br>" + n.what : "") },
      url: n.url
    };
  });
  var links = data.edges.map(function (e) {
    return { source: e.from, target: e.to, lineStyle: { type: e.dashed ? "dashed" : "solid", width: 1.5 } };
  });
  var axis = [];
  for (var g = 0; g <= deepest; g++) axis.push(data.generation.replace("%(n)s", g));
  var chart = window.echarts.init(box, null, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    tooltip: { trigger: "item", confine: true },
    title: { text: axis.join("   →   "), left: "center", top: 0, textStyle: { fontSize: 12, fontWeight: "normal" } },
    series: [{
      type: "graph",
      layout: "none",
      roam: true,
      top: 40,
      data: nodes,
      links: links,
      edgeSymbol: ["none", "arrow"],
      edgeSymbolSize: 7,
      lineStyle: { color: "#6b7785", curveness: 0.08 }
    }]
  });
  chart.on("click", function (p) {
    if (p.dataType === "node" && p.data.url) window.location.href = p.data.url;
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
