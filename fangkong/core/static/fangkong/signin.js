/* On the sign-in page: the field pages a service worker kept (fangkong/site/templates/site/sw.js) are the last
   account's, with its name and form tokens: whoever signs in next starts without them, and without the status
   list the checkpoint page kept (checkpoint.js), which a scanner's account fetches again. The files the pages need
   stay (their own cache). The outbox (IndexedDB) is left alone: scans kept offline are still sent, for the
   account that took them, when it signs in again. */
(function () {
  "use strict";
  if (!window.caches) return;
  caches.keys().then(function (keys) {
    keys.forEach(function (key) {
      if (key.indexOf("fangkong-pages-") === 0 || key === "fangkong-status-list") caches.delete(key);
    });
  });
})();
