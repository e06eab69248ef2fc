/* Request inbox: optional auto-refresh, remembered across reloads. */
(function () {
  "use strict";
  var box = document.getElementById("auto-refresh");
  if (!box) { return; }
  var key = "delivery-inbox-auto-refresh";
  box.checked = window.localStorage.getItem(key) === "1";
  var timer = null;
  function schedule() {
    window.clearTimeout(timer);
    if (box.checked) { timer = window.setTimeout(function () { window.location.reload(); }, 5000); }
  }
  box.addEventListener("change", function () {
    window.localStorage.setItem(key, box.checked ? "1" : "0");
    schedule();
  });
  schedule();
})();
