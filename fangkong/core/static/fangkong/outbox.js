/* The field pages' outbox (issue 22, point 1). A form marked `data-outbox` gets, at each submit, a fresh key and
   the scan's own time (hidden fields `key` and the one `data-outbox-time` names, `at` by default). Online, it is
   sent as always. Offline, the scan is kept in
   this browser (IndexedDB) with its key and time, shown as "waiting to send (n)", and sent when the network is
   back: in the order taken, one at a time, each with the same key (the server counts a key once), retried with a
   growing pause while the network is still down. A scan the server refuses (the tube filled meanwhile, the
   person sampled elsewhere) comes back to the page with the reason. Scans are kept for the account that took
   them: signed out (here or remotely), the outbox sends nothing until that account signs in again. The panel
   (`#outbox`) carries the page's words in its data attributes. */
(function () {
  "use strict";
  var panel = document.getElementById("outbox");
  var forms = Array.prototype.slice.call(document.querySelectorAll("form[data-outbox]"));
  if (!panel || !forms.length || !window.indexedDB) return;
  var user = panel.getAttribute("data-user"), signedOut = false;
  var waiting = panel.querySelector("[data-waiting]");
  var refusedList = panel.querySelector("[data-refused]");
  var sending = false, pause = 2000, timer = null;

  function word(name, n) { return (panel.getAttribute("data-msg-" + name) || "").replace("{n}", n); }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function store(mode, work) {
    return new Promise(function (resolve, reject) {
      var open = indexedDB.open("fangkong-outbox", 1);
      open.onupgradeneeded = function () {
        open.result.createObjectStore("scans", { keyPath: "id", autoIncrement: true });
      };
      open.onerror = function () { reject(open.error); };
      open.onsuccess = function () {
        var db = open.result, tx = db.transaction("scans", mode), result;
        Promise.resolve(work(tx.objectStore("scans"))).then(function (r) { result = r; });
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      };
    });
  }

  function all() {
    return store("readonly", function (scans) {
      return new Promise(function (resolve) {
        var request = scans.getAll();
        request.onsuccess = function () { resolve(request.result); };
      });
    });
  }

  function show() {
    return all().then(function (entries) {
      var mine = entries.filter(function (e) { return e.user === user; });
      var queued = mine.filter(function (e) { return e.state === "waiting"; });
      var refused = mine.filter(function (e) { return e.state === "refused"; });
      var others = entries.length - mine.length;
      panel.hidden = !entries.length;
      var lines = [];
      if (queued.length) lines.push(word("waiting", queued.length));
      if (others) lines.push(word("others", others));
      if (queued.length && signedOut) lines.push(word("signed-out", queued.length));
      waiting.textContent = lines.join(" ");
      waiting.hidden = !lines.length;
      refusedList.textContent = "";
      refused.forEach(function (e) {
        var li = document.createElement("li");
        li.className = "refused";
        li.setAttribute("data-code", e.code || "");
        li.textContent = word("refused", "") + " " + new Date(e.at).toLocaleTimeString() + " · " + e.label + " — " +
          e.message + " ";
        var done = document.createElement("button");
        done.type = "button";
        done.className = "small";
        done.textContent = word("dismiss", "");
        done.addEventListener("click", function () {
          store("readwrite", function (scans) { scans.delete(e.id); }).then(show);
        });
        li.appendChild(done);
        refusedList.appendChild(li);
      });
      return queued;
    });
  }

  forms.forEach(function (form) {
    var time = form.elements[form.getAttribute("data-outbox-time") || "at"];
    var labelled = form.elements[form.getAttribute("data-outbox-label") || "person"];
    var keep = (form.getAttribute("data-outbox-keep") || "").split(" ");
    form.addEventListener("submit", function (event) {
      form.elements.key.value = newKey();
      time.value = new Date().toISOString();
      if (navigator.onLine) return;  // sent as always; the key makes a resend count once
      event.preventDefault();
      var fields = [];
      new FormData(form).forEach(function (value, name) { fields.push([name, String(value)]); });
      var text = labelled ? labelled.value.trim() : "";
      var entry = {
        user: user, url: form.action || location.href, fields: fields, key: form.elements.key.value,
        at: time.value, state: "waiting", label: text.slice(0, 3) + "…",
      };
      store("readwrite", function (scans) { scans.add(entry); }).then(function () {
        // Ready for the next one: the form emptied but for what stays from one scan to the next (the tube).
        var kept = keep.map(function (name) { return form.elements[name] ? form.elements[name].value : null; });
        form.reset();
        keep.forEach(function (name, i) { if (kept[i] !== null) form.elements[name].value = kept[i]; });
        (labelled || form.querySelector("input:not([type=hidden])")).focus();
        return show();
      });
    });
  });

  function token() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  /* Send the waiting scans of this account, oldest first, one at a time. */
  function flush() {
    if (sending || !navigator.onLine || signedOut || !user) return;
    sending = true;
    clearTimeout(timer);
    all().then(function (entries) {
      var next = entries.filter(function (e) { return e.user === user && e.state === "waiting"; })[0];
      if (!next) return false;
      var body = new URLSearchParams();
      next.fields.forEach(function (pair) {
        body.append(pair[0], pair[0] === "csrfmiddlewaretoken" ? token() : pair[1]);  // this sign-in's token
      });
      return fetch(next.url, {
        method: "POST", body: body, credentials: "same-origin", redirect: "manual",
        headers: { "X-Fangkong-Outbox": "1", "Accept": "application/json" },
      }).then(function (response) {
        if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
          signedOut = true;  // signed out meanwhile (here or remotely): nothing more is sent
          return false;
        }
        if (response.status >= 500 || response.status === 429) throw new Error("status " + response.status);
        var answer = response.ok ? response.json() : Promise.resolve({
          ok: false, code: "http_" + response.status, message: word("failed", response.status),
        });  // refused outright (not a passing fault): shown, and the queue goes on
        return answer.then(function (reply) {
          return store("readwrite", function (scans) {
            if (reply.ok) scans.delete(next.id);
            else {
              next.state = "refused";
              next.code = reply.code;
              next.message = reply.message;
              scans.put(next);
            }
          }).then(function () { pause = 2000; return true; });
        });
      });
    }).then(function (more) {
      sending = false;
      return show().then(function () { if (more) flush(); });
    }, function () {
      sending = false;  // the network is not back yet: try again, each time waiting longer (at most a minute)
      pause = Math.min(pause * 2, 60000);
      timer = setTimeout(flush, pause);
      return show();
    });
  }

  window.addEventListener("online", flush);
  setInterval(flush, 30000);
  show().then(flush);
  if (navigator.serviceWorker && panel.getAttribute("data-worker")) {
    navigator.serviceWorker.register(panel.getAttribute("data-worker"), { scope: "/" }).catch(function () {});
  }
})();
