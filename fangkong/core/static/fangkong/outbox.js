/* The field pages' outbox (issue 22, point 1). A form marked `data-outbox` gets, at each submit, a fresh key and
   the scan's own time (hidden fields `key` and the one `data-outbox-time` names, `at` by default). Online, it is
   posted as always — but kept here first ("sending"), so that a post the network loses on the way (the phone
   believed it was online) is not lost: the page the server answers names the key it answered (`data-done`),
   which deletes it; one never answered is sent again by the outbox, with the same key and the time it was
   taken (the server counts a key once). Offline, the scan is kept in this browser (IndexedDB) with its key and
   time, shown as "waiting to send (n)", and sent when the network is back: in the order taken, one at a time,
   each with the same key, retried with a growing pause while the network is still down, with the phone's clock
   at sending (`X-Fangkong-Sent-At`: the server corrects a phone's clock that is off, core/outbox.py). A scan
   the server refuses (the tube filled meanwhile, the person sampled elsewhere) comes back to the page with the
   reason. Scans are kept for the account that took them: signed out (here or remotely), the outbox sends
   nothing until that account signs in again; while online the page asks every minute whether it is still signed
   in, and once it is not, the pages this phone kept and what the page shows are cleared at once. A scan kept
   longer than the server could still take it (`data-max-age`, core/outbox.py) is turned into a refusal here and
   what it held is dropped; a refused one keeps only its label and reason. A weak connection counts as none: a
   post with no answer within the page's patience (`data-patience`, seconds) is given up and taken as offline —
   the page answers from what it keeps and the outbox sends it in the background with its key, so the server
   counts it once even if the given-up post did arrive (`window.fangkongWeak` until an answer comes back). The
   panel (`#outbox`) carries the page's words in its data attributes. */
