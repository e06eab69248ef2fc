/* Test: posts the unsaved form and shows the request sent and the response inline, with the
 * field errors next to their fields. Without JS the button submits to the same URL. */

import { $all, el } from "./dom.js";
import { placeholder } from "./grammar.js";

function showFieldErrors(form, errors) {
  $all("[data-errors-for]", form).forEach((box) => {
    const list = errors[box.dataset.errorsFor] || [];
    box.replaceChildren(...list.map((text) => el("p", "", text)));
    box.closest(".field")?.classList.toggle("has-error", list.length > 0);
    // An error inside a collapsed section (Advanced delivery) must be seen.
    const section = box.closest("details");
    if (section && list.length) { section.open = true; }
  });
}

function errorLine(text) {
  const line = el("p", "form-error", text);
  line.setAttribute("data-test-error", "");
  return line;
}

// A long box scrolls: it takes keyboard focus and has a name, as the server draws it.
function scrollBox(text, label) {
  const box = el("pre", "code", text);
  box.tabIndex = 0;
  box.setAttribute("role", "region");
  box.setAttribute("aria-label", label);
  return box;
}

function requestText(request) {
  const lines = [`${request.method} ${request.url}`];
  Object.entries(request.headers || {}).forEach(([name, value]) => lines.push(`${name}: ${value}`));
  if (request.body) { lines.push("", request.body); }
  return lines.join("\n");
}

function title(data) {
  const heading = el("h2", "test-title", `Test ${data.ok ? "succeeded" : "failed"}: `);
  if (data.status_code) {
    const badge = el("span", `badge ${data.ok ? "active" : "disabled"}`, `HTTP ${data.status_code}`);
    badge.setAttribute("data-test-status", "");
    heading.append(badge);
  }
  if (data.latency_ms !== null && data.latency_ms !== undefined) {
    heading.append(el("span", "muted", ` in ${data.latency_ms} ms`));
  }
  return heading;
}

function placeholderWarning(data) {
  const warn = el("div", "warning");
  warn.setAttribute("data-test-placeholders", "");
  const names = data.empty_placeholders.map(placeholder).join(", ");
  warn.append(el("p", "", `Rendered empty: ${names}.`));
  (data.placeholder_problems || []).forEach((text) => warn.append(el("p", "", text)));
  return warn;
}

function renderResult(result, data) {
  result.replaceChildren();
  result.hidden = false;
  result.className = `test-result ${data.ok ? "ok" : "failed"}`;
  if (!data.request) {
    result.append(el("h2", "test-title", "Test not sent"), errorLine(data.error));
    (data.errors.__all__ || []).forEach((text) => result.append(el("p", "form-error", text)));
    return;
  }
  result.append(title(data));
  if (data.error) { result.append(errorLine(data.error)); }
  if (data.empty_placeholders?.length) { result.append(placeholderWarning(data)); }
  const left = el("div");
  left.append(el("h3", "", "Request"), scrollBox(requestText(data.request), "Test request"));
  const right = el("div");
  right.append(el("h3", "", "Response"), data.status_code
    ? scrollBox(data.response_excerpt || "(empty body)", "Test response")
    : el("p", "muted", "No response."));
  const grid = el("div", "test-grid");
  grid.append(left, right);
  result.append(grid);
}

async function post(form) {
  let response;
  try {
    response = await fetch(form.dataset.testUrl, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
  } catch {
    return { ok: false, request: null, errors: {}, error: "Could not reach the server." };
  }
  try {
    return await response.json();
  } catch {
    return { ok: false, request: null, errors: {},
             error: `The server answered ${response.status}; try again.` };
  }
}

export function testRunner(form, button, result) {
  button.addEventListener("click", async (event) => {
    event.preventDefault();
    const label = button.textContent;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    button.textContent = "Testing…";
    const data = await post(form);
    showFieldErrors(form, data.errors || {});
    renderResult(result, data);
    button.disabled = false;
    button.removeAttribute("aria-busy");
    button.textContent = label;
    result.scrollIntoView({ block: "nearest" });
  });
}
