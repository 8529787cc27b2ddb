/* The venue door page offline (issue 22, point 3). Online the server answers each scan (colour, what to do) and
   records the visit. Offline the page answers from the signed status list it keeps (fangkong/statuslist.js):
   a code the list marks is not let in — never "let in" for a marked code —, one it does not mark is let in,
   saying which list answered and how old it is; with no valid list the staff look at the visitor's own code. The
   scan goes to the outbox (outbox.js, whose submit handler runs after this one) with the time it was read, and
   the visit is recorded when the network is back. Loaded before outbox.js (which empties the form). */
(function () {
  "use strict";
  var form = document.getElementById("door");
  var block = form && form.querySelector("[data-offline]");
  var keyNode = document.getElementById("status-key");
  if (!form || !block || !keyNode || !window.fangkongStatusList) return;
  var list = window.fangkongStatusList(block, JSON.parse(keyNode.textContent));
  var codeField = form.elements.person_code;
  var card = document.getElementById("offline-result");
  var listState = block.querySelector("[data-list-state]");

  function word(name) { return block.getAttribute("data-msg-" + name) || ""; }

  function showState() {
    var said = list.state();
    listState.textContent = said[0];
    listState.classList.toggle("refused", said[1]);
  }

  function showAnswer(listed) {
    var action = listed === true ? "stop" : listed === false ? "pass" : "unknown";
    var basis = listed === true ? "basis-listed" : listed === false ? "basis-not-listed" : "basis-no-list";
    card.className = "card instruction offline-decision door-" + action;
    card.querySelector("[data-instruction]").textContent = word(action);
    card.querySelector("[data-basis]").textContent = word(basis)
      .replace("{at}", list.issued() ? list.clock(list.issued()) : "") + " " + word("basis-later");
    card.hidden = false;
    var last = document.getElementById("result");  // the server's answer to an earlier visitor
    if (last) last.hidden = true;
  }

  form.addEventListener("submit", function () {
    if (navigator.onLine && !window.fangkongWeak) { card.hidden = true; return; }  // online the server answers, as always
    // Offline the outbox keeps the scan (its handler runs after this one); the answer is the list's, looked up
    // at once. Nothing of it goes with the scan: the server records the visit with the colour it knows when the
    // scan arrives.
    showAnswer(list.lookup(codeField.value.trim()));
  });

  /* A scan posted online whose answer did not come (a weak network: outbox.js gave it up and keeps it): the
     list's answer now, as offline. */
  form.addEventListener("fangkong:given-up", function () { showAnswer(list.lookup(codeField.value.trim())); });

  function mode() {
    block.hidden = navigator.onLine && !window.fangkongWeak;  // a weak network counts as none (outbox.js)
    showState();
  }
  window.addEventListener("online", function () {
    card.hidden = true;  // the answer offline is past: the server's word comes in the outbox's panel
    mode();
    list.refresh().then(showState);
  });
  window.addEventListener("offline", mode);
  window.addEventListener("fangkong:network", mode);
  list.ready.then(showState);
  setInterval(function () { list.refresh().then(showState); }, 60 * 1000);
  mode();
})();
