/* The inspection walk offline (issue 22): "all items in this section pass" pressed with no network ticks the
   section's items still open as passing, so that the page shows what the kept save will record (the server passes
   the same items when it arrives); the "n of m items recorded" line counts what the page holds. Loaded before
   outbox.js, which keeps the save. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-outbox-stay]");
  if (!form) return;
  var count = document.getElementById("walk-count");
  function recount() {  // offline: the items with an answer on the page, as the kept saves will record them
    if (!count) return;
    var sets = form.querySelectorAll("fieldset"), n = 0;
    Array.prototype.forEach.call(sets, function (set) { if (set.querySelector("input[type=radio]:checked")) n++; });
    count.textContent = (count.getAttribute("data-msg-offline") || "").replace("{n}", n)
      .replace("{t}", count.getAttribute("data-total") || sets.length);
  }
  form.addEventListener("fangkong:kept", function () {  // the outbox kept a save on the phone
    if (!navigator.onLine || window.fangkongWeak) recount();
  });
  form.addEventListener("submit", function (event) {
    if (navigator.onLine && !window.fangkongWeak) return;
    var button = event.submitter;
    if (!button || button.name !== "pass_section") return;
    var section = button.closest("section");
    if (!section) return;
    Array.prototype.forEach.call(section.querySelectorAll("fieldset"), function (set) {
      var open = !set.querySelector("input[type=radio]:checked");
      var pass = set.querySelector("input[type=radio][value=pass]");
      if (open && pass) pass.checked = true;
    });
  });
})();
