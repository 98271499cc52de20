// Small behaviours any page may use, loaded by base.html (no inline script, for the CSP):
// <select data-autosubmit> submits its form when changed; <a data-back-link> goes back in
// the browser's history when there is one (its href is the fallback).
document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
  select.addEventListener("change", function () {
    if (select.form) { select.form.requestSubmit(); }
  });
});
document.querySelectorAll("[data-back-link]").forEach(function (link) {
  link.addEventListener("click", function (event) {
    if (window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
});
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("button[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
});
