/* The checkpoint page offline (issue 22, points 3 and 4). The page carries its rulebook (#rulebook: protocol, risk
   areas, fever threshold, the rules' words, with their version; fangkong/screening/offline.py) and keeps the
   signed status list in this browser's Cache Storage, fetched while online every few minutes, its Ed25519
   signature checked against the key the page carries (WebCrypto, or the vendored noble-ed25519 where the browser
   has no Ed25519), refused when expired or from the future. Offline, a registration is decided on the phone by
   the same rules (fangkong/rules.js) with what the page knows: what was typed, and whether the list marks the
   personal code scanned — never "let pass" for a marked code. The instruction, its rule and what it was decided
   with go with the registration in the outbox (outbox.js, whose submit handler runs after this one); the server
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
  var CACHE = "fangkong-status-list", REFRESH = 5 * 60 * 1000, SKEW = 5 * 60 * 1000;
  var list = null, refusal = "";  // the list answered from: {payload, values, salt, issued, expires}
  var looked = { code: null, listed: null };  // the last code looked up, and the answer

  function word(name) { return block.getAttribute("data-msg-" + name) || ""; }

  function bytes(b64) { return Uint8Array.from(atob(b64), function (c) { return c.charCodeAt(0); }); }

  function message(p) {  // containment/status_list.py message(): what the server signed
    return new TextEncoder().encode(["fangkong-status-list/1", p.format, p.issued_at, p.expires_at, p.salt,
      String(p.count), p.data].join("\n"));
  }

  function signed(p) {
    var pub = bytes(key.public_key), sig = bytes(p.signature), msg = message(p);
    return crypto.subtle.importKey("raw", pub, { name: "Ed25519" }, false, ["verify"]).then(function (k) {
      return crypto.subtle.verify({ name: "Ed25519" }, k, sig, msg);
    }, function () {  // no Ed25519 in this browser's WebCrypto: the vendored one
      return import(block.getAttribute("data-ed25519")).then(function (ed) { return ed.verifyAsync(sig, msg, pub); });
    }).catch(function () { return false; });
  }

  /* Why a list may not be answered from ("" when it may): the same checks as status_list.verify. */
  function check(p) {
    if (!p || p.key_id !== key.key_id) return Promise.resolve("key");
    return signed(p).then(function (ok) {
      if (!ok) return "signature";
      if (p.format !== "h32-delta-leb128") return "format";
      if (Date.parse(p.issued_at) > Date.now() + SKEW) return "future";
      if (Date.parse(p.expires_at) <= Date.now()) return "expired";
      return "";
    });
  }

  function decode(p) {  // LEB128 gaps → the sorted values
    var data = bytes(p.data), values = new Uint32Array(p.count), n = 0, value = 0, gap = 0, shift = 0;
    for (var i = 0; i < data.length; i++) {
      gap += (data[i] & 0x7f) * Math.pow(2, shift);
      if (data[i] & 0x80) { shift += 7; continue; }
      value += gap;
      values[n++] = value;
      gap = 0; shift = 0;
    }
    var salt = new Uint8Array(p.salt.match(/../g).map(function (h) { return parseInt(h, 16); }));
    return { payload: p, values: values.subarray(0, n), salt: salt, issued: Date.parse(p.issued_at),
      expires: Date.parse(p.expires_at) };
  }

  function take(p) {  // a list checked: answered from if it is newer than the one held
    return check(p).then(function (why) {
      if (why) { if (!list) refusal = why; return false; }
      if (list && list.issued >= Date.parse(p.issued_at)) return false;
      list = decode(p);
      refusal = "";
      return true;
    });
  }

  function kept() {
    if (!window.caches) return Promise.resolve(null);
    return caches.open(CACHE).then(function (c) { return c.match(key.url); })
      .then(function (r) { return r ? r.json() : null; }).catch(function () { return null; });
  }

  function fetchList() {
    // Only when the list held is as old as the server's rebuild period: every registration reloads this page, and
    // a city's list is the better part of a megabyte (the server also limits a device to a few a minute).
    if (!navigator.onLine || (list && Date.now() - list.issued < REFRESH)) return Promise.resolve();
    return fetch(key.url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) return null;
      return r.json().then(function (p) {
        return take(p).then(function (newer) {
          if (newer && window.caches) {  // kept for when the network drops; the sign-in page deletes it
            return caches.open(CACHE).then(function (c) {
              return c.put(key.url, new Response(JSON.stringify(p), { headers: { "Content-Type": "application/json" } }));
            });
          }
        });
      });
    }).catch(function () {});
  }

  function usable() { return list && list.expires > Date.now() && list.issued <= Date.now() + SKEW; }

  function clock(ms) {
    return new Date(ms).toLocaleTimeString(document.documentElement.lang || undefined, {
      hour12: false, hour: "2-digit", minute: "2-digit", timeZone: block.getAttribute("data-tz") || undefined,
    });
  }

  function showState() {
    if (!key) { listState.textContent = word("no-service"); return; }
    var text, bad = false;
    if (usable()) {
      var minutes = Math.max(0, Math.round((Date.now() - list.issued) / 60000));
      text = word("list").replace("{at}", clock(list.issued)).replace("{n}", minutes)
        .replace("{until}", clock(list.expires));
    } else if (list) {
      text = word("list-expired").replace("{at}", clock(list.issued)); bad = true;
    } else if (refusal) {
      text = word("list-refused-" + refusal) || word("list-refused-signature"); bad = true;
    } else {
      text = word("no-list");
    }
    var read = new Date(Date.parse(book.read_at));  // with its date: a page kept for days has days-old rules
    listState.textContent = text + " " + word("rules").replace("{version}", book.version)
      .replace("{at}", read.toLocaleDateString(document.documentElement.lang || undefined, {
        month: "2-digit", day: "2-digit", timeZone: block.getAttribute("data-tz") || undefined,
      }) + " " + clock(read.getTime()));
    listState.classList.toggle("refused", bad);
  }

  function normalise(code) {  // status_list.normalise
    var t = (code || "").replace(/\s+/g, "");
    return /^[0-9a-fA-F]{32}$/.test(t) ? t.toLowerCase() : t.toUpperCase();
  }

  /* Does the list mark `code`? true, false, or null (no code, or no list to answer from). */
  function lookup(code) {
    var c = normalise(code);
    if (!c || !usable()) return Promise.resolve(null);
    var text = new TextEncoder().encode(c), salted = new Uint8Array(list.salt.length + text.length);
    salted.set(list.salt);
    salted.set(text, list.salt.length);
    return crypto.subtle.digest("SHA-256", salted).then(function (digest) {
      var v = new DataView(digest).getUint32(0, false), lo = 0, hi = list.values.length - 1;
      while (lo <= hi) {
        var mid = (lo + hi) >> 1;
        if (list.values[mid] === v) return true;
        if (list.values[mid] < v) lo = mid + 1; else hi = mid - 1;
      }
      return false;
    });
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
    card.querySelector("[data-basis]").textContent = basis.replace("{at}", list ? clock(list.issued) : "") + " " +
      word("basis-later");
    card.hidden = false;
  }

  form.addEventListener("submit", function (event) {
    ["offline_instruction", "offline_rule", "offline_basis"].forEach(function (n) { field(n).value = ""; });
    if (navigator.onLine) { card.hidden = true; return; }  // online the server decides, as always
    var code = codeField.value.trim();
    // Looked up again unless answered from a list (a look-up made before the kept list was checked said nothing).
    if (code && (looked.code !== code || (looked.listed === null && usable()))) {  // its look-up first (a hash takes a moment): then the same submit again
      event.preventDefault();
      event.stopImmediatePropagation();
      lookup(code).then(function (listed) {
        looked = { code: code, listed: listed };
        form.requestSubmit();
      });
      return;
    }
    var t = rules.tenths(field("temperature").value);
    if (t !== null && !(t >= 340 && t <= 430)) {  // the server refuses it: say so now, keep nothing
      event.preventDefault();
      event.stopImmediatePropagation();
      field("temperature").setCustomValidity(word("temperature"));
      field("temperature").reportValidity();
      return;
    }
    var listed = code ? looked.listed : null;
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
    field("offline_basis").value = "rules=" + book.version + (listed !== null && list ? ";list=" + list.payload.issued_at : "");
    showDecision(d, listed, code);
  });
  field("temperature").addEventListener("input", function () { field("temperature").setCustomValidity(""); });
  codeField.addEventListener("change", function () {
    var code = codeField.value.trim();
    lookup(code).then(function (listed) { looked = { code: code, listed: listed }; });
  });

  function mode() {
    block.hidden = navigator.onLine;
    showState();
  }
  window.addEventListener("online", function () {
    card.hidden = true;  // the last decision offline is past: the server's word comes in the outbox's panel
    mode();
    fetchList().then(showState);
  });
  window.addEventListener("offline", mode);
  if (key) {
    kept().then(function (p) { return p ? take(p) : false; }).then(fetchList).then(showState);
    setInterval(function () { fetchList().then(showState); }, 60 * 1000);
  }
  mode();
})();
