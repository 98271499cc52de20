/* The outbox page (/pendampingan/kotak-keluar/): the signed-in user's visits waiting on
 * this device, read from IndexedDB (static/js/outbox.js), so it works offline too. Each
 * shows its state: waiting for a signal, refused by the server (with the server's reason),
 * or the session ended. "Kirim sekarang" sends them all (refused ones too: the reason may
 * be gone); "Buka di formulir" opens one in the visit form to fix it (photos included);
 * "Buang" removes one after a confirmation. Nothing is ever dropped without the user.
 */
(function () {
  "use strict";
  var root = document.getElementById("outbox-page");
  var O = window.KROutbox;
  if (!root) return;
  var msg = root.dataset;
  var list = document.getElementById("outbox-list");
  var status = document.getElementById("outbox-status");
  var pwaRoot = document.getElementById("kr-pwa");
  var user = pwaRoot ? pwaRoot.dataset.user : "";

  function esc(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function say(kind, text) {
    status.className = text ? "alert alert-" + kind : "";
    status.textContent = text || "";
  }

  function stateBadge(entry) {
    if (entry.state === "rejected") return '<span class="badge text-bg-danger">' + esc(msg.msgRejected) + "</span>";
    if (entry.state === "session") return '<span class="badge text-bg-secondary">' + esc(msg.msgSession) + "</span>";
    return '<span class="badge text-bg-warning">' + esc(msg.msgPending) + "</span>";
  }

  function card(entry) {
    var s = entry.summary || {};
    var photos = (entry.files || []).filter(function (f) { return f.field === "photos"; }).length;
    var docs = (entry.files || []).length - photos;
    var errors = "";
    Object.keys(entry.errors || {}).forEach(function (field) {
      (entry.errors[field] || []).forEach(function (text) { errors += "<li>" + esc(text) + "</li>"; });
    });
    return '<div class="card mb-2" data-testid="outbox-entry" data-id="' + esc(entry.id) + '" data-state="' + esc(entry.state) + '">' +
      '<div class="card-body p-2">' +
      '<div class="d-flex justify-content-between gap-2"><strong>' + esc(s.cooperative || "—") + "</strong>" + stateBadge(entry) + "</div>" +
      '<div class="small text-body-secondary">' + esc([s.date, s.kind].filter(Boolean).join(" · ")) +
      (photos ? " · " + photos + " " + esc(msg.msgPhotos) : "") + (docs ? " · " + docs + " " + esc(msg.msgFiles) : "") +
      (entry.attempts ? " · " + esc(msg.msgTried) + " " + entry.attempts + "×" : "") + "</div>" +
      (s.findings ? '<div class="small text-truncate">' + esc(s.findings) + "</div>" : "") +
      (entry.message ? '<div class="small text-danger mt-1" data-testid="outbox-reason">' + esc(entry.message) + "</div>" : "") +
      (errors && !entry.message ? '<ul class="small text-danger mb-0">' + errors + "</ul>" : "") +
      '<div class="d-flex gap-2 mt-2">' +
      '<a class="btn btn-sm btn-outline-primary" href="' + esc(msg.formUrl) + "?outbox=" + encodeURIComponent(entry.id) + '">' + esc(msg.msgOpen) + "</a>" +
      '<button type="button" class="btn btn-sm btn-outline-danger" data-action="discard" data-id="' + esc(entry.id) + '">' + esc(msg.msgDiscard) + "</button>" +
      "</div></div></div>";
  }

  function render() {
    if (!O || !user) { list.innerHTML = '<p class="text-body-secondary">' + esc(msg.msgNoStorage) + "</p>"; return Promise.resolve(); }
    return O.list(user).then(function (entries) {
      list.innerHTML = entries.length ? entries.map(card).join("") : '<p class="text-body-secondary" data-testid="outbox-empty">' + esc(msg.msgEmpty) + "</p>";
    }).catch(function () {
      list.innerHTML = '<p class="text-body-secondary">' + esc(msg.msgNoStorage) + "</p>";
    });
  }

  function sendNow() {
    if (!navigator.onLine) { say("warning", msg.msgOffline); return; }
    say("info", msg.msgSending);
    var flush = window.KRPwa ? window.KRPwa.flush(true) : O.flush({ user: user, includeRejected: true });
    flush.then(function (results) {
      var sent = results.filter(function (r) { return r.state === "sent"; }).length;
      var offline = results.some(function (r) { return r.state === "network"; });
      say(offline ? "warning" : "success", offline ? msg.msgOffline : msg.msgSent + ": " + sent);
      return render();
    });
  }

  list.addEventListener("click", function (event) {
    var button = event.target.closest("[data-action=discard]");
    if (!button) return;
    if (!window.confirm(msg.msgConfirm)) return;
    O.remove(button.getAttribute("data-id")).then(render);
  });
  root.querySelector("[data-action=send-now]").addEventListener("click", sendNow);
  window.addEventListener("kr-outbox-change", render);
  if (window.BroadcastChannel) new BroadcastChannel("kr-outbox").addEventListener("message", render);
  render();
})();
