/* Camera scanning on the field pages (issue 22, point 2): a button beside a code field (`data-scan-for` names the
   field) opens the rear camera in the page's scan dialog (core/_scan_dialog.html). Frames are read by the
   browser's BarcodeDetector where it has one (Android, macOS, ChromeOS) and by the vendored ZXing elsewhere
   (loaded on first use). A code read beeps, fills the field as typed input would, and moves on like a hand
   scanner's Enter: to the next empty required field of the form, or submits the form when none is left. A torch
   button shows when the camera has one (night shifts). Typed and keyboard-wedge input are untouched. Cameras need
   a secure origin (HTTPS, or localhost): elsewhere the buttons stay hidden and the fields work as before. */
(function () {
  "use strict";
  var dialog = document.getElementById("scan-dialog");
  var media = navigator.mediaDevices;
  if (!dialog || !media || !media.getUserMedia || !window.HTMLDialogElement) return;
  var video = dialog.querySelector("video");
  var said = dialog.querySelector("[data-said]");
  var torch = dialog.querySelector("[data-torch]");
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var FORMATS = ["qr_code", "code_128", "code_39", "ean_13"];
  var stream = null, field = null, timer = null, read = null, audio = null, torchOn = false;

  Array.prototype.forEach.call(document.querySelectorAll("button[data-scan-for]"), function (button) {
    var target = document.getElementById(button.getAttribute("data-scan-for"));
    if (!target) return;
    button.hidden = false;
    button.addEventListener("click", function () { open(target); });
  });
  dialog.querySelector("[data-close]").addEventListener("click", stop);
  dialog.addEventListener("cancel", stop);
  torch.addEventListener("click", function () {
    var track = stream && stream.getVideoTracks()[0];
    if (!track) return;
    torchOn = !torchOn;
    track.applyConstraints({ advanced: [{ torch: torchOn }] }).catch(function () { torchOn = false; });
    torch.setAttribute("aria-pressed", torchOn ? "true" : "false");
  });

  function message(name) { return dialog.getAttribute("data-msg-" + name) || ""; }

  function open(target) {
    field = target;
    said.textContent = message("starting");
    torch.hidden = true;
    torchOn = false;
    torch.setAttribute("aria-pressed", "false");
    if (!audio && window.AudioContext) audio = new AudioContext();  // made on the click: browsers allow sound then
    dialog.showModal();
    media.getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false }).then(function (s) {
      if (!dialog.open) {  // closed while the camera was being allowed: it is not used
        s.getTracks().forEach(function (t) { t.stop(); });
        throw new Error("closed");
      }
      stream = s;
      video.srcObject = s;
      return video.play();
    }).then(function () {
      var track = stream.getVideoTracks()[0];
      var can = track.getCapabilities ? track.getCapabilities() : {};
      torch.hidden = !can.torch;
      said.textContent = message("aim");
      return reader();
    }).then(function (r) {
      read = r;
      tick();
    }).catch(function (error) {
      if (!dialog.open) return;
      said.textContent = error && error.name === "NotAllowedError" ? message("denied") : message("failed");
    });
  }

  function stop() {
    clearTimeout(timer);
    timer = null;
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    video.srcObject = null;
    if (dialog.open) dialog.close();
  }

  /* A function from the current frame (on the canvas) to the text of a code in it, or null. */
  function reader() {
    if (window.BarcodeDetector && BarcodeDetector.getSupportedFormats) {
      return BarcodeDetector.getSupportedFormats().then(function (have) {
        var formats = FORMATS.filter(function (f) { return have.indexOf(f) >= 0; });
        if (formats.indexOf("qr_code") < 0) return zxing();
        var detector = new BarcodeDetector({ formats: formats });
        return function () {
          return detector.detect(canvas).then(function (codes) { return codes.length ? codes[0].rawValue : null; });
        };
      });
    }
    return zxing();
  }

  function zxing() {
    return new Promise(function (resolve, reject) {
      if (window.ZXing) return resolve();
      var script = document.createElement("script");
      script.src = dialog.getAttribute("data-zxing");
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    }).then(function () {
      var Z = window.ZXing;
      var hints = new Map();
      hints.set(Z.DecodeHintType.POSSIBLE_FORMATS, [
        Z.BarcodeFormat.QR_CODE, Z.BarcodeFormat.CODE_128, Z.BarcodeFormat.CODE_39, Z.BarcodeFormat.EAN_13,
      ]);
      hints.set(Z.DecodeHintType.TRY_HARDER, true);
      var decoder = new Z.MultiFormatReader();
      decoder.setHints(hints);
      return function () {
        try {
          var bitmap = new Z.BinaryBitmap(new Z.HybridBinarizer(new Z.HTMLCanvasElementLuminanceSource(canvas)));
          return Promise.resolve(decoder.decode(bitmap).getText());
        } catch (e) {
          return Promise.resolve(null);  // no code in this frame
        } finally {
          decoder.reset();
        }
      };
    });
  }

  function tick() {
    if (!stream) return;
    if (video.readyState < 2 || !video.videoWidth) { timer = setTimeout(tick, 100); return; }
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    context.drawImage(video, 0, 0);
    read().then(function (text) {
      if (!stream) return;
      if (text) found(text.trim());
      else timer = setTimeout(tick, 150);
    }, function () { timer = setTimeout(tick, 300); });
  }

  function beep() {
    if (navigator.vibrate) navigator.vibrate(80);
    if (!audio) return;
    var tone = audio.createOscillator(), gain = audio.createGain();
    tone.frequency.value = 1760;
    gain.gain.value = 0.2;
    tone.connect(gain);
    gain.connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.12);
  }

  function found(text) {
    beep();
    stop();
    field.value = text;
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.dispatchEvent(new Event("change", { bubbles: true }));
    var form = field.form;
    if (!form) return;
    var next = Array.prototype.filter.call(form.querySelectorAll("input[required]"), function (input) {
      return input !== field && !input.value && input.type !== "hidden" && input.offsetParent !== null;
    })[0];
    if (next) next.focus();
    else if (!navigator.onLine) form.querySelector("[type=submit]").focus();  // offline: the sampler confirms
    else if (form.requestSubmit) form.requestSubmit();
    else form.submit();
  }
})();
