/* Edit page: "Preview on recent traffic" posts the unsaved form and shows the server-rendered
 * preview inline (without JS the button submits and the page is drawn with it). */
(function () {
  "use strict";
  var button = document.getElementById("preview-button");
  var result = document.getElementById("preview-result");
  if (!button || !result) { return; }
  var form = button.form;

  button.addEventListener("click", function (event) {
    event.preventDefault();
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    fetch(button.getAttribute("formaction"), {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json();
    }).then(function (data) {
      result.innerHTML = data.html;
    }).catch(function () {
      result.textContent = "Could not reach the server; try again.";
    }).then(function () {
      result.hidden = false;
      button.disabled = false;
      button.removeAttribute("aria-busy");
      var heading = result.querySelector("h2");
      if (heading) { heading.focus(); }
      result.scrollIntoView({ block: "start" });
    });
  });
})();
