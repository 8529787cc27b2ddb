/* The command hall: new alerts every few seconds (prepended, the wall flashes and, when the sound is on, beeps
   for a serious one), the clock on the wall. The figures refresh themselves (HTMX, every 30 s). */
(function () {
  "use strict";
  var hall = document.querySelector(".hall[data-feed]");
  if (!hall) return;
  var list = document.getElementById("hall-feed-list");
  var seconds = Number(hall.dataset.seconds || 5);
  var wall = hall.dataset.wall === "1";
  var after = Number(hall.dataset.after || 0);
  var sound = false;

  function beep() {
    try {
      var ctx = new (window.AudioContext || window.webkitAudioContext)();
      var osc = ctx.createOscillator();
      osc.frequency.value = 880;
      osc.connect(ctx.destination);
      osc.start();
      osc.stop(ctx.currentTime + 0.35);
    } catch (e) { /* no audio on this device */ }
  }

  function signal() {
    if (wall) {
      hall.classList.add("flash");
      setTimeout(function () { hall.classList.remove("flash"); }, 3000);
    }
    if (sound) beep();
  }

  function poll() {
    fetch(hall.dataset.feed + "&after=" + after, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) {
        html = (html || "").trim();
        if (!html) return;
        var tpl = document.createElement("template");
        tpl.innerHTML = html;
        var items = Array.prototype.slice.call(tpl.content.querySelectorAll("li[data-id]"));
        if (!items.length) return;
        items.forEach(function (li) {
          after = Math.max(after, Number(li.dataset.id));
          li.classList.add("new");
        });
        list.prepend.apply(list, items);
        document.querySelectorAll(".feed-empty").forEach(function (e) { e.remove(); });
        while (list.children.length > 50) list.lastElementChild.remove();
        if (items.some(function (li) { return li.dataset.severity === "bad"; })) signal();
      })
      .catch(function () { /* the network dropped for a moment: the next poll catches up */ })
      .then(function () { setTimeout(poll, seconds * 1000); });
  }
  function item(a) {
    var li = document.createElement("li");
    li.className = "alert-item " + a.severity + " new";
    li.dataset.id = a.id;
    li.dataset.severity = a.severity;
    var t = document.createElement("time");
    t.dateTime = a.at;
    t.textContent = a.time;
    li.appendChild(t);
    li.appendChild(document.createTextNode(" "));
    var title = document.createElement(a.url ? "a" : "span");
    if (a.url) title.href = a.url;
    title.textContent = a.title;
    li.appendChild(title);
    if (a.dispatch) {
      var d = document.createElement("a");
      d.className = "dispatch";
      d.href = a.dispatch;
      d.textContent = a.dispatch_label;
      li.appendChild(document.createTextNode(" "));
      li.appendChild(d);
    }
    return li;
  }

  /* Pushed (server-sent events) where the network lets a stream through; asked every few seconds where a proxy
     blocks it, or the server has no stream to spare (503). */
  var failures = 0;
  function listen() {
    if (!window.EventSource || !hall.dataset.stream) { setTimeout(poll, seconds * 1000); return; }
    var source = new EventSource(hall.dataset.stream + "&after=" + after);
    source.addEventListener("open", function () { failures = 0; });
    source.addEventListener("alert", function (e) {
      var a = JSON.parse(e.data);
      if (a.id <= after) return;
      after = a.id;
      list.prepend(item(a));
      document.querySelectorAll(".feed-empty").forEach(function (x) { x.remove(); });
      while (list.children.length > 50) list.lastElementChild.remove();
      if (a.severity === "bad") signal();
    });
    source.addEventListener("error", function () {
      failures += 1;
      if (failures >= 3 || source.readyState === EventSource.CLOSED) {
        source.close();
        setTimeout(poll, seconds * 1000);
      }
    });
  }
  listen();

  var toggle = document.getElementById("hall-sound");
  if (toggle) {
    var on = toggle.dataset.on, off = toggle.dataset.off;
    toggle.addEventListener("click", function () {
      sound = !sound;
      toggle.setAttribute("aria-pressed", sound ? "true" : "false");
      toggle.textContent = sound ? off : on;
      if (sound) beep();
    });
  }

  var clock = document.getElementById("hall-clock");
  if (clock) {
    // The district's time (data-tz), whatever zone the wall's computer is set to: the same time as the figures.
    var parts = new Intl.DateTimeFormat("en-CA", {
      timeZone: clock.dataset.tz || undefined, hourCycle: "h23",
      year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit"
    });
    var tick = function () {
      var p = {};
      parts.formatToParts(new Date()).forEach(function (x) { p[x.type] = x.value; });
      clock.textContent = p.year + "-" + p.month + "-" + p.day + " " + p.hour + ":" + p.minute + ":" + p.second;
    };
    tick();
    setInterval(tick, 1000);
  }
})();

