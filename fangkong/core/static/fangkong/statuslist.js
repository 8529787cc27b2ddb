/* The signed status list on a field phone (issue 22, point 3): what the checkpoint page and the venue door page
   answer from offline. The page carries the list's public key, key id and address (`key`); the list is kept in
   this browser's Cache Storage, fetched while online every few minutes, its Ed25519 signature checked against the
   key the page carries (WebCrypto, or the vendored noble-ed25519 where the browser has no Ed25519: the block's
   `data-ed25519`), refused when expired or from the future; the newest valid one is kept. The block (`block`)
   carries the words (`data-msg-*`, core/_status_list_words.html) and the district's time zone (`data-tz`).
   The server's side and the format: fangkong/containment/status_list.py. */
(function () {
  "use strict";
  var CACHE = "fangkong-status-list", REFRESH = 5 * 60 * 1000, SKEW = 5 * 60 * 1000;

  function bytes(b64) { return Uint8Array.from(atob(b64), function (c) { return c.charCodeAt(0); }); }

  function message(p) {  // containment/status_list.py message(): what the server signed
    return new TextEncoder().encode(["fangkong-status-list/1", p.format, p.issued_at, p.expires_at, p.salt,
      String(p.count), p.data].join("\n"));
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

  function normalise(code) {  // status_list.normalise
    var t = (code || "").replace(/\s+/g, "");
    return /^[0-9a-fA-F]{32}$/.test(t) ? t.toLowerCase() : t.toUpperCase();
  }

  window.fangkongStatusList = function (block, key) {
    var list = null, refusal = "";  // the list answered from: {payload, values, salt, issued, expires}

    function word(name) { return block.getAttribute("data-msg-" + name) || ""; }

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

    function refresh() {
      // Only when the list held is as old as the server's rebuild period: every scan reloads the page, and a
      // city's list is the better part of a megabyte (the server also limits a device to a few a minute).
      if (!key || !navigator.onLine || (list && Date.now() - list.issued < REFRESH)) return Promise.resolve();
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

    function usable() { return !!list && list.expires > Date.now() && list.issued <= Date.now() + SKEW; }

    function clock(ms) {
      return new Date(ms).toLocaleTimeString(document.documentElement.lang || undefined, {
        hour12: false, hour: "2-digit", minute: "2-digit", timeZone: block.getAttribute("data-tz") || undefined,
      });
    }

    /* What the page says about the list it holds: [text, refused?]. */
    function state() {
      if (!key) return [word("no-service"), false];
      if (usable()) {
        var minutes = Math.max(0, Math.round((Date.now() - list.issued) / 60000));
        return [word("list").replace("{at}", clock(list.issued)).replace("{n}", minutes)
          .replace("{until}", clock(list.expires)), false];
      }
      if (list) return [word("list-expired").replace("{at}", clock(list.issued)), true];
      if (refusal) return [word("list-refused-" + refusal) || word("list-refused-signature"), true];
      return [word("no-list"), false];
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

    var ready = key ? kept().then(function (p) { return p ? take(p) : false; }).then(refresh) : Promise.resolve();
    return {
      ready: ready,
      refresh: refresh,
      usable: usable,
      lookup: lookup,
      state: state,
      clock: clock,
      issuedAt: function () { return list ? list.payload.issued_at : ""; },
      issued: function () { return list ? list.issued : null; },
    };
  };
})();
