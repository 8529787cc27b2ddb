// A small toolbar over the article's HTML textarea: wraps the selection in the tags the portal keeps (the server
// sanitises whatever arrives; this only saves typing). <div data-editor-for="TEXTAREA-ID"> holds the buttons.
(function () {
  "use strict";
  document.querySelectorAll("[data-editor-for]").forEach(function (bar) {
    var area = document.getElementById(bar.dataset.editorFor);
    if (!area) return;
    bar.querySelectorAll("button[data-wrap]").forEach(function (button) {
      button.addEventListener("click", function (e) {
        e.preventDefault();
        var parts = button.dataset.wrap.split("|");
        var start = area.selectionStart, end = area.selectionEnd;
        var selected = area.value.slice(start, end) || button.dataset.placeholder || "";
        if (button.dataset.lines) {  // one item per selected line
          selected = selected.split("\n").filter(function (l) { return l.trim(); })
            .map(function (l) { return button.dataset.lines.replace("$", l.trim()); }).join("");
        }
        var text = parts[0] + selected + (parts[1] || "");
        area.setRangeText(text, start, end, "end");
        area.focus();
      });
    });
  });
})();
