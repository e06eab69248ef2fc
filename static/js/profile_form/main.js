/* Add / Edit Callback Profile: enhances a form that already works without JS.
 *
 * The channel limits the HTTP methods (SMS: GET and POST) and the variable sets; the method
 * shows or hides the body; the body format sets the label, help and starter template; toggles
 * reveal their fields. The server enforces the same rules: this only saves a round trip.
 * The variables dialog, the headers editor, the Test runner and the secret fields are modules
 * of their own.
 */

import { $, $all } from "./dom.js";
import { isBodyMethod, isStringFormat, placeholder, starter } from "./grammar.js";
import { headersEditor } from "./headers_editor.js";
import { secretFields } from "./secret_fields.js";
import { testRunner } from "./test_runner.js";
import { variablesDialog } from "./variables_dialog.js";

const form = document.getElementById("profile-form");
const channel = document.getElementById("id_channel");
const method = document.getElementById("id_http_method");
const body = document.getElementById("id_body");
const bodyRow = document.getElementById("row-body");
const bodyFormat = document.getElementById("id_body_format");
const bodyFormatRow = document.getElementById("row-body-format-wrap");

const variables = variablesDialog({
  method, bodyFormat, body, bodyRow, url: document.getElementById("id_url"),
});

function applyMethod() {
  const visible = isBodyMethod(method.value) || body.value.trim() !== "" ||
    bodyRow.classList.contains("has-error");
  bodyRow.classList.toggle("is-hidden", !visible);
  bodyFormatRow.classList.toggle("is-hidden", !visible);
  variables.followMethod();
}

function applyChannel() {
  const option = channel.options[channel.selectedIndex];
  const allowed = (option.dataset.methods || "").split(" ");
  document.getElementById("id_events").value = option.dataset.events || "No events (Default channel)";
  [...method.options].forEach((opt) => {
    const ok = allowed.includes(opt.value);
    opt.disabled = !ok;
    opt.hidden = !ok;
  });
  if (!allowed.includes(method.value)) {
    method.value = allowed.includes("POST") ? "POST" : allowed[0];
    applyMethod();
  }
  variables.followChannel((option.dataset.sets || "").split(" "));
  $all("#row-enc-params .param").forEach((label) => {
    const ok = (label.dataset.channels || "").split(" ").includes(option.value);
    label.hidden = !ok;
    if (!ok) { $("input", label).checked = false; }
  });
}

function applyBodyFormat() {
  const format = bodyFormat.value;
  document.getElementById("body-format-label").textContent = `(${format.toUpperCase()})`;
  $all("#id_body_helptext [data-formats]").forEach((span) => {
    span.hidden = !span.dataset.formats.split(" ").includes(format);
  });
  body.placeholder = isStringFormat(format)
    ? starter(format) || `Status ${placeholder("status")} for ${placeholder("message_id")}`
    : `{"status": "${placeholder("status")}"}`;
}

function revealToggles() {
  $all("[data-revealed-by]").forEach((section) => {
    const toggle = document.getElementById(section.dataset.revealedBy);
    toggle.setAttribute("aria-controls", section.id);
    const apply = () => section.classList.toggle("is-hidden", !toggle.checked);
    toggle.addEventListener("change", apply);
    apply();
  });
}

/* The compatible nonce mode with GCM reuses the nonce: say so while it is chosen. */
function gcmWarning() {
  const algorithm = document.getElementById("id_enc-algo");
  const apply = () => {
    const fixed = $("input[name='enc-nonce_mode']:checked");
    const gcm = !algorithm.value || algorithm.value.endsWith("GCM");
    $("#gcm-warning").classList.toggle("is-hidden", !(gcm && (!fixed || fixed.value === "fixed")));
  };
  algorithm.addEventListener("change", apply);
  $all("input[name='enc-nonce_mode']").forEach((radio) => radio.addEventListener("change", apply));
  apply();
}

channel.addEventListener("change", applyChannel);
method.addEventListener("change", applyMethod);
bodyFormat.addEventListener("change", () => {
  if (isStringFormat(bodyFormat.value) && !body.value.trim() && starter(bodyFormat.value)) {
    body.value = starter(bodyFormat.value);
  }
  applyBodyFormat();
});

applyBodyFormat();
revealToggles();
secretFields(form);
headersEditor(document.getElementById("header-rows"), document.getElementById("add-header"));
testRunner(form, document.getElementById("test-button"), document.getElementById("test-result"));
applyChannel();
applyMethod();
gcmWarning();
