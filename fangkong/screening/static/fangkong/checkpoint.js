/* The checkpoint page offline (issue 22, points 3 and 4). The page carries its rulebook (#rulebook: protocol, risk
   areas, fever threshold, the rules' words, with their version; fangkong/screening/offline.py) and keeps the
   signed status list (fangkong/statuslist.js: kept in this browser, its signature and age checked). Offline, a
   registration is decided on the phone by the same rules (fangkong/rules.js) with what the page knows: what was
   typed, and whether the list marks the personal code scanned — never "let pass" for a marked code. The
   instruction, its rule and what it was decided with go with the registration in the outbox (outbox.js, whose submit handler runs after this one); the server
   decides again when it arrives and tells the shift's leader of any difference. Loaded before outbox.js. */
(function () {
  "use strict";
  var form = document.getElementById("register");
  var bookNode = document.getElementById("rulebook");
  var block = document.querySelector("[data-offline]");
  if (!form || !bookNode || !block || !window.fangkongRules) return;
  var rules = window.fangkongRules, book = JSON.parse(bookNode.textContent);
  var codeField = document.getElementById("personal_code");
  var listState = block.querySelector("[data-list-state]");
  var card = document.getElementById("offline-result");
  var key = book.status_key;  // {public_key, key_id, url}, or null where no module publishes a list
  var list = window.fangkongStatusList(block, key);  // core/static/fangkong/statuslist.js

  function word(name) { return block.getAttribute("data-msg-" + name) || ""; }
  var clock = list.clock;

  function showState() {
    var said = list.state();
    var read = new Date(Date.parse(book.read_at));  // with its date: a page kept for days has days-old rules
    listState.textContent = said[0] + " " + word("rules").replace("{version}", book.version)
      .replace("{at}", read.toLocaleDateString(document.documentElement.lang || undefined, {
        month: "2-digit", day: "2-digit", timeZone: block.getAttribute("data-tz") || undefined,
      }) + " " + clock(read.getTime()));
    listState.classList.toggle("refused", said[1]);
  }

  function field(name) { return form.elements[name]; }

  function checked(name) {
    var on = form.querySelector("input[name=" + name + "]:checked");
    return on ? on.value : "";
  }

  function showDecision(d, listed, code) {
    card.className = "card instruction offline-decision instr-" + d.instruction;
    card.querySelector("[data-instruction]").textContent = book.instructions[d.instruction];
    card.querySelector("[data-rule]").textContent = rules.describe(d, book);
    var basis = listed === true ? word("basis-listed") : listed === false ? word("basis-not-listed")
      : code ? word("basis-no-list") : word("basis-no-code");
    card.querySelector("[data-basis]").textContent = basis.replace("{at}", list.issued() ? clock(list.issued()) : "") + " " +
      word("basis-later");
    card.hidden = false;
  }

  form.addEventListener("submit", function (event) {
    ["offline_instruction", "offline_rule", "offline_basis"].forEach(function (n) { field(n).value = ""; });
    if (navigator.onLine && !window.fangkongWeak) { card.hidden = true; return; }  // online the server decides, as always
    var code = codeField.value.trim();
    var t = rules.tenths(field("temperature").value);
    if (t !== null && !(t >= 340 && t <= 430)) {  // the server refuses it: say so now, keep nothing
      event.preventDefault();
      event.stopImmediatePropagation();
      field("temperature").setCustomValidity(word("temperature"));
      field("temperature").reportValidity();
      return;
    }
    decide(code, t);
  });
  /* A registration posted online whose answer did not come (a weak network: outbox.js gave it up and keeps it):
     decided on the phone now, as offline — the server's decision comes with the outbox's send. */
  form.addEventListener("fangkong:given-up", function () {
    var t = rules.tenths(field("temperature").value);
    if (t === null || (t >= 340 && t <= 430)) decide(codeField.value.trim(), t);
  });

  function decide(code, t) {
    var listed = code ? list.lookup(code) : null;
    var facts = {
      direction: checked("direction") || "in",
      origin: rules.text(field("origin").value, 100),
      visited: rules.places(field("visited").value).map(function (p) { return rules.text(p, 100); }).filter(Boolean),
      trip_destinations: [],  // the person's own travel reports: the server's, when it arrives
      temperature: t,
      status_code: checked("status_code"),
      at: Date.now(),
      platform_colour: listed ? "listed" : "",
      platform_reasons: [],
    };
    var d = rules.decide(facts, book);
    field("offline_instruction").value = d.instruction;
    field("offline_rule").value = d.rule;
    field("offline_basis").value = "rules=" + book.version + (listed !== null && list.issuedAt() ? ";list=" + list.issuedAt() : "");
    showDecision(d, listed, code);
  }
  field("temperature").addEventListener("input", function () { field("temperature").setCustomValidity(""); });
  function mode() {
    block.hidden = navigator.onLine && !window.fangkongWeak;  // a weak network counts as none (outbox.js)
    showState();
  }
  window.addEventListener("online", function () {
    card.hidden = true;  // the last decision offline is past: the server's word comes in the outbox's panel
    mode();
    list.refresh().then(showState);
  });
  window.addEventListener("offline", mode);
  window.addEventListener("fangkong:network", mode);
  if (key) {
    list.ready.then(showState);
    setInterval(function () { list.refresh().then(showState); }, 60 * 1000);
  }
  mode();
})();
