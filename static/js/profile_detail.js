/* Profile page: forms with data-confirm (Rotate secret) ask before they submit.
 * The delivery log and chart update through live.js. */
(function () {
  "use strict";
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  });
})();