(function () {
  "use strict";
  var panel = document.getElementById("outbox");
  var forms = Array.prototype.slice.call(document.querySelectorAll("form[data-outbox]"));
  if (!panel || !forms.length || !window.indexedDB) return;
  var user = panel.getAttribute("data-user"), signedOut = false;
  var waiting = panel.querySelector("[data-waiting]");
  var refusedList = panel.querySelector("[data-refused]");
  var notice = panel.querySelector("[data-notice]");
  function say(text) { notice.textContent = text; notice.hidden = !text; if (text) panel.hidden = false; }
  var sending = false, pause = 2000, timer = null;
  var maxAge = Number(panel.getAttribute("data-max-age") || 0) * 1000;
  window.fangkongWeak = false;
  function online() { return navigator.onLine && !window.fangkongWeak; }
  /* The network answers again, or stops answering: the pages' scripts show or hide what they do offline. */
  function weak(on) {
    if (window.fangkongWeak === on) return;
    window.fangkongWeak = on;
    window.dispatchEvent(new Event("fangkong:network"));
    show();
  }

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
      var mine = entries.filter(function (e) { return e.user === user && e.state !== "sending"; });
      var queued = mine.filter(function (e) { return e.state === "waiting"; });
      var refused = wiped ? [] : mine.filter(function (e) { return e.state === "refused" || e.state === "attention"; });
      var others = entries.filter(function (e) { return e.user !== user && e.state === "waiting"; }).length;
      panel.hidden = !(queued.length || refused.length || others || !notice.hidden || window.fangkongWeak);
      var lines = [];
      if (queued.length) lines.push(word("waiting", queued.length));
      if (others) lines.push(word("others", others));
      if (queued.length && signedOut) lines.push(word("signed-out", queued.length));
      if (window.fangkongWeak && navigator.onLine) lines.push(word("weak", ""));
      waiting.textContent = lines.join(" ");
      waiting.hidden = !lines.length;
      refusedList.textContent = "";
      refused.forEach(function (e) {
        var li = document.createElement("li");
        li.className = e.state;
        li.setAttribute("data-code", e.code || "");
        var when = new Date(e.at).toLocaleTimeString(document.documentElement.lang || undefined, {
          hour12: false, timeZone: panel.getAttribute("data-tz") || undefined,  // the district's, as every page shows
        });
        li.textContent = word(e.state, "") + " " + when + " · " + e.label + " — " + e.message + " ";
        var done = document.createElement("button");
        done.type = "button";
        done.className = "small";
        done.textContent = word("dismiss", "");
        done.setAttribute("aria-label", word("dismiss", "") + " " + e.label);
        done.addEventListener("click", function () {
          store("readwrite", function (scans) { scans.delete(e.id); }).then(show);
        });
        li.appendChild(done);
        refusedList.appendChild(li);
      });
      return queued;
    });
  }

  function fieldsOf(form, submitter) {
    var fields = [], data;
    try { data = new FormData(form, submitter || undefined); } catch (e) { data = new FormData(form); }
    data.forEach(function (value, name) {
      if (value instanceof Blob) {  // a photo is kept as it is (IndexedDB keeps files); a file input left empty, not
        if (value.size || value.name) fields.push([name, value]);
      } else {
        fields.push([name, String(value)]);
      }
    });
    return fields;
  }

  function same(a, b) {  // two forms' fields alike (a photo by its name and size)
    if (a.length !== b.length) return false;
    return a.every(function (pair, i) {
      var other = b[i];
      if (other[0] !== pair[0]) return false;
      if (pair[1] instanceof Blob || other[1] instanceof Blob) {
        return pair[1] instanceof Blob && other[1] instanceof Blob && pair[1].size === other[1].size &&
          pair[1].name === other[1].name;
      }
      return pair[1] === other[1];
    });
  }

  forms.forEach(function (form) {
    var timeName = form.getAttribute("data-outbox-time") || "at";
    var time = form.elements[timeName];
    var labelled = form.elements[form.getAttribute("data-outbox-label") || "person"];
    var keep = (form.getAttribute("data-outbox-keep") || "").split(" ");
    var posting = "";  // the key of the scan being posted now (kept first)
    function tubeOf() { return form.elements.tube_code ? form.elements.tube_code.value.trim().toUpperCase() : ""; }
    // A key the server put in the page (for a form without this script): the page kept by the service worker
    // carries one that was used already, so offline a scan never takes it.
    var rendered = form.elements.key.value;
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) { posting = ""; form.elements.key.value = ""; }  // back from the browser's cache: a new scan
    });
    // Where it is posted: read from the attribute, as `form.action` is the walk's buttons named "action".
    function target() { return new URL(form.getAttribute("action") || "", location.href).href; }
    var title = form.getAttribute("data-outbox-title");  // one name for every save of the form (the walk's place)
    var stay = form.hasAttribute("data-outbox-stay");  // a form worked through (the walk): kept as it is, not emptied
    function label() {  // what the panel names a scan by: the number's ends, the tube
      if (title) return title;
      var t = labelled ? labelled.value.trim() : "";
      var tube = labelled === form.elements.tube_code ? null : form.elements.tube_code;  // the recalls: the tube is the label
      var code = tube ? tube.value.trim().toUpperCase() : "";
      return (t.length > 6 ? t.slice(0, 1) + "…" + t.slice(-4) : t) + (code ? " · " + code : "");
    }
    /* Ready for the next scan, once one is kept: the form emptied but for what stays from one scan to the next
       (the tube); a form worked through (the walk) stays as it is, its photos kept with the save. */
    function ready() {
      form.dispatchEvent(new CustomEvent("fangkong:kept"));
      if (stay) {
        Array.prototype.forEach.call(form.querySelectorAll("input[type=file]"), function (f) { f.value = ""; });
        form.elements.key.value = "";
        time.value = "";
        say("");
        return show();
      }
      var kept = keep.map(function (name) { return form.elements[name] ? form.elements[name].value : null; });
      form.reset();
      keep.forEach(function (name, i) { if (kept[i] !== null) form.elements[name].value = kept[i]; });
      form.elements.key.value = "";  // the next scan gets its own key
      var known = document.getElementById("known");  // an answer about the last number is not about the next
      if (known) known.textContent = "";
      (labelled || form.querySelector("input:not([type=hidden])")).focus();
      say("");
      return show();
    }

    /* Still here `patience` seconds after the post, with no answer: a weak network. The post is given up — it
       may have arrived, or be arriving (the walk's answer is a redirect and a second request): the outbox's send
       carries the same key and the same fields, so the server answers it with its first reply — and the copy
       kept before posting now waits to be sent, with its time, like a scan taken offline. If the form still
       holds that scan, the page answers from what it keeps (`fangkong:given-up`: the checkpoint's rules, the
       door's list) and is made ready for the next; if the staff have begun the next one meanwhile, what they
       type is left alone, under a key of its own. */
    function slow(sending, submitter) {
      if (posting !== sending.key) return;
      window.stop();
      posting = "";
      weak(true);
      var still = form.elements.key.value === sending.key && same(fieldsOf(form, submitter), sending.fields);
      if (!still && form.elements.key.value === sending.key) form.elements.key.value = "";
      store("readwrite", function (scans) {
        return new Promise(function (resolve) {
          var request = scans.getAll();
          request.onsuccess = function () {
            request.result.forEach(function (e) {
              if (e.key !== sending.key || e.state !== "sending" || e.user !== user) return;
              e.state = "waiting";
              e.fields = e.fields.map(function (pair) { return pair[0] === e.time ? [pair[0], e.at] : pair; });
              scans.put(e);
            });
            resolve();
          };
        });
      }).then(function () {
        if (sending.tube) tubes[sending.tube] = counted(sending.tube) + 1;
        if (still) {
          form.dispatchEvent(new CustomEvent("fangkong:given-up"));
          ready();
        }
        show();
        clearTimeout(timer);
        timer = setTimeout(flush, pause);  // tried in the background, each time waiting longer
      }, function () {});  // not turned: the page's next opening finds it "sending" and sends it (recover)
    }

    form.addEventListener("submit", function (event) {
      // One key per scan, kept by a second tap on the button (the server answers it with the first reply).
      if (!form.elements.key.value) form.elements.key.value = newKey();
      if (online()) {
        time.value = "";  // online the server's clock says when
        if (posting === form.elements.key.value) return;  // kept: posted as always
        event.preventDefault();
        var key = form.elements.key.value, submitter = event.submitter;
        var sending = {
          user: user, url: target(), fields: fieldsOf(form, submitter), key: key,
          at: new Date().toISOString(), state: "sending", label: label(), tube: tubeOf(), tries: 0, time: timeName,
        };
        var post = function () {
          posting = key;
          if (form.requestSubmit) form.requestSubmit(submitter || undefined); else form.submit();
          var patience = Number(form.getAttribute("data-outbox-patience") || panel.getAttribute("data-patience") || 0);
          if (patience) setTimeout(function () { slow(sending, submitter); }, patience * 1000);
        };
        store("readwrite", function (scans) { scans.add(sending); }).then(post, post);  // kept or not: posted
        return;
      }
      event.preventDefault();
      if (form.elements.key.value === rendered) form.elements.key.value = newKey();
      var typed = labelled ? labelled.value.trim() : "";
      if (/^H[0-9A-Z]{11}$/i.test(typed)) {  // a household's code: its members are ticked on the page, online
        say(word("household", ""));
        return;
      }
      var size = Number(form.getAttribute("data-pool-size") || 0), tubeCode = tubeOf();
      var holds = singles[tubeCode] ? 1 : size;  // a tube of one: someone tested alone is in it (testing/alone.js)
      if (tubeCode && holds && counted(tubeCode) >= holds) {  // full as far as this phone knows: a new tube
        say(singles[tubeCode] ? word("single-full", "") : word("full", size));
        return;
      }
      time.value = new Date().toISOString();  // the scan's own time, offline: sent later
      var entry = {
        user: user, url: target(), fields: fieldsOf(form, event.submitter),
        key: form.elements.key.value, at: time.value, state: "waiting", label: label(), tube: tubeCode, tries: 0,
        time: timeName,
      };
      store("readwrite", function (scans) { scans.add(entry); }).then(function () {
        if (tubeCode) tubes[tubeCode] = counted(tubeCode) + 1;
        return ready();
      }, function () {
        say(word("not-kept", ""));  // the form stays as it is: nothing was lost, nothing kept
      });
    });
  });


  /* Scans into a tube as far as this phone knows: the page's count of its open tube, and those kept offline. */
  var tubes = {}, singles = {};
  var openTube = (panel.getAttribute("data-tube") || "").toUpperCase();
  window.fangkongTubes = {
    count: function (code) { return counted(code); },
    single: function (code) { singles[code] = true; },
  };
  function counted(code) {
    if (!(code in tubes)) tubes[code] = code === openTube ? Number(panel.getAttribute("data-tube-count") || 0) : 0;
    return tubes[code];
  }

  /* Signed out (a phone lost, signed out from the desk): the pages this phone kept — with the names they show —
     and the status list go at once; the scans wait for their account (the sign-in page deletes the pages too). */
  function forget() {
    if (!window.caches) return;
    caches.keys().then(function (keys) {
      keys.forEach(function (k) {
        if (k.indexOf("fangkong-pages-") === 0 || k === "fangkong-status-list") caches.delete(k);
      });
    }).catch(function () {});
  }

  function token() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  /* Send the waiting scans of this account, oldest first, one at a time — one tab at a time. */
  function flush() {
    if (sending || !navigator.onLine || signedOut || !user) return;
    if (navigator.locks) {
      navigator.locks.request("fangkong-outbox", { ifAvailable: true }, function (lock) {
        if (!lock) return null;  // another tab is sending: it will send these too
        return send();
      });
    } else {
      send();
    }
  }

  function send() {
    sending = true;
    clearTimeout(timer);
    return expire().then(all).then(function (entries) {  // one kept too long is not sent (a page left open for days)
      var next = entries.filter(function (e) { return e.user === user && e.state === "waiting"; })[0];
      if (!next) return false;
      var files = next.fields.some(function (pair) { return pair[1] instanceof Blob; });
      var body = files ? new FormData() : new URLSearchParams();  // with its photos: as the form would post them
      next.fields.forEach(function (pair) {
        body.append(pair[0], pair[0] === "csrfmiddlewaretoken" ? token() : pair[1]);  // this sign-in's token
      });
      // A weak network may hold a request for minutes: given up after a while, and tried again later.
      var control = window.AbortController ? new AbortController() : null;
      var limit = control ? setTimeout(function () { control.abort(); }, files ? 120000 : 20000) : null;
      return fetch(next.url, {
        method: "POST", body: body, credentials: "same-origin", redirect: "manual",
        signal: control ? control.signal : undefined,
        // The phone's clock now: the server corrects the scan's time by how far it is off (core/outbox.py).
        headers: { "X-Fangkong-Outbox": "1", "Accept": "application/json", "X-Fangkong-Sent-At": new Date().toISOString() },
      }).then(function (response) {
        clearTimeout(limit);
        weak(false);  // an answer came back: the network carries again
        if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
          wipe();  // signed out meanwhile (here or remotely): nothing more is sent, and the page goes
          return false;
        }
        if (response.status >= 500 || response.status === 429) {
          next.tries = (next.tries || 0) + 1;
          if (next.tries < 8) {  // a passing fault: later; one that never passes must not hold the others back
            return store("readwrite", function (scans) { scans.put(next); }).then(function () {
              throw new Error("status " + response.status);
            });
          }
        }
        var answer = response.ok ? response.json() : Promise.resolve({
          ok: false, code: "http_" + response.status, message: word("failed", response.status),
        });  // refused outright (not a passing fault): shown, and the queue goes on
        return answer.then(function (reply) {
          if (reply.code === "in_progress") {  // being recorded by its first post right now: its reply, later
            throw new Error("in progress");
          }
          return store("readwrite", function (scans) {
            if (reply.ok && !reply.attention) scans.delete(next.id);
            else {
              next.state = reply.ok ? "attention" : "refused";  // counted, but to be acted on (an instruction)
              next.code = reply.code;
              next.message = reply.message;
              next.fields = [];  // what was entered (a name, an ID number, photos) is not needed to show the reason
              scans.put(next);
            }
          }).then(function () { pause = 2000; return true; });
        });
      });
    }).then(function (more) {
      sending = false;
      return show().then(function () { if (more) return send(); });  // the next, under the same lock
    }, function () {
      sending = false;  // the network is not back yet: try again, each time waiting longer (at most a minute)
      pause = Math.min(pause * 2, 60000);
      timer = setTimeout(flush, pause);
      return show();
    });
  }

  function again() {  // back online, or back to this page: a sign-in may have happened meanwhile
    if (wiped) return;  // the page is gone (and its sign-in token with it): opened again, it sends what waits
    signedOut = false;
    if (navigator.onLine) say("");  // what was said offline (a full tube, a household's code) is past
    check();
    flush();
  }

  /* Kept too long (every account's scans on this phone): the server would refuse it, so it is refused here — its
     label and the reason stay, to be entered by hand; what it held goes. A refusal shown for as long again goes. */
  function expire() {
    if (!maxAge) return Promise.resolve();
    var limit = Date.now() - maxAge;
    return store("readwrite", function (scans) {
      return new Promise(function (resolve) {
        var request = scans.getAll();
        request.onsuccess = function () {
          request.result.forEach(function (e) {
            var at = Date.parse(e.at);
            if (!(at < limit)) return;
            if (e.state === "waiting" || e.state === "sending") {
              e.state = "refused";
              e.code = "too_old";
              e.message = word("too-old", "");
              e.fields = [];
              scans.put(e);
            } else if (at < limit - maxAge) {
              scans.delete(e.id);
            }
          });
          resolve();
        };
      });
    }).catch(function () {});
  }

  /* Still signed in, as this page's account? Not (signed out from elsewhere, the shift's session ended, another
     account signed in in another tab): the kept pages go, and so does what this page shows — only the panel
     stays, saying so, with the scans still waiting for their account. */
  var wiped = false;
  function check() {
    var url = panel.getAttribute("data-signed-in");
    if (wiped || !url || !navigator.onLine || !user || !window.fetch) return;
    fetch(url, { credentials: "same-origin", cache: "no-store", redirect: "manual", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.status === 401) return true;
        if (!response.ok) return false;  // a fault, or the network half there: asked again later
        return response.json().then(function (reply) { return reply.user !== user; });
      })
      .then(function (out) { if (out) wipe(); }, function () {});
  }

  function wipe() {
    signedOut = true;
    if (wiped) return;
    wiped = true;
    forget();
    for (var node = panel; node.parentNode && node !== document.body; node = node.parentNode) {
      Array.prototype.slice.call(node.parentNode.children).forEach(function (child) {
        if (child !== node && child.tagName !== "SCRIPT") child.remove();  // the page around the panel
      });
    }
    var link = document.createElement("a");
    link.href = (panel.getAttribute("data-login") || "/login/") + "?next=" + encodeURIComponent(location.pathname);
    link.className = "button";
    link.textContent = word("sign-in", "");
    say(word("wiped", ""));
    notice.appendChild(document.createTextNode(" "));
    notice.appendChild(link);
    show();
  }
  /* Scans posted online and kept first: the one this page is the answer to is done; any other was lost on the way
     (the network failed, the browser showed its error page) and waits to be sent again, with the time it was
     taken — the same scan to the server, which answers it with its first reply if it did arrive. */
  function recover() {
    var done = panel.getAttribute("data-done") || "";
    return store("readwrite", function (scans) {
      return new Promise(function (resolve) {
        var request = scans.getAll();
        request.onsuccess = function () {
          request.result.forEach(function (e) {
            if (e.state !== "sending" || e.user !== user) return;
            if (e.key === done) { scans.delete(e.id); return; }
            e.state = "waiting";
            e.fields = e.fields.map(function (pair) { return pair[0] === e.time ? [pair[0], e.at] : pair; });
            scans.put(e);
          });
          resolve();
        };
      });
    }).catch(function () {});
  }
  window.addEventListener("online", function () { weak(false); again(); });
  document.addEventListener("visibilitychange", function () { if (!document.hidden) again(); });
  window.addEventListener("pageshow", function (event) {  // back to a page the browser kept (its back button)
    if (event.persisted) recover().then(expire).then(show).then(flush);
  });
  setInterval(flush, 30000);
  setInterval(function () { if (!document.hidden) check(); }, 60000);
  recover().then(expire).then(show).then(flush);
  if (navigator.serviceWorker && panel.getAttribute("data-worker")) {
    navigator.serviceWorker.register(panel.getAttribute("data-worker"), { scope: "/" }).catch(function () {});
  }
})();
