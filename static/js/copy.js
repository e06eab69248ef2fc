/* Copy to clipboard, also on plain http:// (where navigator.clipboard does not exist).
 *
 * window.copyText(text) -> Promise<boolean>. Buttons with data-copy="text" or
 * data-copy-target="element id" copy on click and say "Copied" for a moment.
 */
(function () {
  "use strict";

  function legacyCopy(text) {
    // execCommand('copy') needs a selected, focusable element. Everything outside an open
    // modal <dialog> is inert, so the helper goes inside the dialog when there is one.
    var area = document.createElement("textarea");
    var active = document.activeElement;
    var host = (active && active.closest && active.closest("dialog[open]")) ||
      document.querySelector("dialog[open]") || document.body;
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.top = "0";
    area.style.left = "-9999px";
    area.style.opacity = "0";
    host.appendChild(area);
    area.select();
    area.setSelectionRange(0, text.length);
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    host.removeChild(area);
    if (active && typeof active.focus === "function") { active.focus(); }
    return ok;
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(
        function () { return true; },
        function () { return legacyCopy(text); }
      );
    }
    return Promise.resolve(legacyCopy(text));
  }

  function announce(message) {
    var status = document.getElementById("copy-status");
    if (status) { status.textContent = ""; status.textContent = message; }
  }

  function flash(button, ok) {
    var label = button.querySelector(".copy-label");
    var target = label || button;
    if (!button.dataset.label) { button.dataset.label = target.textContent; }
    target.textContent = ok ? "Copied" : "Copy failed";
    button.classList.toggle("copied", ok);
    announce(ok ? "Copied to clipboard" : "Could not copy: select the text and copy it by hand");
    window.clearTimeout(button._copyTimer);
    button._copyTimer = window.setTimeout(function () {
      target.textContent = button.dataset.label;
      button.classList.remove("copied");
    }, 1600);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy], [data-copy-target]");
    if (!button) { return; }
    event.preventDefault();
    var text = button.dataset.copy;
    if (text === undefined) {
      var source = document.getElementById(button.dataset.copyTarget);
      text = source ? (source.value !== undefined ? source.value : source.textContent) : "";
    }
    copyText(text.trim()).then(function (ok) { flash(button, ok); });
  });

  window.copyText = copyText;
  window.announce = announce;
})();
