/* Add / Edit Callback Profile: enhances a form that already works without JS.
 *
 * - the channel limits the HTTP methods (SMS: GET and POST) and sets the events; the server
 *   enforces the same rules, this only saves a round trip;
 * - "List Dynamic Variables" dialog: Select All, Copy to Clipboard (JSON for POST/PUT, a query
 *   string for GET/DELETE) and Insert straight into the body or the endpoint;
 * - header rows with "+ Add more" and remove; toggles that reveal their fields;
 * - Test posts the unsaved form and shows the request and the response inline.
 */
(function () {
  "use strict";

  var form = document.getElementById("profile-form");
  if (!form) { return; }

  var BODY_METHODS = ["POST", "PUT"];
  var channel = document.getElementById("id_channel");
  var method = document.getElementById("id_http_method");
  var url = document.getElementById("id_url");
  var body = document.getElementById("id_body");
  var events = document.getElementById("id_events");
  var bodyRow = document.getElementById("row-body");
  var bodyFormat = document.getElementById("id_body_format");
  var bodyFormatRow = document.getElementById("row-body-format-wrap");
  var STRING_FORMATS = ["xml", "html", "text"];
  function isStringFormat() { return STRING_FORMATS.indexOf(bodyFormat.value) !== -1; }

  function $(selector, root) { return (root || document).querySelector(selector); }
  function $all(selector, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(selector));
  }
  function say(message) { if (window.announce) { window.announce(message); } }
  function isBodyMethod() { return BODY_METHODS.indexOf(method.value) !== -1; }
  function channelOption() { return channel.options[channel.selectedIndex]; }

  // --- channel and method ---------------------------------------------------------------------

  function applyChannel() {
    var option = channelOption();
    var allowed = (option.dataset.methods || "").split(" ");
    events.value = option.dataset.events || "No events (Default channel)";
    Array.prototype.forEach.call(method.options, function (opt) {
      var ok = allowed.indexOf(opt.value) !== -1;
      opt.disabled = !ok;
      opt.hidden = !ok;
    });
    if (allowed.indexOf(method.value) === -1) {
      method.value = allowed.indexOf("POST") !== -1 ? "POST" : allowed[0];
      applyMethod();
    }
    var sets = (option.dataset.sets || "").split(" ");
    var eventSelect = document.getElementById("variable-event");
    Array.prototype.forEach.call(eventSelect.options, function (opt) {
      var ok = sets.indexOf(opt.value) !== -1;
      opt.disabled = !ok;
      opt.hidden = !ok;
    });
    // The channel's own event first (SMS: SMS Send), whatever was shown before.
    eventSelect.value = sets[0];
    showVariableSet();
    $all("#row-enc_params .param").forEach(function (label) {
      var ok = (label.dataset.channels || "").split(" ").indexOf(option.value) !== -1;
      label.hidden = !ok;
      if (!ok) { $("input", label).checked = false; }
    });
  }

  function applyMethod() {
    var visible = isBodyMethod() || body.value.trim() !== "" || bodyRow.classList.contains("has-error");
    bodyRow.classList.toggle("is-hidden", !visible);
    bodyFormatRow.classList.toggle("is-hidden", !visible);
    $("#insert-variables").textContent = isBodyMethod()
      ? "Insert into Request Body" : "Insert into Endpoint URL";
    updatePreview();
  }

  channel.addEventListener("change", applyChannel);
  method.addEventListener("change", applyMethod);

  // --- body format: the label, the help text and what Insert writes follow it ----------------

  var STARTERS = { xml: "<callback>\n</callback>", html: "<html><body>\n</body></html>" };
  function applyBodyFormat() {
    var format = bodyFormat.value;
    document.getElementById("body-format-label").textContent = "(" + format.toUpperCase() + ")";
    $all("#id_body_helptext [data-formats]").forEach(function (span) {
      span.hidden = span.dataset.formats.split(" ").indexOf(format) === -1;
    });
    body.placeholder = isStringFormat()
      ? (STARTERS[format] || "Status <status> for <message_id>") : '{"status": "<status>"}';
  }
  bodyFormat.addEventListener("change", function () {
    if (isStringFormat() && !body.value.trim() && STARTERS[bodyFormat.value]) {
      body.value = STARTERS[bodyFormat.value];
    }
    applyBodyFormat();
  });
  applyBodyFormat();

  function templateLine(name) {
    if (bodyFormat.value === "xml") { return '  <field name="' + name + '"><' + name + "></field>"; }
    if (bodyFormat.value === "html") { return "  <p>" + name + ": <" + name + "></p>"; }
    return name + ": <" + name + ">";
  }

  function insertIntoTemplate(names) {
    var lines = names.map(templateLine).join("\n");
    var value = body.value.replace(/\s+$/, "");
    var close = value.match(/<\/[A-Za-z][^>]*>\s*$/);
    if (close && bodyFormat.value !== "text") {
      var at = value.length - close[0].length;
      body.value = value.slice(0, at).replace(/\s+$/, "") + "\n" + lines + "\n" + value.slice(at);
    } else {
      body.value = value ? value + "\n" + lines : lines;
    }
    bodyRow.classList.remove("is-hidden");
    return body;
  }

  // --- toggles --------------------------------------------------------------------------------

  $all("[data-revealed-by]").forEach(function (section) {
    var toggle = document.getElementById(section.dataset.revealedBy);
    toggle.setAttribute("aria-controls", section.id);
    function apply() { section.classList.toggle("is-hidden", !toggle.checked); }
    toggle.addEventListener("change", apply);
    apply();
  });

  var algorithm = document.getElementById("id_enc_algorithm");
  function applyWarning() {
    var fixed = $("input[name=enc_nonce_mode]:checked");
    var gcm = !algorithm.value || /GCM$/.test(algorithm.value);
    $("#gcm-warning").classList.toggle("is-hidden", !(gcm && (!fixed || fixed.value === "fixed")));
  }
  algorithm.addEventListener("change", applyWarning);
  $all("input[name=enc_nonce_mode]").forEach(function (r) { r.addEventListener("change", applyWarning); });

  // --- header rows ----------------------------------------------------------------------------

  var rows = document.getElementById("header-rows");

  function renumber() {
    $all(".header-row", rows).forEach(function (row, index) {
      var n = index + 1;
      var inputs = $all("input", row);
      var labels = $all("label", row);
      inputs[0].id = "header-name-" + n;
      inputs[1].id = "header-value-" + n;
      labels[0].htmlFor = inputs[0].id;
      labels[0].textContent = "Header " + n + " key";
      labels[1].htmlFor = inputs[1].id;
      labels[1].textContent = "Header " + n + " value";
      $(".remove-header", row).setAttribute("aria-label", "Remove header " + n);
      var what = $(".secret-toggle .toggle-what", row);
      if (what) { what.textContent = " value of header " + n; }
    });
  }

  function isEmpty(row) {
    return $all("input", row).every(function (input) { return input.value.trim() === ""; });
  }

  // The server draws spare blank rows for browsers without JS; one is enough here.
  var blanks = $all(".header-row", rows).filter(isEmpty);
  blanks.slice(1).forEach(function (row) { row.remove(); });

  $("#add-header").addEventListener("click", function () {
    var last = $all(".header-row", rows).pop();
    var row = last.cloneNode(true);
    $all("input", row).forEach(function (input) { input.value = ""; });
    $all("input[data-secret]", row).forEach(function (input) { input.type = "password"; });
    $all(".secret-toggle", row).forEach(function (button) {
      $(".toggle-word", button).textContent = "Show";
      button.setAttribute("aria-pressed", "false");
    });
    rows.appendChild(row);
    renumber();
    $("input", row).focus();
  });

  rows.addEventListener("click", function (event) {
    var button = event.target.closest(".remove-header");
    if (!button) { return; }
    var row = button.closest(".header-row");
    var all = $all(".header-row", rows);
    if (all.length === 1) {
      $all("input", row).forEach(function (input) { input.value = ""; });
      $("input", row).focus();
    } else {
      var next = all[all.indexOf(row) + 1] || all[all.indexOf(row) - 1];
      row.remove();
      renumber();
      $("input", next).focus();
    }
    say("Header removed");
  });

  // --- List Dynamic Variables -----------------------------------------------------------------

  var dialog = document.getElementById("variables-dialog");
  var eventSelect = document.getElementById("variable-event");
  var preview = document.getElementById("variables-preview");
  var message = document.getElementById("variables-message");
  var viewButton = document.getElementById("view-variables");

  function visibleSet() { return $(".variable-set[data-event='" + eventSelect.value + "']", dialog); }
  function checks() { return $all(".variable-check", visibleSet()); }
  function selectedNames() {
    return checks().filter(function (c) { return c.checked; }).map(function (c) { return c.value; });
  }

  // What joins a query string pasted at the end of the endpoint URL as it is now.
  function queryJoiner() {
    var value = url.value.trim();
    if (value.indexOf("?") === -1) { return "?"; }
    return /[?&]$/.test(value) ? "" : "&";
  }

  function queryText(names) {
    return names.map(function (name) { return name + "=<" + name + ">"; }).join("&");
  }

  // For GET/DELETE the copy starts with the `?` or `&` it needs at the end of the URL.
  function asText(names) {
    if (!names.length) { return ""; }
    if (isBodyMethod()) {
      var object = {};
      names.forEach(function (name) { object[name] = "<" + name + ">"; });
      return JSON.stringify(object, null, 2);
    }
    return queryJoiner() + queryText(names);
  }

  function updatePreview() {
    if (!dialog) { return; }
    var names = selectedNames();
    var all = checks();
    preview.value = asText(names);
    $("#selected-count").textContent = names.length + " of " + all.length + " selected";
    $("#select-all").textContent = all.length && names.length === all.length ? "Deselect All" : "Select All";
  }

  function showVariableSet() {
    $all(".variable-set", dialog).forEach(function (set) {
      set.hidden = set.dataset.event !== eventSelect.value;
    });
    updatePreview();
  }

  eventSelect.addEventListener("change", showVariableSet);
  dialog.addEventListener("change", function (event) {
    if (event.target.classList.contains("variable-check")) { updatePreview(); }
  });

  viewButton.addEventListener("click", function () {
    message.textContent = "";
    updatePreview();
    dialog.showModal();
  });
  $all("[data-close]", dialog).forEach(function (button) {
    button.addEventListener("click", function () { dialog.close(); });
  });
  // A click on the backdrop (outside the dialog box) closes it too.
  dialog.addEventListener("click", function (event) {
    if (event.target === dialog) {
      var box = dialog.getBoundingClientRect();
      var inside = event.clientX >= box.left && event.clientX <= box.right &&
        event.clientY >= box.top && event.clientY <= box.bottom;
      if (!inside) { dialog.close(); }
    }
  });
  // Focus goes back to View, or to the field that Insert just filled.
  var returnFocusTo = null;
  dialog.addEventListener("close", function () {
    (returnFocusTo || viewButton).focus();
    returnFocusTo = null;
  });

  $("#select-all").addEventListener("click", function () {
    var all = checks();
    var every = all.every(function (c) { return c.checked; });
    all.forEach(function (c) { c.checked = !every; });
    updatePreview();
  });

  $("#copy-variables").addEventListener("click", function () {
    var text = asText(selectedNames());
    if (!text) { message.textContent = "Tick at least one variable first."; return; }
    window.copyText(text).then(function (ok) {
      message.textContent = ok
        ? "Copied " + selectedNames().length + " variables. Paste them into the " +
          (isBodyMethod() ? "Request Body." : "endpoint URL, at its end.")
        : "Your browser blocked the copy: select the text above and copy it by hand.";
      if (!ok) { preview.focus(); preview.select(); }
    });
  });

  function insertIntoBody(names) {
    if (isStringFormat()) { return insertIntoTemplate(names); }
    var current = body.value.trim();
    var object = {};
    if (current) {
      try { object = JSON.parse(current); } catch (e) { object = null; }
      if (object === null || typeof object !== "object" || Array.isArray(object)) {
        message.textContent = "The Request Body is not a JSON object, so nothing was inserted. " +
          "Fix it, or use Copy to Clipboard.";
        return false;
      }
    }
    names.forEach(function (name) {
      if (!Object.prototype.hasOwnProperty.call(object, name)) { object[name] = "<" + name + ">"; }
    });
    body.value = JSON.stringify(object, null, 2);
    bodyRow.classList.remove("is-hidden");
    return body;
  }

  function insertIntoUrl(names) {
    var value = url.value.trim();
    var query = value.indexOf("?") === -1 ? "" : value.slice(value.indexOf("?") + 1);
    var present = query.split("&").map(function (pair) { return decodeURIComponent(pair.split("=")[0]); });
    var add = names.filter(function (name) { return present.indexOf(name) === -1; });
    if (add.length) { url.value = value + asText(add); }
    return url;
  }

  $("#insert-variables").addEventListener("click", function () {
    var names = selectedNames();
    if (!names.length) { message.textContent = "Tick at least one variable first."; return; }
    var target = isBodyMethod() ? insertIntoBody(names) : insertIntoUrl(names);
    if (!target) { return; }
    target.dispatchEvent(new Event("input", { bubbles: true }));
    returnFocusTo = target;
    dialog.close();
    say("Inserted " + names.length + " variables into the " +
        (target === body ? "Request Body" : "endpoint URL"));
  });

  // --- Test -----------------------------------------------------------------------------------

  var result = document.getElementById("test-result");
  var testButton = document.getElementById("test-button");

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  // A long box scrolls: it takes keyboard focus and has a name (as the server draws it).
  function scrollBox(text, label) {
    var box = el("pre", "code", text);
    box.tabIndex = 0;
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", label);
    return box;
  }

  function showFieldErrors(errors) {
    $all("[data-errors-for]", form).forEach(function (box) {
      var list = errors[box.dataset.errorsFor] || [];
      box.textContent = "";
      list.forEach(function (text) { box.appendChild(el("p", "", text)); });
      var row = box.closest(".field");
      if (row) { row.classList.toggle("has-error", list.length > 0); }
      // An error inside a collapsed section (Advanced delivery) must be seen.
      var section = box.closest("details");
      if (section && list.length) { section.open = true; }
    });
  }

  function renderResult(data) {
    result.textContent = "";
    result.hidden = false;
    result.className = "test-result " + (data.ok ? "ok" : "failed");
    if (!data.request) {
      result.appendChild(el("h2", "test-title", "Test not sent"));
      result.appendChild(el("p", "form-error", data.error)).setAttribute("data-test-error", "");
      (data.errors.__all__ || []).forEach(function (t) { result.appendChild(el("p", "form-error", t)); });
      return;
    }
    var title = el("h2", "test-title", "Test " + (data.ok ? "succeeded" : "failed") + ": ");
    if (data.status_code) {
      var badge = el("span", "badge " + (data.ok ? "active" : "disabled"), "HTTP " + data.status_code);
      badge.setAttribute("data-test-status", "");
      title.appendChild(badge);
    }
    if (data.latency_ms !== null && data.latency_ms !== undefined) {
      title.appendChild(el("span", "muted", " in " + data.latency_ms + " ms"));
    }
    result.appendChild(title);
    if (data.error) {
      result.appendChild(el("p", "form-error", data.error)).setAttribute("data-test-error", "");
    }
    if (data.empty_placeholders && data.empty_placeholders.length) {
      var warn = el("div", "warning");
      warn.setAttribute("data-test-placeholders", "");
      warn.appendChild(el("p", "", "Rendered empty: " + data.empty_placeholders.map(function (n) {
        return "<" + n + ">";
      }).join(", ") + "."));
      (data.placeholder_problems || []).forEach(function (t) { warn.appendChild(el("p", "", t)); });
      result.appendChild(warn);
    }
    var grid = el("div", "test-grid");
    var left = el("div");
    left.appendChild(el("h3", "", "Request"));
    var lines = [data.request.method + " " + data.request.url];
    Object.keys(data.request.headers || {}).forEach(function (name) {
      lines.push(name + ": " + data.request.headers[name]);
    });
    if (data.request.body) { lines.push("", data.request.body); }
    left.appendChild(scrollBox(lines.join("\n"), "Test request"));
    var right = el("div");
    right.appendChild(el("h3", "", "Response"));
    right.appendChild(data.status_code
      ? scrollBox(data.response_excerpt || "(empty body)", "Test response")
      : el("p", "muted", "No response."));
    grid.appendChild(left);
    grid.appendChild(right);
    result.appendChild(grid);
  }

  testButton.addEventListener("click", function (event) {
    event.preventDefault();
    testButton.disabled = true;
    testButton.setAttribute("aria-busy", "true");
    var label = testButton.textContent;
    testButton.textContent = "Testing…";
    fetch(form.dataset.testUrl, {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().catch(function () {
        return { ok: false, request: null, errors: {},
                 error: "The server answered " + response.status + "; try again." };
      });
    }).then(function (data) {
      showFieldErrors(data.errors || {});
      renderResult(data);
    }).catch(function () {
      renderResult({ ok: false, request: null, errors: {}, error: "Could not reach the server." });
    }).then(function () {
      testButton.disabled = false;
      testButton.removeAttribute("aria-busy");
      testButton.textContent = label;
      result.scrollIntoView({ block: "nearest" });
    });
  });

  // --- secrets --------------------------------------------------------------------------------
  // Header values, the encryption key and IV and the client secret are masked like on the
  // profile page; a Show button beside each reveals it while editing.

  function addShowButton(input) {
    if (input.nextElementSibling && input.nextElementSibling.classList.contains("secret-toggle")) {
      return;
    }
    // The name is in the button's text (not aria-label), so it never matches the field's label.
    var button = el("button", "icon-button secret-toggle");
    button.type = "button";
    button.setAttribute("aria-pressed", "false");
    button.appendChild(el("span", "toggle-word", "Show"));
    button.appendChild(el("span", "visually-hidden toggle-what", " " + (input.labels &&
      input.labels[0] ? input.labels[0].textContent.trim() : "value")));
    input.insertAdjacentElement("afterend", button);
  }
  $all("input[data-secret]", form).forEach(addShowButton);
  form.addEventListener("click", function (event) {
    var button = event.target.closest(".secret-toggle");
    if (!button) { return; }
    var input = button.previousElementSibling;
    var show = input.type === "password";
    input.type = show ? "text" : "password";
    $(".toggle-word", button).textContent = show ? "Hide" : "Show";
    button.setAttribute("aria-pressed", show ? "true" : "false");
  });

  applyChannel();
  applyMethod();
  applyWarning();
  renumber();
})();
