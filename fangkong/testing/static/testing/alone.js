/* Who is tested alone, on the sampling site page offline (issue 22; the list: fangkong/testing/alone_list.py).
   People under closed-loop management or tagged key population are sampled one to a tube. Online the server
   refuses such a person in a pooled tube; offline the page looks up a scanned personal code in the list it keeps
   (salted short hashes of the codes of those people, core/hashlist.py; fetched every few minutes while online,
   kept in this browser) before the swab goes in: into a tube this phone has put anyone in already, refused — a
   new tube for this person alone, which then takes nobody else (outbox.js counts it full). Typed ID numbers are
   not looked up (the list holds no ID numbers): the server checks them when the scan arrives. Loaded before
   outbox.js, whose submit handler runs after this one. */
(function () {
  "use strict";
  var block = document.getElementById("alone");
  var form = document.querySelector("form[data-outbox][data-pool-size]");
  if (!block || !form || !window.fangkongHashList || !window.caches) return;
  var url = block.getAttribute("data-url"), CACHE = "fangkong-status-list", REFRESH = 5 * 60 * 1000;
  var note = block.querySelector("[data-note]");
  var list = null, issued = 0;

  function word(name) { return block.getAttribute("data-msg-" + name) || ""; }
  function online() { return navigator.onLine && !window.fangkongWeak; }

  function take(p) {  // a list newer than the one held
    if (!p || p.format !== "h32-delta-leb128" || !p.issued_at) return false;
    var at = Date.parse(p.issued_at);
    if (list && issued >= at) return false;
    list = window.fangkongHashList.unpack(p);
    issued = at;
    return true;
  }

  function kept() {
    return caches.open(CACHE).then(function (c) { return c.match(url); })
      .then(function (r) { return r ? r.json() : null; }).catch(function () { return null; });
  }

  function refresh() {
    if (!online() || (list && Date.now() - issued < REFRESH)) return Promise.resolve();
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (p) {
      if (p && take(p)) {  // kept for when the network drops; deleted with the kept pages (sign-in, sign-out)
        return caches.open(CACHE).then(function (c) {
          return c.put(url, new Response(JSON.stringify(p), { headers: { "Content-Type": "application/json" } }));
        });
      }
    }).catch(function () {});
  }

  form.addEventListener("submit", function (event) {
    note.hidden = true;
    if (online() || !list) return;
    var code = (form.elements.person.value || "").replace(/\s+/g, "").toUpperCase();
    if (!/^P[0-9A-Z]{11}$/.test(code)) return;  // an ID number or a household's code: not on the list
    // Looked up at once (a synchronous hash): the answer must come before the form goes on to the outbox.
    if (!window.fangkongHashList.holds(list, code)) return;
    var tubes = window.fangkongTubes, field = form.elements.tube_code;
    var tube = (field.value || "").trim().toUpperCase();
    if (!tubes || !tube) return;
    if (tubes.count(tube) > 0) {  // someone is in it already, as far as this phone knows
      event.preventDefault();
      event.stopImmediatePropagation();
      note.textContent = word("alone").replace("{tube}", tube);
      note.hidden = false;
      field.focus();
      field.select();
      return;
    }
    tubes.single(tube);  // a new tube: this person's alone (the server makes it a tube of one too)
  });

  kept().then(take).then(refresh);
  setInterval(refresh, 60 * 1000);
})();
