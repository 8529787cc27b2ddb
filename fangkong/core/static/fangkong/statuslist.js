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

  function unpack(p) {  // core/hashlist.py: LEB128 gaps → the sorted values, and the salt
    var data = bytes(p.data), values = new Uint32Array(p.count), n = 0, value = 0, gap = 0, shift = 0;
    for (var i = 0; i < data.length; i++) {
      gap += (data[i] & 0x7f) * Math.pow(2, shift);
      if (data[i] & 0x80) { shift += 7; continue; }
      value += gap;
      values[n++] = value;
      gap = 0; shift = 0;
    }
    var salt = new Uint8Array(p.salt.match(/../g).map(function (h) { return parseInt(h, 16); }));
    return { values: values.subarray(0, n), salt: salt };
  }

  function decode(p) {
    var list = unpack(p);
    return { payload: p, values: list.values, salt: list.salt, issued: Date.parse(p.issued_at),
      expires: Date.parse(p.expires_at) };
  }

  function normalise(code) {  // hashlist.normalise
    var t = (code || "").replace(/\s+/g, "");
    return /^[0-9a-fA-F]{32}$/.test(t) ? t.toLowerCase() : t.toUpperCase();
  }

  /* SHA-256 (FIPS 180-4), at once: a page answers inside the submit, before the form goes on to the outbox —
     WebCrypto's digest is a promise, and submitting the form again once it resolves is unreliable in Chromium
     (a requestSubmit soon after a prevented submit may be dropped). Short inputs only (a salt and a code). */
  var K = [];
  (function () {
    var n = 2, found = 0;
    while (found < 64) {
      var prime = true;
      for (var d = 2; d * d <= n; d++) if (n % d === 0) { prime = false; break; }
      if (prime) K[found++] = (Math.pow(n, 1 / 3) % 1) * 4294967296 | 0;
      n++;
    }
  })();
  function sha256First32(bytesIn) {  // the first 32 bits of the digest
    var len = bytesIn.length, padded = new Uint8Array(((len + 9 + 63) >> 6) << 6);
    padded.set(bytesIn);
    padded[len] = 0x80;
    var bits = len * 8, view = new DataView(padded.buffer);
    view.setUint32(padded.length - 4, bits >>> 0);
    view.setUint32(padded.length - 8, Math.floor(bits / 4294967296));
    var h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    var w = new Array(64);
    for (var off = 0; off < padded.length; off += 64) {
      for (var i = 0; i < 16; i++) w[i] = view.getUint32(off + i * 4);
      for (i = 16; i < 64; i++) {
        var a = w[i - 15], b = w[i - 2];
        var s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
        var s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
      }
      var A = h[0], B = h[1], C = h[2], D = h[3], E = h[4], F = h[5], G = h[6], H = h[7];
      for (i = 0; i < 64; i++) {
        var S1 = ((E >>> 6) | (E << 26)) ^ ((E >>> 11) | (E << 21)) ^ ((E >>> 25) | (E << 7));
        var t1 = (H + S1 + ((E & F) ^ (~E & G)) + K[i] + w[i]) | 0;
        var S0 = ((A >>> 2) | (A << 30)) ^ ((A >>> 13) | (A << 19)) ^ ((A >>> 22) | (A << 10));
        var t2 = (S0 + ((A & B) ^ (A & C) ^ (B & C))) | 0;
        H = G; G = F; F = E; E = (D + t1) | 0; D = C; C = B; B = A; A = (t1 + t2) | 0;
      }
      h[0] = (h[0] + A) | 0; h[1] = (h[1] + B) | 0; h[2] = (h[2] + C) | 0; h[3] = (h[3] + D) | 0;
      h[4] = (h[4] + E) | 0; h[5] = (h[5] + F) | 0; h[6] = (h[6] + G) | 0; h[7] = (h[7] + H) | 0;
    }
    return h[0] >>> 0;
  }

  /* Does an unpacked list ({values, salt}) hold `code`? true or false. */
  function holds(list, code) {
    var text = new TextEncoder().encode(normalise(code)), salted = new Uint8Array(list.salt.length + text.length);
    salted.set(list.salt);
    salted.set(text, list.salt.length);
    var v = sha256First32(salted), lo = 0, hi = list.values.length - 1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (list.values[mid] === v) return true;
      if (list.values[mid] < v) lo = mid + 1; else hi = mid - 1;
    }
    return false;
  }
  window.fangkongHashList = { unpack: unpack, holds: holds };  // testing/alone.js

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

    /* Does the list mark `code`? true, false, or null (no code, or no list to answer from). At once. */
    function lookup(code) {
      if (!normalise(code) || !usable()) return null;
      return holds(list, code);
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
