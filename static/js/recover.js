// Recover page: while resent deliveries are still pending, refresh the runs table in place.
(function () {
  "use strict";
  function refresh() {
    var section = document.getElementById("recover-runs");
    if (!section || !section.dataset.refresh) return;
    window.setTimeout(function () {
      fetch(window.location.pathname, { headers: { "Accept": "text/html" } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (!html) return;
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("recover-runs");
          if (fresh) { section.replaceWith(fresh); refresh(); }
        })
        .catch(function () { /* offline: the page still works on reload */ });
    }, Number(section.dataset.refresh) * 1000);
  }
  refresh();
})();
