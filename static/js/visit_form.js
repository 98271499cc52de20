/* Visit form: never lose a visit, with or without a signal (README, "Kerja lapangan tanpa
 * sinyal").
 *
 * - Everything typed is kept as a draft in localStorage while typing (files excepted),
 *   with the form's submission_id.
 * - "Simpan" first stores the whole visit in the outbox on this device (IndexedDB,
 *   static/js/outbox.js): every field, the submission_id, the GPS fix and its accuracy,
 *   the photos reduced here (longest side 1600 px, JPEG 0.8) and the documents. Then it is
 *   sent (fetch, Accept: application/json). Saved: removed from the outbox, "Tersimpan"
 *   with the visit's link. No signal: it stays, "Tersimpan di ponsel, akan dikirim saat ada
 *   sinyal"; pwa.js sends it when the connection returns.
 * - A retry sends the same submission_id: the server returns the visit it already saved.
 * - Refused by the server's checks (400): the form is posted the ordinary way so that the
 *   server shows which fields need fixing; the outbox keeps the visit (photos included)
 *   with the reason until it is sent, and this page puts its photos back in the form.
 * - ?cooperative=ID picks the cooperative (also when the page comes from the offline
 *   copy); ?outbox=ID opens a visit from the outbox to fix it.
 * - The open follow-ups of the chosen cooperative: from the server, or with no signal
 *   from the offline copy of the user's cooperatives.
 * The edit form (no submission_id) posts directly, without the outbox.
 */
