/* Live statuses without a SPA: a page with [data-live-url] polls that small JSON endpoint
 * while [data-live-pending="true"] and swaps in the server-rendered fragments it returns
 * ({"pending": bool, "html": {"element-id": "<fragment>"}}). It stops once nothing is
 * pending, pauses while the tab is hidden, and backs off after errors. */
(function () {
  "use strict";
  var root = document.querySelector("[data-live-url]");
  if (!root) { return; }
  var interval = parseInt(root.dataset.liveInterval || "2000", 10);
  var delay = interval;
  var last = {};

  function apply(data) {
    Object.keys(data.html || {}).forEach(function (id) {
      var node = document.getElementById(id);
      if (node && last[id] !== data.html[id]) {
        last[id] = data.html[id];
        node.innerHTML = data.html[id];
      }
    });
    root.dataset.livePending = data.pending ? "true" : "false";
    document.dispatchEvent(new CustomEvent("live:updated", { detail: data }));
  }

  function poll() {
    if (root.dataset.livePending !== "true") { return; }
    if (document.hidden) { schedule(); return; }
    fetch(root.dataset.liveUrl, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data) { delay = interval; apply(data); } else { delay = Math.min(delay * 2, 30000); }
        schedule();
      })
      .catch(function () { delay = Math.min(delay * 2, 30000); schedule(); });
  }

  function schedule() {
    if (root.dataset.livePending === "true") { window.setTimeout(poll, delay); }
  }

  schedule();
})();
