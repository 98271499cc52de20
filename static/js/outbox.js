/* The outbox: visits logged on this device, kept in IndexedDB until the server has them.
 *
 * One record per visit, keyed by its submission_id (so a fixed and re-sent visit replaces
 * its record, and the server recognises a repeated send: "duplicate": true):
 *   {id, user, action, fields: [[name, value], ...], files: [{field, name, type, blob}],
 *    summary: {cooperative, date, kind}, csrf, state: "pending" | "rejected" | "session",
 *    message, errors, reasons: {403, 404, other} (the form's words, in the user's language,
 *    for a refusal without the view's JSON; other: "Refused by the server", the status
 *    added), created, updated, attempts, claimedUntil}
 * Entries belong to the user who logged them: only the signed-in user's are sent.
 * Used by the pages (window.KROutbox) and by the service worker (importScripts), so no DOM
 * here. No library: IndexedDB through small promise helpers.
 */
(function (global) {
  "use strict";
  var DB_NAME = "kr-outbox";
  var STORE = "entries";
  var META = "meta";
  var CLAIM_MS = 60000; // a send that takes longer than this is presumed dead
  var MAX_SIDE = 1600;
  var dbPromise = null;

  function promisify(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function open() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var request = global.indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = function () {
          var db = request.result;
          var store = db.createObjectStore(STORE, { keyPath: "id" });
          store.createIndex("user", "user");
          db.createObjectStore(META, { keyPath: "key" });
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { dbPromise = null; reject(request.error); };
      });
    }
    return dbPromise;
  }

  function tx(storeName, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(storeName, mode);
        var result;
        Promise.resolve(work(t.objectStore(storeName))).then(function (value) { result = value; });
        t.oncomplete = function () { resolve(result); };
        t.onerror = function () { reject(t.error); };
        t.onabort = function () { reject(t.error || new Error("aborted")); };
      });
    });
  }

  function notify() {
    try {
      if (global.BroadcastChannel) new global.BroadcastChannel("kr-outbox").postMessage("changed");
    } catch (e) { /* old browser: this tab still updates */ }
    if (global.dispatchEvent && global.CustomEvent) global.dispatchEvent(new global.CustomEvent("kr-outbox-change"));
  }

  function put(entry) {
    entry.updated = Date.now();
    if (!entry.created) entry.created = entry.updated;
    return tx(STORE, "readwrite", function (store) { store.put(entry); }).then(function () { notify(); return entry; });
  }

  function get(id) {
    return tx(STORE, "readonly", function (store) { return promisify(store.get(id)); });
  }

  /* Change the stored entry ``id`` in place, in one transaction (nothing if it is gone). */
  function update(id, change) {
    return tx(STORE, "readwrite", function (store) {
      return promisify(store.get(id)).then(function (entry) {
        if (!entry) return null;
        change(entry);
        entry.updated = Date.now();
        store.put(entry);
        return entry;
      });
    }).then(function (entry) {
      if (entry) notify();
      return entry;
    });
  }

  function remove(id) {
    return tx(STORE, "readwrite", function (store) { store.delete(id); }).then(notify);
  }

  function list(user) {
    return tx(STORE, "readonly", function (store) {
      return promisify(user == null ? store.getAll() : store.index("user").getAll(String(user)));
    }).then(function (rows) {
      return rows.sort(function (a, b) { return a.created - b.created; });
    });
  }

  function count(user) {
    return tx(STORE, "readonly", function (store) { return promisify(store.index("user").count(String(user))); });
  }

  function setMeta(key, value) {
    return tx(META, "readwrite", function (store) { store.put({ key: key, value: value }); });
  }

  function getMeta(key) {
    return tx(META, "readonly", function (store) { return promisify(store.get(key)); }).then(function (row) {
      return row ? row.value : null;
    });
  }

  // --- Sending ---------------------------------------------------------------------------

  function cookie(name) {
    if (typeof document === "undefined") return "";
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : "";
  }

  function formData(entry) {
    var data = new FormData();
    entry.fields.forEach(function (pair) { data.append(pair[0], pair[1]); });
    (entry.files || []).forEach(function (file) { data.append(file.field, file.blob, file.name); });
    return data;
  }

  /* Claim an entry in one IndexedDB transaction (transactions on one store run one at a
   * time across tabs and the service worker), so no two senders post it at once. */
  function claim(id, release) {
    return tx(STORE, "readwrite", function (store) {
      return promisify(store.get(id)).then(function (entry) {
        if (!entry) return null;
        if (!release && entry.claimedUntil && entry.claimedUntil > Date.now()) return null;
        entry.claimedUntil = release ? 0 : Date.now() + CLAIM_MS;
        store.put(entry);
        return entry;
      });
    });
  }

  /* One sender per entry across tabs and the service worker: navigator.locks where the
   * browser has it (released by itself when a tab dies), else the timed claim above. */
  function withLock(id, work) {
    var locks = global.navigator && global.navigator.locks;
    if (!locks) {
      return claim(id, false).then(function (entry) {
        return entry ? work(entry) : { state: "busy" };
      });
    }
    return locks.request("kr-outbox-" + id, { ifAvailable: true }, function (lock) {
      if (!lock) return { state: "busy" };
      return get(id).then(function (entry) { return entry ? work(entry) : { state: "busy" }; });
    });
  }

  // Entries stored before the form gave its words (or by an old page) fall back to these.
  var REASONS = {
    403: "Ditolak server (403): Anda tidak berhak mencatat kunjungan ini.",
    404: "Ditolak server (404): data kunjungan ini tidak ditemukan atau bukan wewenang Anda lagi.",
    other: "Ditolak server"
  };
  function describe(status, body, entry) {
    if (body && body.message) return body.message;
    var reasons = (entry && entry.reasons) || {};
    if (status === 403 || status === 404) return reasons[status] || REASONS[status];
    return (reasons.other || REASONS.other) + " (" + status + ").";
  }

  /* Post one entry. Resolves to {state: "sent", body} (removed from the outbox),
   * "rejected" (kept with the server's reason), "session" (signed out: kept), "network"
   * (kept), or "busy" (another tab or the service worker is sending it). */
  function send(id, options) {
    options = options || {};
    return withLock(id, function (entry) {
      return Promise.resolve(entry).then(function (entry) {
        if (options.user != null && String(entry.user) !== String(options.user)) {
          return claim(id, true).then(function () { return { state: "other-user" }; });
        }
        var token = cookie("csrftoken") || entry.csrf || "";
        return global.fetch(entry.action, {
          method: "POST",
          body: formData(entry),
          credentials: "same-origin",
          headers: { Accept: "application/json", "X-CSRFToken": token }
        }).then(function (response) {
          var type = response.headers.get("Content-Type") || "";
          if (type.indexOf("application/json") === -1) {
            // Not the view's JSON: the login page (session ended: "session"), Django's
            // CSRF or permission page (403), a missing page (404), a proxy's error page.
            if (response.status === 403) {
              return response.text().then(function (text) {
                return text.indexOf("CSRF") !== -1 ? { state: "session" } : { state: "rejected", status: 403, message: describe(403, null, entry) };
              });
            }
            if (response.status === 404 || response.status === 400) return { state: "rejected", status: response.status, message: describe(response.status, null, entry) };
            if (response.status >= 500) return { state: "network", status: response.status };
            return { state: "session" };
          }
          return response.json().then(function (body) {
            if (body.status === "saved") return { state: "sent", body: body };
            if (response.status >= 500) return { state: "network", status: response.status };
            return { state: "rejected", status: response.status, message: describe(response.status, body, entry), errors: body.errors || {} };
          });
        }, function () {
          return { state: "network" };
        }).then(function (result) {
          if (result.state === "sent") return remove(id).then(function () { return result; });
          // Read and written in one transaction: an entry the user discarded while it was
          // being sent stays discarded (a separate read, then write, put it back).
          return update(id, function (current) {
            current.claimedUntil = 0;
            current.attempts = (current.attempts || 0) + 1;
            current.lastTry = Date.now();
            if (result.state === "rejected") {
              current.state = "rejected";
              current.message = result.message;
              current.errors = result.errors || {};
            } else if (result.state === "session") {
              current.state = "session";
            } else if (current.state !== "rejected") {
              current.state = "pending";
            }
            if (result.state === "session") current.message = "";
          }).then(function () { return result; });
        });
      });
    });
  }

  /* Send the user's waiting entries one by one (rejected ones only when asked: they
   * wait for the user to fix them). Resolves to the results. */
  function flush(options) {
    options = options || {};
    if (options.user == null || options.user === "") return Promise.resolve([]);
    return list(options.user).then(function (entries) {
      var results = [];
      return entries.reduce(function (chain, entry) {
        return chain.then(function () {
          if (entry.state === "rejected" && !options.includeRejected) return null;
          return send(entry.id, { user: options.user }).then(function (result) {
            result.id = entry.id;
            results.push(result);
          });
        });
      }, Promise.resolve()).then(function () { return results; });
    });
  }

  // --- Photos, reduced on the phone before they are stored ---------------------------------

  function reducePhoto(file) {
    if (!global.createImageBitmap || !/^image\//.test(file.type || "")) return Promise.resolve(file);
    return global.createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var w = bitmap.width;
      var h = bitmap.height;
      var scale = Math.min(1, MAX_SIDE / Math.max(w, h));
      if (scale === 1 && file.type === "image/jpeg" && file.size < 1500000) return file;
      var canvas = global.document.createElement("canvas");
      canvas.width = Math.round(w * scale);
      canvas.height = Math.round(h * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      if (bitmap.close) bitmap.close();
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          if (!blob) { resolve(file); return; }
          var name = (file.name || "foto").replace(/\.[^.]*$/, "") + ".jpg";
          resolve(new File([blob], name, { type: "image/jpeg", lastModified: Date.now() }));
        }, "image/jpeg", 0.8);
      });
    }, function () {
      return file; // a format this browser cannot decode: the server checks it
    });
  }

  function currentUser() {
    if (typeof document === "undefined") return null;
    var el = document.getElementById("kr-pwa");
    return el && el.dataset.user ? el.dataset.user : null;
  }

  global.KROutbox = {
    open: open,
    put: put,
    get: get,
    remove: remove,
    list: list,
    count: count,
    send: send,
    flush: flush,
    claim: claim,
    setMeta: setMeta,
    getMeta: getMeta,
    reducePhoto: reducePhoto,
    currentUser: currentUser,
    cookie: cookie
  };
})(self);
