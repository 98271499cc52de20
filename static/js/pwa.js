/* Every page: registers the service worker (/sw.js), shows the outbox badge ("Menunggu
 * dikirim: N") and sends the waiting visits when the page loads online, when the
 * connection returns ("online") and when the service worker asks (Background Sync).
 * Also: no page of one user stays cached for the next. On "Keluar" and whenever a
 * different user (or nobody) is signed in on this device than the pages were cached for,
 * the page caches are emptied. The outbox itself stays: each entry names its user and only
 * the signed-in user's entries are counted and sent.
 */
(function () {
  "use strict";
  var root = document.getElementById("kr-pwa");
  var O = window.KROutbox;
  if (!root || !O) return;
  var user = root.dataset.user || "";
  var PAGE_CACHE_PREFIX = "kr-pages";
  var LAST_USER = "kr-last-user";

  function deletePageCaches() {
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name.indexOf(PAGE_CACHE_PREFIX) === 0; }).map(function (name) {
        return caches.delete(name);
      }));
    }).catch(function () { /* nothing to clear */ });
  }

  // The worker empties them itself after the page copies it is still writing (one of them
  // could land after a deletion from here); 3 s without its answer: deleted from here.
  function clearPageCaches() {
    try { localStorage.removeItem("kr-offline-data-at"); } catch (e) { /* private mode */ }
    if (!window.caches) return Promise.resolve();
    var worker = navigator.serviceWorker && navigator.serviceWorker.controller;
    var byWorker = !worker ? Promise.resolve() : new Promise(function (resolve) {
      var timer = setTimeout(resolve, 3000);
      navigator.serviceWorker.addEventListener("message", function done(event) {
        if (event.data !== "kr-pages-cleared") return;
        navigator.serviceWorker.removeEventListener("message", done);
        clearTimeout(timer);
        resolve();
      });
      worker.postMessage("kr-clear-pages");
    });
    return byWorker.then(deletePageCaches);
  }

  function lastUser() {
    try { return localStorage.getItem(LAST_USER); } catch (e) { return null; }
  }

  function setLastUser(value) {
    try {
      if (value) localStorage.setItem(LAST_USER, value); else localStorage.removeItem(LAST_USER);
    } catch (e) { /* private mode */ }
  }

  // Another user (or nobody) than the one the cached pages belong to.
  var ready = Promise.resolve();
  if (lastUser() !== null && lastUser() !== user) ready = clearPageCaches();
  setLastUser(user);
  O.setMeta("user", user || null).catch(function () {});

  // "Keluar": empty the page caches first, then sign out.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.action || !/\/accounts\/logout\/?$/.test(new URL(form.action, location.href).pathname)) return;
    if (form.dataset.cleared === "1") return;
    event.preventDefault();
    form.dataset.cleared = "1";
    setLastUser("");
    clearPageCaches().then(function () { form.submit(); });
  }, true);

  // --- Badge -------------------------------------------------------------------------
  var badge = document.getElementById("outbox-badge");
  // The Pendamping's home page has a slot for the same count (#outbox-summary).
  var summary = document.getElementById("outbox-summary");
  function refreshBadge() {
    if (!badge || !user) return Promise.resolve();
    return O.count(user).then(function (n) {
      badge.querySelector("[data-count]").textContent = String(n);
      badge.classList.toggle("d-none", n === 0);
      badge.dataset.count = String(n);
      if (summary) {
        summary.textContent = "";
        if (n > 0) {
          var box = document.createElement("div");
          box.className = "alert alert-warning py-2 small";
          box.appendChild(document.createTextNode(n + " " + (root.dataset.msgWaiting || "") + " "));
          var link = document.createElement("a");
          link.className = "alert-link";
          link.href = badge.getAttribute("href");
          link.textContent = root.dataset.msgOpenOutbox || "";
          box.appendChild(link);
          summary.appendChild(box);
        }
      }
    }).catch(function () { /* no IndexedDB: no outbox */ });
  }
  window.addEventListener("kr-outbox-change", refreshBadge);
  if (window.BroadcastChannel) new BroadcastChannel("kr-outbox").onmessage = refreshBadge;

  // --- Sending -------------------------------------------------------------------------
  var flushing = null;
  function flush(includeRejected) {
    if (!user) return Promise.resolve([]);
    if (flushing && includeRejected) {
      // "Kirim sekarang" asks for the refused visits too: a send already running skips
      // them, so send again once it is done rather than answer with its results.
      return flushing.then(function () { return flush(true); });
    }
    if (flushing) return flushing;
    flushing = O.flush({ user: user, includeRejected: !!includeRejected }).catch(function () { return []; }).then(function (results) {
      flushing = null;
      return refreshBadge().then(function () { return results; });
    });
    return flushing;
  }
  // Background Sync, where the browser has it: asked for by the visit form when a visit
  // was stored with no connection, so that the worker asks a page (or sends by itself)
  // once the connection is back, even if the page is closed by then. Only then: the
  // browser fires it at once when it believes it is online, and a failed send must not
  // turn into a loop of retries.
  var syncRegistration = null;
  function requestSync() {
    if (syncRegistration && syncRegistration.sync) syncRegistration.sync.register("kr-outbox").catch(function () {});
  }
  window.KRPwa = { flush: flush, refreshBadge: refreshBadge, clearPageCaches: clearPageCaches, requestSync: requestSync };

  window.addEventListener("online", function () { flush(false); });

  // Keep the offline copy of the user's cooperatives fresh (the service worker stores the
  // answer); an answer for someone else than this page's user empties the page caches.
  var DATA_AT = "kr-offline-data-at";
  function refreshOfflineData(force) {
    var url = root.dataset.offlineDataUrl;
    if (!url || !user || !navigator.onLine) return;
    try {
      var at = JSON.parse(localStorage.getItem(DATA_AT) || "null");
      if (!force && at && at.user === user && Date.now() - at.time < 5 * 60000) return;
    } catch (e) { /* fetch anyway */ }
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      return r.ok && !r.redirected ? r.json() : null;
    }).then(function (data) {
      if (!data) return;
      if (String(data.user) !== user) { clearPageCaches(); return; }
      // Noted once the copy is here: a fetch cut short (a tap on a link, a reload) must
      // not hold the next page back from asking again for five minutes.
      try { localStorage.setItem(DATA_AT, JSON.stringify({ user: user, time: Date.now() })); } catch (e) { /* full */ }
    }).catch(function () { /* offline */ });
  }

  // --- Service worker ----------------------------------------------------------------
  if ("serviceWorker" in navigator && root.dataset.swUrl) {
    ready.then(function () {
      return navigator.serviceWorker.register(root.dataset.swUrl, { scope: "/" });
    }).then(function (registration) {
      navigator.serviceWorker.addEventListener("message", function (event) {
        if (event.data === "kr-outbox-flush") flush(false);
      });
      syncRegistration = registration;
    }).catch(function () { /* no service worker (private mode, old browser): works online */ });
  }

  ready.then(function () {
    refreshBadge();
    if (user && navigator.onLine) flush(false);
    if (!root.dataset.offlineDataUrl || !("serviceWorker" in navigator)) return;
    // Through the service worker, so that it keeps the answer: now if it controls this
    // page, else as soon as it takes control (the first visit).
    if (navigator.serviceWorker.controller) refreshOfflineData(false);
    else navigator.serviceWorker.addEventListener("controllerchange", function () { refreshOfflineData(true); });
  });
})();