/* The map: the jurisdiction's streets, communities or grids coloured by an indicator (default: the strictest zone
   level), with checkpoints, sampling sites, sealed compounds, isolation sites, major hazards and incidents as
   points. ECharts draws the GeoJSON itself: no map tiles, nothing from the internet. A click opens the hall of
   the place clicked. */
(function () {
  "use strict";
  var box = document.getElementById("hall-map");
  if (!box || !window.echarts) return;
  var wall = box.dataset.wall === "1";
  // The wall's type grows with the screen (1920 px wide: 1; a 4K screen: 2): ECharts sizes in pixels.
  var k = wall ? Math.max(1, window.innerWidth / 1920) : 1;
  var chart = window.echarts.init(box, wall ? "dark" : null, { renderer: "canvas" });
  var select = document.getElementById("hall-map-indicator");
  var legend = { none: box.dataset.legendNone, green: box.dataset.legendGreen, yellow: box.dataset.legendYellow, red: box.dataset.legendRed };
  var ZONE = [
    { value: 0, label: legend.none || "—", color: wall ? "#1f2b44" : "#e9edf3" },
    { value: 1, label: legend.green || "1", color: "#2e9d50" },
    { value: 2, label: legend.yellow || "2", color: "#f0b400" },
    { value: 3, label: legend.red || "3", color: "#d7263d" }
  ];
  var SYMBOLS = { triangle: "triangle", circle: "circle", pin: "pin", rect: "rect", diamond: "diamond" };

  function draw(data) {
    window.echarts.registerMap("hall", data);
    var features = data.features || [];
    var values = features.map(function (f) { return f.properties.value; }).filter(function (v) { return v !== null; });
    var max = Math.max.apply(null, values.concat([1]));
    var zone = data.indicator.palette === "zone";
    var names = {};
    features.forEach(function (f) { names[String(f.properties.id)] = f.properties.name; });
    var series = [{
      type: "map", geoIndex: 0, name: data.indicator.label,
      data: features.map(function (f) {
        return { name: String(f.properties.id), value: f.properties.value, label: f.properties.name, id: f.properties.id };
      })
    }];
    (data.points || []).forEach(function (layer) {
      series.push({
        type: "scatter", coordinateSystem: "geo", name: layer.label,
        symbol: SYMBOLS[layer.symbol] || "circle", symbolSize: wall ? 16 * k : 11,
        data: layer.items.map(function (p) { return { name: p.name, value: [p.lon, p.lat], url: p.url }; }),
        tooltip: { formatter: function (p) { return layer.label + "：" + p.name; } }
      });
    });
    chart.setOption({
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          if (p.componentType === "geo") return names[p.name] || "";
          if (p.seriesType === "map" && p.data) {
            var v = p.data.value;
            if (zone) v = (ZONE[v || 0] || ZONE[0]).label;
            return p.data.label + "：" + (v === null || v === undefined ? "—" : v);
          }
          return p.name;
        }
      },
      legend: { bottom: 0, itemWidth: 25 * k, itemHeight: 14 * k, textStyle: { fontSize: 12 * k },
                data: series.slice(1).map(function (s) { return s.name; }) },
      visualMap: zone
        ? { type: "piecewise", seriesIndex: 0, pieces: ZONE.map(function (z) { return { value: z.value, label: z.label, color: z.color }; }), left: 0, top: 0,
            itemWidth: 20 * k, itemHeight: 14 * k, textStyle: { fontSize: 12 * k } }
        : { type: "continuous", seriesIndex: 0, min: 0, max: max, inRange: { color: ["#fff3c4", "#f28c28", "#b00020"] }, text: [String(max), "0"], calculable: false, left: 0, top: 0,
            itemWidth: 20 * k, itemHeight: 140 * k, textStyle: { fontSize: 12 * k } },
      geo: {
        map: "hall", nameProperty: "key", roam: true,
        // Room for the colour key at the top left and the point layers' legend below: the map never under them.
        top: 12 * k, bottom: 44 * k, left: (wall ? 130 : 96) * k, right: 8 * k,
        label: {
          show: features.length <= 40, fontSize: wall ? 12 * k : 11,
          formatter: function (p) { return names[p.name] || ""; }
        },
        itemStyle: { borderColor: wall ? "#5b6f94" : "#ffffff", borderWidth: 1 },
        emphasis: { label: { show: true } }
      },
      series: series
    }, true);
  }

  function keyed(data) {
    (data.features || []).forEach(function (f) { f.properties.key = String(f.properties.id); });
    return data;
  }

  function load() {
    var url = box.dataset.src + (select && select.value ? "&indicator=" + encodeURIComponent(select.value) : "");
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) draw(keyed(data)); })
      .catch(function () { /* the next refresh tries again */ });
  }

  chart.on("click", function (p) {
    if (p.seriesType === "map" && p.data && p.data.id) {
      location.search = "?jurisdiction=" + p.data.id + (wall ? "&wall=1" : "");
    } else if (p.data && p.data.url) {
      location.href = p.data.url;
    }
  });
  if (select) select.addEventListener("change", load);
  window.addEventListener("resize", function () { chart.resize(); });
  load();
  setInterval(load, 60000);
})();

