// A "Cetak" button: <button data-print>. No inline script, so it also works under a CSP.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
