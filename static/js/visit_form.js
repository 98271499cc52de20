/* Visit form: never lose a visit logged on a weak phone connection.
 *
 * - Everything typed is kept as a draft in localStorage (files excepted: browsers cannot
 *   store them), together with the form's submission_id.
 * - The form is sent with fetch; the page says plainly whether it was saved
 *   ("Tersimpan" with the visit's link) or not ("Belum tersimpan — coba kirim lagi").
 * - A retry sends the same submission_id, so the server returns the visit it already
 *   saved instead of saving a second one.
 * - Validation errors: the form is posted the ordinary way so the server shows them.
 * No framework, no network other than this site.
 */
(function () {
  "use strict";
  var form = document.getElementById("visit-form");
  if (!form) return;
  var key = form.dataset.draftKey;
  var statusBox = document.getElementById("save-status");
  var notice = document.getElementById("draft-notice");
  var msg = form.dataset;
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
    div.textContent = text;
    return div.innerHTML;
  }

  function submitButton() {
    return form.querySelector("button[type=submit]");
  }

  function loadFollowups(cooperative) {
    var slot = document.getElementById("open-followups-slot");
    if (!slot || !form.dataset.followupsUrl) return;
    var url = form.dataset.followupsUrl + "?cooperative=" + encodeURIComponent(cooperative || "");
    fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok || r.redirected) throw new Error("status " + r.status);
      return r.text();
    }).then(function (html) {
      slot.innerHTML = html;
      if (pendingChecks) { apply(pendingChecks); pendingChecks = null; }
    }).catch(function () { /* offline: the list stays as it was */ });
  }

  function succeeded(body) {
    clear();
    failed = false;
    var title = body.duplicate ? msg.msgDuplicate : msg.msgSaved;
    show("success",
      "<strong>" + escapeHtml(title) + "</strong> " +
      '<a class="alert-link" data-testid="saved-link" href="' + escapeHtml(body.url) + '">' + escapeHtml(msg.msgOpen) + "</a> · " +
      '<a class="alert-link" href="' + escapeHtml(window.location.pathname) + '">' + escapeHtml(msg.msgAnother) + "</a>");
    var button = submitButton();
    if (button) button.disabled = true;
    form.dataset.saved = "1";
  }

  function failedToSend(text) {
    failed = true;
    show("danger",
      "<strong>" + escapeHtml(text) + "</strong> " + escapeHtml(msg.msgFailedDetail) +
      ' <button type="button" class="btn btn-sm btn-danger ms-1" data-action="retry">' + escapeHtml(msg.msgRetry) + "</button>");
  }

  function send() {
    if (sending || form.dataset.saved === "1") return;
    sending = true;
    save();
    show("info", escapeHtml(msg.msgSending));
    var button = submitButton();
    if (button) button.disabled = true;
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
        // Let the server show which fields need fixing (it keeps what was typed).
        form.dataset.native = "1";
        form.submit();
      } else {
        throw new Error("unexpected");
      }
    }).catch(function (error) {
      sending = false;
      if (button) button.disabled = false;
      failedToSend(error && error.message === "login" ? msg.msgLogin : msg.msgFailed);
    });
  }

  function locate() {
    var text = document.getElementById("location-text");
    if (!navigator.geolocation) { text.textContent = msg.msgNoLocation; return; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.elements.latitude.value = pos.coords.latitude.toFixed(6);
      form.elements.longitude.value = pos.coords.longitude.toFixed(6);
      text.textContent = msg.msgLocation + ": " + form.elements.latitude.value + ", " + form.elements.longitude.value;
      save();
    }, function () {
      text.textContent = msg.msgNoLocation;
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  // Start: restore a draft unless the server is showing this form with its errors.
  var idField = form.elements.submission_id;
  var draft = load();
  if (form.dataset.hasErrors === "1") {
    save();
  } else if (draft && draft.data) {
    var before = form.elements.cooperative ? form.elements.cooperative.value : "";
    apply(draft.data);
    notice.classList.remove("d-none");
    if (form.elements.cooperative && form.elements.cooperative.value !== before) {
      pendingChecks = { close_followups: draft.data.close_followups || [] };
      loadFollowups(form.elements.cooperative.value);
    }
  }
  if (idField && !idField.value) idField.value = uuid4();

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
    if (action === "retry") send();
    if (action === "locate") locate();
    if (action === "discard-draft") { clear(); window.location.reload(); }
  });
  // Back online after a failed attempt: try again by itself.
  window.addEventListener("online", function () { if (failed) send(); });
})();
