// The app's only script: small behaviours that pages also work without. Served from the app itself
// (no inline script: the Content-Security-Policy allows scripts from 'self' only).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
});
