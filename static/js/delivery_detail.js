/* Delivery detail: JSON bodies are shown indented (the server already does; this also
 * indents response excerpts that arrive minified), also after live.js swapped in attempts. */
(function () {
  "use strict";
  function indent() {
    document.querySelectorAll("pre[data-json]").forEach(function (block) {
      try {
        block.textContent = JSON.stringify(JSON.parse(block.textContent), null, 2);
      } catch (e) { /* not JSON: leave as is */ }
    });
  }
  document.addEventListener("live:updated", indent);
  indent();
})();
