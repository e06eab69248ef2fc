// New/Edit Configuration: each action's switch reveals its fields, and the trigger type shows
// either the Callback Profile or the Webhook URL. The page works without this script (all
// fields are shown and the server validates).
(function () {
  "use strict";
  var form = document.getElementById("configuration-form");
  if (!form) {
    return;
  }
  Array.prototype.forEach.call(form.querySelectorAll("[data-revealed-by]"), function (group) {
    var toggle = document.getElementById(group.dataset.revealedBy);
    if (!toggle) {
      return;
    }
    toggle.setAttribute("aria-controls", group.id);
    function sync() {
      group.hidden = !toggle.checked;
    }
    toggle.addEventListener("change", sync);
    sync();
  });
  var type = document.getElementById("id_trigger_type");
  if (type) {
    var syncType = function () {
      Array.prototype.forEach.call(form.querySelectorAll("[data-trigger-type]"), function (el) {
        el.hidden = el.dataset.triggerType !== type.value;
      });
    };
    type.addEventListener("change", syncType);
    syncType();
  }
})();