(function () {
  "use strict";
  var form = document.getElementById("visit-form");
  if (!form) return;
  var O = window.KROutbox;
  var pwaRoot = document.getElementById("kr-pwa");
  var user = pwaRoot ? pwaRoot.dataset.user : "";
  var key = form.dataset.draftKey;
  var statusBox = document.getElementById("save-status");
  var notice = document.getElementById("draft-notice");
  var msg = form.dataset;
  var idField = form.elements.submission_id;
  var useOutbox = !!(O && idField && window.indexedDB && user);
  var pendingChecks = null;
  var failed = false;
  var sending = false;

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function uuid4() {
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.type !== "file" && el.name !== "csrfmiddlewaretoken" && el.type !== "submit" && el.type !== "button";
    });
  }

  function snapshot() {
    var data = {};
    fields().forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        data[el.name] = data[el.name] || [];
        if (el.checked) data[el.name].push(el.value);
      } else if (el.multiple) {
        data[el.name] = Array.prototype.filter.call(el.options, function (o) { return o.selected; }).map(function (o) { return o.value; });
      } else {
        data[el.name] = el.value;
      }
    });
    return data;
  }

  /* Open the folded parts of the form (<details>) that hold something filled in. */
  function unfold() {
    Array.prototype.forEach.call(form.querySelectorAll("details"), function (section) {
      var filled = Array.prototype.some.call(section.querySelectorAll("input, textarea"), function (el) {
        if (el.type === "hidden" || el.type === "submit" || el.type === "button") return false;
        if (el.type === "checkbox" || el.type === "radio") return el.checked;
        if (el.type === "file") return el.files && el.files.length > 0;
        return el.value !== "";
      });
      if (filled) section.open = true;
    });
  }

  function apply(data) {
    fields().forEach(function (el) {
      if (!(el.name in data)) return;
      var value = data[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = value.indexOf(el.value) !== -1;
      } else if (el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = value.indexOf(o.value) !== -1; });
      } else {
        el.value = value;
      }
    });
    unfold();
  }

  /* The form's values as the name/value pairs a browser would post. */
  function pairs() {
    var out = [];
    fields().forEach(function (el) {
      if (el.disabled) return;
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
      if (el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) { if (o.selected) out.push([el.name, o.value]); });
      } else {
        out.push([el.name, el.value]);
      }
    });
    return out;
  }

  /* Pairs back to the snapshot shape that apply() takes. */
  function pairsToData(list) {
    var data = {};
    fields().forEach(function (el) {
      var many = el.type === "checkbox" || el.type === "radio" || el.multiple;
      if (!(el.name in data)) data[el.name] = many ? [] : "";
    });
    list.forEach(function (pair) {
      if (Array.isArray(data[pair[0]])) data[pair[0]].push(pair[1]); else data[pair[0]] = pair[1];
    });
    return data;
  }

  function save() {
    var store = storage();
    if (!store) return;
    try { store.setItem(key, JSON.stringify({ saved: Date.now(), data: snapshot() })); } catch (e) { /* full: keep going */ }
  }

  function load() {
    var store = storage();
    if (!store) return null;
    try { return JSON.parse(store.getItem(key) || "null"); } catch (e) { return null; }
  }

  function clear() {
    var store = storage();
    if (store) store.removeItem(key);
  }

  function show(kind, html) {
    statusBox.className = "alert alert-" + kind;
    statusBox.innerHTML = html;
    statusBox.scrollIntoView({ block: "nearest" });
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function submitButton() {
    return form.querySelector("button[type=submit]");
  }

  function anotherLink() {
    return '<a class="alert-link" data-action="another" href="' + escapeHtml(window.location.pathname) + '">' + escapeHtml(msg.msgAnother) + "</a>";
  }

  function outboxLink() {
    var url = pwaRoot && pwaRoot.dataset.outboxUrl;
    var badge = document.getElementById("outbox-badge");
    url = url || (badge && badge.getAttribute("href"));
    return url ? ' · <a class="alert-link" href="' + escapeHtml(url) + '">' + escapeHtml(msg.msgOutbox || "Kotak keluar") + "</a>" : "";
  }

  // --- Open follow-ups of the chosen cooperative ---------------------------------------

  function renderFollowups(slot, cooperative, items) {
    var legend = slot.querySelector("legend");
    var html = '<fieldset class="mb-3" id="open-followups" data-testid="open-followups" data-offline="1">' +
      '<legend class="form-label fs-6 mb-1">' + escapeHtml(legend ? legend.textContent : "") + "</legend>";
    if (!items.length) {
      html += '<p class="small text-body-secondary mb-0">' + escapeHtml(cooperative ? msg.msgNoFollowups || "" : msg.msgPickCooperative || "") + "</p>";
    }
    items.forEach(function (item, i) {
      var id = "id_close_followups_" + i;
      html += '<div class="form-check"><input type="checkbox" name="close_followups" value="' + escapeHtml(item.id) +
        '" class="form-check-input" id="' + id + '"><label class="form-check-label" for="' + id + '">' +
        escapeHtml(item.label) + " — <strong>" + escapeHtml(msg.msgDone || "sudah selesai") + "</strong></label></div>";
    });
    slot.innerHTML = html + "</fieldset>";
  }

  function followupsFromOfflineCopy(slot, cooperative, current) {
    var url = pwaRoot && pwaRoot.dataset.offlineDataUrl;
    if (!url) return Promise.reject(new Error("no copy"));
    // The service worker answers from its copy when the network fails.
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok || r.redirected) throw new Error("status " + r.status);
      return r.json();
    }).then(function (data) {
      if (!current()) return false;
      var row = (data.cooperatives || []).filter(function (c) { return String(c.id) === String(cooperative); })[0];
      renderFollowups(slot, cooperative, row ? row.open_followups : []);
      return true;
    });
  }

  // Each change of cooperative asks again; the answers can come back in any order (a slow
  // one, the offline copy), so only the answer for the newest request is shown: a late one
  // for a cooperative chosen before would list another cooperative's follow-ups.
  var followupsRequest = 0;

  function loadFollowups(cooperative) {
    var slot = document.getElementById("open-followups-slot");
    if (!slot || !form.dataset.followupsUrl) return;
    var url = form.dataset.followupsUrl + "?cooperative=" + encodeURIComponent(cooperative || "");
    followupsRequest += 1;
    var request = followupsRequest;
    function current() { return request === followupsRequest; }
    function done(shown) {
      if (shown && pendingChecks) { apply(pendingChecks); pendingChecks = null; }
    }
    fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok || r.redirected) throw new Error("status " + r.status);
      return r.text();
    }).then(function (html) {
      if (!current()) return;
      slot.innerHTML = html;
      done(true);
    }).catch(function () {
      if (!current()) return;
      return followupsFromOfflineCopy(slot, cooperative, current).then(done);
    }).catch(function () { /* no copy either: the list stays as it was */ });
  }

  // --- Results -------------------------------------------------------------------------

  function succeeded(body) {
    clear();
    failed = false;
    var title = body.duplicate ? msg.msgDuplicate : msg.msgSaved;
    show("success",
      "<strong>" + escapeHtml(title) + "</strong> " +
      '<a class="alert-link" data-testid="saved-link" href="' + escapeHtml(body.url) + '">' + escapeHtml(msg.msgOpen) + "</a> · " +
      anotherLink());
    var button = submitButton();
    if (button) button.disabled = true;
    form.dataset.saved = "1";
  }

  function failedToSend(text, queued) {
    failed = true;
    var detail = queued ? (msg.msgQueued || msg.msgFailedDetail) + "." : msg.msgFailedDetail;
    show("danger",
      "<strong>" + escapeHtml(text) + "</strong> " + escapeHtml(detail) +
      ' <button type="button" class="btn btn-sm btn-danger ms-1" data-action="retry">' + escapeHtml(msg.msgRetry) + "</button>" +
      (queued ? " " + anotherLink() + outboxLink() : ""));
    var button = submitButton();
    if (button) button.disabled = false;
  }

  function queuedOffline() {
    failed = true;
    if (window.KRPwa) window.KRPwa.requestSync();
    show("warning",
      '<strong data-testid="queued">' + escapeHtml(msg.msgQueued || "") + "</strong> " + anotherLink() + outboxLink());
    form.dataset.saved = "1";
  }

  function rejected(result) {
    // Errors of the form's own checks: the server shows them on the form (what was typed
    // is kept; the outbox keeps the visit with its photos until it is sent or discarded).
    if (result.status === 400) {
      form.dataset.native = "1";
      form.submit();
      return;
    }
    failed = true;
    show("danger", "<strong>" + escapeHtml(msg.msgRejected || "") + "</strong> " + escapeHtml(result.message || "") + outboxLink());
    var button = submitButton();
    if (button) button.disabled = false;
  }

  // --- Sending -----------------------------------------------------------------------

  function collect() {
    var files = [];
    var work = Promise.resolve();
    ["photos", "documents"].forEach(function (name) {
      var input = form.elements[name];
      if (!input || !input.files) return;
      Array.prototype.forEach.call(input.files, function (file) {
        work = work.then(function () {
          return (name === "photos" ? O.reducePhoto(file) : Promise.resolve(file)).then(function (blob) {
            files.push({ field: name, name: blob.name || file.name, type: blob.type || file.type, blob: blob });
          });
        });
      });
    });
    return work.then(function () {
      var coop = form.elements.cooperative;
      var kind = form.elements.kind;
      var csrf = form.elements.csrfmiddlewaretoken;
      return {
        id: idField.value,
        user: String(user),
        action: form.getAttribute("action") || window.location.pathname,
        fields: pairs(),
        files: files,
        csrf: csrf ? csrf.value : "",
        reasons: { 403: msg.msgRefusedForbidden, 404: msg.msgRefusedNotFound, other: msg.msgRefusedOther },
        state: "pending",
        message: "",
        errors: {},
        summary: {
          cooperative: coop && coop.selectedIndex >= 0 && coop.value ? coop.options[coop.selectedIndex].text : "",
          date: form.elements.visit_date ? form.elements.visit_date.value : "",
          kind: kind && kind.selectedIndex >= 0 && kind.value ? kind.options[kind.selectedIndex].text : "",
          findings: form.elements.findings ? form.elements.findings.value.slice(0, 120) : ""
        }
      };
    });
  }

  function sendThroughOutbox() {
    return collect().then(function (entry) {
      return O.get(entry.id).then(function (old) {
        if (old) entry.created = old.created;
        return O.put(entry);
      });
    }).then(function (entry) {
      if (!navigator.onLine) return { state: "network", offline: true };
      return O.send(entry.id, { user: user });
    }).then(function (result) {
      sending = false;
      if (result.state === "sent") succeeded(result.body);
      else if (result.state === "rejected") rejected(result);
      else if (result.state === "session") failedToSend(msg.msgLogin, true);
      else if (result.offline || result.state === "busy") queuedOffline();
      else failedToSend(msg.msgFailed, true);
    }, function () {
      // IndexedDB failed (private mode, disk full): send directly, as before the outbox.
      sending = false;
      useOutbox = false;
      send();
    });
  }

  function sendDirect() {
    var button = submitButton();
    fetch(form.action || window.location.href, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) {
        // The login page (session ended) or a proxy's error page: not saved.
        throw new Error(response.redirected ? "login" : "status " + response.status);
      }
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    }).then(function (result) {
      sending = false;
      if (result.body.status === "saved") {
        succeeded(result.body);
      } else if (result.body.status === "invalid") {
        form.dataset.native = "1";
        form.submit();
      } else {
        throw new Error("unexpected");
      }
    }).catch(function (error) {
      sending = false;
      if (button) button.disabled = false;
      failedToSend(error && error.message === "login" ? msg.msgLogin : msg.msgFailed, false);
    });
  }

  function send() {
    if (sending || (form.dataset.saved === "1" && !failed)) return;
    sending = true;
    save();
    show("info", escapeHtml(msg.msgSending));
    var button = submitButton();
    if (button) button.disabled = true;
    if (useOutbox) sendThroughOutbox(); else sendDirect();
  }

  function locate() {
    var text = document.getElementById("location-text");
    if (!navigator.geolocation) { text.textContent = msg.msgNoLocation; return; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.elements.latitude.value = pos.coords.latitude.toFixed(6);
      form.elements.longitude.value = pos.coords.longitude.toFixed(6);
      var accuracy = form.elements.location_accuracy;
      if (accuracy && typeof pos.coords.accuracy === "number") accuracy.value = String(Math.round(pos.coords.accuracy));
      text.textContent = msg.msgLocation + ": " + form.elements.latitude.value + ", " + form.elements.longitude.value +
        (accuracy && accuracy.value ? " (±" + accuracy.value + " m)" : "");
      save();
    }, function () {
      text.textContent = msg.msgNoLocation;
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  /* Put an outbox entry's photos and documents back into the file fields. */
  function restoreFiles(entry) {
    if (!window.DataTransfer) return;
    ["photos", "documents"].forEach(function (name) {
      var input = form.elements[name];
      var stored = (entry.files || []).filter(function (f) { return f.field === name; });
      if (!input || !stored.length || (input.files && input.files.length)) return;
      try {
        var transfer = new DataTransfer();
        stored.forEach(function (f) { transfer.items.add(new File([f.blob], f.name, { type: f.type })); });
        input.files = transfer.files;
      } catch (e) { /* the user picks them again */ }
    });
    unfold();
  }

  function setCooperativeFromQuery(params) {
    var wanted = params.get("cooperative");
    var select = form.elements.cooperative;
    if (!wanted || !select || !/^\d+$/.test(wanted)) return false;
    var exists = Array.prototype.some.call(select.options, function (o) { return o.value === wanted; });
    if (!exists && select.tomselect && select.dataset.searchOffline && window.searchSelect) {
      // A search field on the cached page (no signal): the cooperative from the offline copy.
      window.searchSelect.offlineData().then(function (data) {
        var row = (data.cooperatives || []).filter(function (c) { return String(c.id) === wanted; })[0];
        if (!row || select.value === wanted) return;
        select.tomselect.addOption(window.searchSelect.offlineOption(row));
        select.tomselect.setValue(wanted);
      }).catch(function () { /* not in the copy: the user searches */ });
      return false;
    }
    if (!exists || select.value === wanted) return false;
    select.value = wanted;
    if (select.tomselect) select.tomselect.setValue(wanted, true);
    return true;
  }

  // --- Start ---------------------------------------------------------------------------
  function start() {
    var params = new URLSearchParams(window.location.search);
    var draft = load();
    var before = form.elements.cooperative ? form.elements.cooperative.value : "";
    var fromOutbox = params.get("outbox");

    function finish(restoredCoop) {
      var after = form.elements.cooperative ? form.elements.cooperative.value : "";
      if (restoredCoop || after !== before) loadFollowups(after);
    }

    if (form.dataset.hasErrors === "1") {
      // The server shows this form with its errors: keep its submission_id; put the
      // photos back from the outbox entry of the same visit.
      save();
      if (useOutbox && idField.value) O.get(idField.value).then(function (entry) { if (entry) restoreFiles(entry); }).catch(function () {});
      return;
    }
    if (useOutbox && fromOutbox) {
      O.get(fromOutbox).then(function (entry) {
        if (!entry || String(entry.user) !== String(user)) { idField.value = uuid4(); return; }
        var data = pairsToData(entry.fields);
        pendingChecks = { close_followups: data.close_followups || [] };
        apply(data);
        idField.value = entry.id;
        restoreFiles(entry);
        if (entry.message) show("danger", "<strong>" + escapeHtml(msg.msgRejected || "") + "</strong> " + escapeHtml(entry.message));
        finish(true);
      }).catch(function () { idField.value = uuid4(); });
      return;
    }
    // A fresh visit: a new submission_id (the page may be the offline copy, whose id was
    // given to another visit already), unless a draft not yet in the outbox is restored.
    var inOutbox = useOutbox && draft && draft.data && draft.data.submission_id
      ? O.get(draft.data.submission_id).catch(function () { return null; })
      : Promise.resolve(null);
    inOutbox.then(function (entry) {
      if (entry) { clear(); draft = null; } // that visit is in the outbox: start a new one
      if (draft && draft.data) {
        apply(draft.data);
        if (notice) notice.classList.remove("d-none");
        if (form.elements.cooperative && form.elements.cooperative.value !== before) {
          pendingChecks = { close_followups: draft.data.close_followups || [] };
        }
        finish(false);
      } else {
        if (idField) idField.value = uuid4();
        finish(setCooperativeFromQuery(params));
      }
      if (idField && !idField.value) idField.value = uuid4();
    });
  }
  start();

  form.addEventListener("input", save);
  form.addEventListener("change", function (event) {
    if (event.target.name === "cooperative") loadFollowups(event.target.value);
    save();
  });
  form.addEventListener("submit", function (event) {
    if (form.dataset.native === "1") return;
    event.preventDefault();
    send();
  });
  document.addEventListener("click", function (event) {
    var action = event.target.getAttribute && event.target.getAttribute("data-action");
    if (action === "retry") { form.dataset.saved = ""; send(); }
    if (action === "locate") locate();
    if (action === "discard-draft") { clear(); window.location.reload(); }
    if (action === "another") clear();
  });
  // Back online after a failed attempt: try again by itself (the outbox's own sending in
  // pwa.js may get there first: then this finds it sent or busy, never a second visit).
  window.addEventListener("online", function () { if (failed && !useOutbox) send(); });
  window.addEventListener("kr-outbox-change", function () {
    if (!useOutbox || !failed || !idField.value) return;
    O.get(idField.value).then(function (entry) {
      if (!entry && failed && form.dataset.saved === "1") {
        failed = false;
        show("success", "<strong>" + escapeHtml(msg.msgSent || msg.msgSaved) + "</strong> " + anotherLink());
      }
    }).catch(function () {});
  });
})();
