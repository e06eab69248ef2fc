/* Live statuses without a SPA: a page with [data-live-url] polls that small JSON endpoint
 * while [data-live-pending="true"] and swaps in the server-rendered fragments it returns
 * ({"pending": bool, "html": {"element-id": "<fragment>"}}). It stops once nothing is
 * pending, pauses while the tab is hidden, and polls less often (up to every 30 s) while
 * nothing changes or after errors, e.g. for a delivery waiting hours for its next retry. */
(function () {
  "use strict";
  var root = document.querySelector("[data-live-url]");
  if (!root) { return; }
  var interval = parseInt(root.dataset.liveInterval || "2000", 10);
  var delay = interval;
  var last = {};
  var unchanged = 0;
  var MAX_DELAY = 30000;

  function apply(data) {
    var changed = false;
    Object.keys(data.html || {}).forEach(function (id) {
      var node = document.getElementById(id);
      if (node && last[id] !== data.html[id]) {
        changed = changed || last[id] !== undefined;
        last[id] = data.html[id];
        node.innerHTML = data.html[id];
      }
    });
    // Every `interval` for the first few quiet polls, then slower and slower.
    unchanged = changed ? 0 : unchanged + 1;
    delay = unchanged < 5 ? interval : Math.min(Math.round(delay * 1.5), MAX_DELAY);
    root.dataset.livePending = data.pending ? "true" : "false";
    document.dispatchEvent(new CustomEvent("live:updated", { detail: data }));
  }

  function poll() {
    if (root.dataset.livePending !== "true") { return; }
    if (document.hidden) { schedule(); return; }
    fetch(root.dataset.liveUrl, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data) { apply(data); } else { delay = Math.min(delay * 2, MAX_DELAY); }
        schedule();
      })
      .catch(function () { delay = Math.min(delay * 2, MAX_DELAY); schedule(); });
  }

  function schedule() {
    if (root.dataset.livePending === "true") { window.setTimeout(poll, delay); }
  }

  schedule();
})();
