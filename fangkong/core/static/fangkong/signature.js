// A signature pad: draw with a finger, pen or mouse on <canvas data-signature="INPUT-ID">; the drawing goes into
// that hidden input as a PNG data URL, which the server checks (a PNG with ink on it). No library: a few lines.
(function () {
  "use strict";
  function pad(canvas) {
    var input = document.getElementById(canvas.dataset.signature);
    var ctx = canvas.getContext("2d");
    var drawing = false;
    var inked = false;
    function reset() {
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.strokeStyle = "#111";
      ctx.lineWidth = 3;
      ctx.lineCap = ctx.lineJoin = "round";
      inked = false;
      input.value = "";
    }
    function at(e) {
      var r = canvas.getBoundingClientRect();
      return [(e.clientX - r.left) * (canvas.width / r.width), (e.clientY - r.top) * (canvas.height / r.height)];
    }
    canvas.addEventListener("pointerdown", function (e) {
      drawing = true;
      canvas.setPointerCapture(e.pointerId);
      var p = at(e);
      ctx.beginPath();
      ctx.moveTo(p[0], p[1]);
      e.preventDefault();
    });
    canvas.addEventListener("pointermove", function (e) {
      if (!drawing) return;
      var p = at(e);
      ctx.lineTo(p[0], p[1]);
      ctx.stroke();
      inked = true;
      e.preventDefault();
    });
    function end() {
      if (!drawing) return;
      drawing = false;
      if (inked) input.value = canvas.toDataURL("image/png");
    }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    var clear = document.querySelector('[data-signature-clear="' + canvas.dataset.signature + '"]');
    if (clear) clear.addEventListener("click", function (e) { e.preventDefault(); reset(); });
    reset();
  }
  document.querySelectorAll("canvas[data-signature]").forEach(pad);
})();
