/* The main navigation: on a phone it folds behind a menu button (the page's content comes first); on a desktop
   each module's group opens as a menu, one at a time, and closes on a click elsewhere or Escape. Without
   JavaScript the navigation is simply shown, each group opening in place. */
(function () {
  "use strict";
  var nav = document.getElementById("site-nav");
  var toggle = document.querySelector(".navtoggle");
  if (!nav) return;
  var groups = Array.prototype.slice.call(nav.querySelectorAll("details.navgroup"));
  var phone = window.matchMedia("(max-width: 719px)");

  function fold() {
    if (!toggle) return;
    toggle.hidden = !phone.matches;
    var open = !phone.matches || toggle.getAttribute("aria-expanded") === "true";
    nav.classList.toggle("folded", !open);
  }
  if (toggle) {
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      fold();
    });
    if (phone.addEventListener) phone.addEventListener("change", fold);
    fold();
  }

  groups.forEach(function (g) {
    if (g.querySelector("[aria-current]")) g.classList.add("current");
    g.addEventListener("toggle", function () {
      if (g.open && !phone.matches) groups.forEach(function (o) { if (o !== g) o.open = false; });
    });
  });
  document.addEventListener("click", function (e) {
    if (phone.matches) return;
    groups.forEach(function (g) { if (g.open && !g.contains(e.target)) g.open = false; });
  });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    groups.forEach(function (g) {
      if (g.open) { g.open = false; g.querySelector("summary").focus(); }
    });
  });
})();
