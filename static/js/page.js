/* Loaded first on every page, before the styles (no inline script: the Content-Security-Policy
 * forbids it).
 *
 * - `js` on <html> lets the styles hide what only works with JavaScript off.
 * - A form with data-confirm="question" asks before it is submitted.
 */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
