{% load static %}/* The field pages' service worker (issue 22; fangkong/site/views.py serves it from the root, for the whole site).
   It keeps the field pages and the files they need, so that a phone that lost the network opens them again; the
   scans themselves wait in the page's outbox (fangkong/core/static/fangkong/outbox.js). Nothing but GETs of this
   origin is touched: a POST always goes to the network, and the outbox keeps it when the network is down. */
"use strict";
var CACHE = "fangkong-field-{{ version }}";  // the files the pages need
var PAGES_CACHE = "fangkong-pages-{{ version }}";  // the pages, as last fetched: an account's (deleted at sign-in)
var FILES = [{% for f in files %}"{% static f %}"{% if not forloop.last %}, {% endif %}{% endfor %}];
var PAGES = [{% for p in pages %}"{{ p }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
var STATIC = "{% get_static_prefix %}";

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(FILES); }).then(function () {
    return self.skipWaiting();
  }));
});

function field(url) {
  return url.origin === self.location.origin && PAGES.some(function (p) { return url.pathname.indexOf(p) === 0; });
}

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) {
      return (k.indexOf("fangkong-field-") === 0 && k !== CACHE) || (k.indexOf("fangkong-pages-") === 0 && k !== PAGES_CACHE);
    }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }).then(function () {
    // The field pages open now were fetched before this worker ran (a first visit): kept now, so that the page a
    // sampler opened once this morning opens again when the network drops.
    return self.clients.matchAll({ type: "window" }).then(function (open) {
      return caches.open(PAGES_CACHE).then(function (cache) {
        return Promise.all(open.map(function (client) {
          var url = new URL(client.url);
          if (!field(url)) return null;
          return fetch(url.href, { credentials: "same-origin" }).then(function (response) {
            if (response.ok && !response.redirected) return cache.put(url.href, response);
          }).catch(function () {});
        }));
      });
    });
  }));
});

/* A kept field page under `prefix` (the checkpoints' list redirects to its one checkpoint, never kept itself),
   else any kept one, as a redirect to it; else the browser's error. */
function keptPage(prefix) {
  return caches.open(PAGES_CACHE).then(function (cache) { return cache.keys(); }).then(function (requests) {
    var paths = requests.map(function (r) { return new URL(r.url); });
    var under = paths.filter(function (u) { return prefix && u.pathname.indexOf(prefix) === 0; });
    var page = under[0] || paths[0];
    return page ? Response.redirect(page.href, 302) : Response.error();
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    if (!field(url)) {
      // Offline, the installed app's start (/) or any other page: the field page kept last, rather than the
      // browser's error page. Online, untouched.
      event.respondWith(fetch(request).catch(function () { return keptPage(""); }));
      return;
    }
    // A field page: the network's answer when there is one (kept for later), else the one kept.
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok && !response.redirected) {
        var copy = response.clone();
        caches.open(PAGES_CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      // By address alone: a page kept at activation was fetched, not navigated to (its request's headers differ).
      return caches.match(request, { ignoreVary: true }).then(function (kept) { return kept || keptPage(url.pathname); });
    }));
    return;
  }
  if (url.pathname.indexOf(STATIC) === 0) {
    event.respondWith(caches.match(request).then(function (kept) { return kept || fetch(request); }));
  }
});
