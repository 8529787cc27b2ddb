/* The inspection walk offline (issue 22): "all items in this section pass" pressed with no network ticks the
   section's items still open as passing, so that the page shows what the kept save will record (the server passes
   the same items when it arrives). Loaded before outbox.js, which keeps the save. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-outbox-stay]");
  if (!form) return;
  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if ((navigator.onLine && !window.fangkongWeak) || !button || button.name !== "pass_section") return;
    var section = button.closest("section");
    if (!section) return;
    Array.prototype.forEach.call(section.querySelectorAll("fieldset"), function (set) {
      var open = !set.querySelector("input[type=radio]:checked");
      var pass = set.querySelector("input[type=radio][value=pass]");
      if (open && pass) pass.checked = true;
    });
  });
})();