/* The trends: one small chart per subject (arrivals, closed-loop cases, tests, the epidemic curve, hazards) over
   the last 30 days, each series as the server names it. Reloaded every five minutes: days move slowly. */
(function () {
  "use strict";
  var box = document.getElementById("hall-trends");
  if (!box || !window.echarts) return;
  var wall = box.dataset.wall === "1";
  var k = wall ? Math.max(1, window.innerWidth / 1920) : 1;
  var TONES = { bad: "#d7263d", warn: "#e08e0b", "": wall ? "#5aa9ff" : "#2f6fcf" };
  var SECOND = wall ? "#9ad29f" : "#2e9d50";
  var charts = [];

  function draw(data) {
    charts.forEach(function (c) { c.dispose(); });
    charts = [];
    box.textContent = "";
    if (!data.charts.length) {
      var p = document.createElement("p");
      p.className = "muted";
      p.textContent = box.dataset.empty;
      box.appendChild(p);
      return;
    }
    var days = data.days.map(function (d) { return d.slice(5); });
    data.charts.forEach(function (c) {
      var fig = document.createElement("figure");
      fig.className = "trend";
      fig.dataset.chart = c.name;
      var cap = document.createElement("figcaption");
      cap.textContent = c.label;
      var area = document.createElement("div");
      area.className = "trend-chart";
      area.setAttribute("role", "img");
      area.setAttribute("aria-label", c.label + "：" + c.series.map(function (s) {
        return s.label + " " + s.values.reduce(function (a, b) { return a + b; }, 0);
      }).join("，"));
      fig.appendChild(cap);
      fig.appendChild(area);
      box.appendChild(fig);
      var chart = window.echarts.init(area, wall ? "dark" : null, { renderer: "canvas" });
      var plain = 0;
      chart.setOption({
        backgroundColor: "transparent",
        animation: false,
        // The legend keeps to one line above the plot (it scrolls rather than wrapping over the first series).
        grid: { left: 36 * k, right: 8 * k, top: 26 * k, bottom: 20 * k },
        tooltip: { trigger: "axis" },
        legend: { type: "scroll", top: 0, left: 0, right: 0, itemWidth: 12 * k, itemHeight: 8 * k,
                  pageIconSize: 10 * k, textStyle: { fontSize: (wall ? 13 : 11) * k } },
        xAxis: { type: "category", data: days, axisLabel: { fontSize: (wall ? 12 : 10) * k } },
        yAxis: { type: "value", minInterval: 1, splitNumber: 3, axisLabel: { fontSize: (wall ? 12 : 10) * k } },
        series: c.series.map(function (s) {
          var colour = s.tone ? TONES[s.tone] : (plain++ ? SECOND : TONES[""]);
          return {
            name: s.label, type: s.kind === "bar" ? "bar" : "line", data: s.values, showSymbol: false,
            itemStyle: { color: colour }, lineStyle: { color: colour, width: 2 * k }, barMaxWidth: 12 * k
          };
        })
      });
      charts.push(chart);
    });
  }

  function load() {
    fetch(box.dataset.src, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) draw(data); })
      .catch(function () { /* the next reload tries again */ });
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  load();
  setInterval(load, 300000);
})();
