// Refused forms: move the view to the error summary (templates/generic/form_errors.html),
// open every folded section (<details>) holding a marked field, and make each summary link
// open the sections around its field before focusing it. Loaded on every page (base.html).
(function () {
  "use strict";

  function reveal(el) {
    var details = el.closest("details");
    while (details) {
      details.open = true;
      details = details.parentElement ? details.parentElement.closest("details") : null;
    }
  }

  function fieldFor(link) {
    var id = decodeURIComponent((link.getAttribute("href") || "").slice(1));
    var el = id ? document.getElementById(id) : null;
    if ((!el || el.type === "hidden") && link.dataset.field) {
      // Checkbox lists have no element with the field's id; hidden inputs take no focus.
      var named = document.querySelectorAll('[name="' + link.dataset.field.replace(/"/g, "") + '"]');
      for (var i = 0; i < named.length; i++) {
        if (named[i].type !== "hidden") { el = named[i]; break; }
      }
    }
    return el;
  }

  function goTo(el) {
    reveal(el);
    var shown = el.type === "hidden" ? (el.closest(".mb-3, fieldset") || el.parentElement) : el;
    shown.scrollIntoView({ block: "center" });
    if (shown.focus) shown.focus({ preventScroll: true });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-error-summary] a[href^='#']") : null;
    if (!link) return;
    var el = fieldFor(link);
    if (!el) return;
    event.preventDefault();
    goTo(el);
  });

  function init() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) return;
    var marked = document.querySelectorAll("details .is-invalid, details .invalid-feedback");
    for (var i = 0; i < marked.length; i++) reveal(marked[i]);
    summary.scrollIntoView({ block: "start" });
    summary.focus({ preventScroll: true });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
