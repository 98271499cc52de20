/* The service worker, served at /sw.js by koperasi_registry/pwa.py, which puts
 * self.KR_PWA = {version, shell, pages, offline, offlineData, outboxScript, ...} above
 * this file. The version is a digest of this file and of every shell file: a deploy that
 * changes any of them installs a new worker, which deletes the caches of the old one.
 *
 * - Shell (CSS, scripts, Bootstrap, icons, the offline page): stored at install; static
 *   files are served cache first (their URLs carry a content hash in production).
 * - Pages kept for offline use (home, visit form, "Koperasi saya", outbox, the offline
 *   data JSON): network first, the cache when the network fails (any query string: the
 *   visit form with ?cooperative=ID opens offline too). Only a 200 that is not a redirect
 *   (never the login page) is stored. These caches are emptied on "Keluar" (pwa.js).
 * - Any other page without a network: the offline page.
 * - POSTs are never touched: the visit form's script keeps its own outbox (outbox.js).
 */
/* global KR_PWA, KROutbox */
"use strict";
var CFG = self.KR_PWA;
var SHELL_CACHE = "kr-shell-" + CFG.version;
var PAGE_CACHE = "kr-pages-" + CFG.version;
var NETWORK_TIMEOUT_MS = 8000;
importScripts(CFG.outboxScript);

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL_CACHE).then(function (cache) {
      return cache.addAll(CFG.shell.concat([CFG.offline]));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("kr-") === 0 && name !== SHELL_CACHE && name !== PAGE_CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function isKeptPage(url) {
  return CFG.pages.indexOf(url.pathname) !== -1;
}

function pageKey(url) {
  return url.origin + url.pathname; // one copy per page, whatever its query string
}

function withTimeout(promise, ms) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error("timeout")); }, ms);
    promise.then(function (value) { clearTimeout(timer); resolve(value); }, function (error) { clearTimeout(timer); reject(error); });
  });
}

// Page copies being written, and a count of "Keluar"s: a copy of the previous user's
// page must not land in the cache after it was emptied (see the "message" handler).
var pageWrites = [];
var clearings = 0;

function keepPage(url, copy) {
  var at = clearings;
  var write = caches.open(PAGE_CACHE).then(function (cache) {
    if (at !== clearings) return null; // fetched before a "Keluar": not kept
    return cache.put(pageKey(url), copy);
  }).catch(function () { /* quota, an aborted body: not kept */ });
  pageWrites.push(write);
  write.then(function () { pageWrites.splice(pageWrites.indexOf(write), 1); });
  return write;
}

function networkFirst(request, url) {
  var network = fetch(request);
  return withTimeout(network, NETWORK_TIMEOUT_MS).then(function (response) {
    if (response.ok && !response.redirected && response.type === "basic") {
      keepPage(url, response.clone());
    }
    return response;
  }).catch(function (error) {
    return caches.open(PAGE_CACHE).then(function (cache) { return cache.match(pageKey(url)); }).then(function (cached) {
      if (cached) return cached;
      if (error && error.message === "timeout") return network; // nothing kept: keep waiting
      if (request.mode === "navigate") return caches.match(CFG.offline);
      throw error;
    });
  });
}

function cacheFirst(request) {
  return caches.match(request).then(function (cached) {
    if (cached) return cached;
    return fetch(request).then(function (response) {
      if (response.ok && response.type === "basic") {
        var copy = response.clone();
        caches.open(SHELL_CACHE).then(function (cache) { return cache.put(request, copy); });
      }
      return response;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf(CFG.staticPrefix) === 0) {
    event.respondWith(cacheFirst(request));
  } else if (isKeptPage(url)) {
    event.respondWith(networkFirst(request, url));
  } else if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(function () {
      return caches.match(CFG.offline);
    }));
  }
});

// Background Sync: the connection is back. A page of the app that is open sends (it reads
// the CSRF cookie); with none open the worker sends the signed-in user's visits itself,
// with the CSRF token each entry kept from its form.
self.addEventListener("sync", function (event) {
  if (event.tag !== "kr-outbox") return;
  event.waitUntil(self.clients.matchAll({ type: "window" }).then(function (clients) {
    if (clients.length) {
      clients[0].postMessage("kr-outbox-flush");
      return null;
    }
    return KROutbox.getMeta("user").then(function (user) {
      return user ? KROutbox.flush({ user: user }) : null;
    });
  }));
});

// "Keluar" (pwa.js): empty the page caches once the copies being written are done, so that
// none of them lands after the caches were emptied, then say so to the page.
self.addEventListener("message", function (event) {
  if (event.data !== "kr-clear-pages") return;
  clearings += 1;
  event.waitUntil(Promise.all(pageWrites.slice()).then(function () {
    return caches.keys();
  }).then(function (names) {
    return Promise.all(names.filter(function (name) { return name.indexOf("kr-pages-") === 0; }).map(function (name) {
      return caches.delete(name);
    }));
  }).then(function () {
    if (event.source) event.source.postMessage("kr-pages-cleared");
  }));
});
