// New/Edit Configuration: show Trigger Type and Callback Profile only while Trigger URL is on.
// The page works without this script (all fields are shown and the server validates).
(function () {
  "use strict";
  var toggle = document.getElementById("id_trigger_url");
  var fields = document.getElementById("trigger-fields");
  if (!toggle || !fields) {
    return;
  }
  function sync() {
    fields.hidden = !toggle.checked;
  }
  toggle.addEventListener("change", sync);
  sync();
})();
