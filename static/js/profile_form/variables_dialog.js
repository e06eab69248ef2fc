/* "List Dynamic Variables": pick variables of an event, then Copy to Clipboard (a JSON object
 * for POST/PUT, a query string for GET/DELETE) or Insert them straight into the Request Body
 * (a JSON object or the format's template) or the endpoint URL. */

import { $, $all, say } from "./dom.js";
import { isBodyMethod, isMarkupFormat, isStringFormat, placeholder, variableLine } from "./grammar.js";

export function variablesDialog({ method, bodyFormat, body, url, bodyRow }) {
  const dialog = document.getElementById("variables-dialog");
  const eventSelect = document.getElementById("variable-event");
  const preview = document.getElementById("variables-preview");
  const message = document.getElementById("variables-message");
  const viewButton = document.getElementById("view-variables");
  const insertButton = document.getElementById("insert-variables");
  const selectAll = document.getElementById("select-all");
  const toBody = () => isBodyMethod(method.value);

  const checks = () => $all(".variable-check", $(`.variable-set[data-event='${eventSelect.value}']`, dialog));
  const selectedNames = () => checks().filter((c) => c.checked).map((c) => c.value);

  // What joins a query string pasted at the end of the endpoint URL as it is now.
  function queryJoiner() {
    const value = url.value.trim();
    if (!value.includes("?")) { return "?"; }
    return /[?&]$/.test(value) ? "" : "&";
  }

  // For GET/DELETE the copy starts with the `?` or `&` it needs at the end of the URL (seed:
  // "paste at the end of the URL").
  function asText(names) {
    if (!names.length) { return ""; }
    if (toBody()) {
      return JSON.stringify(Object.fromEntries(names.map((n) => [n, placeholder(n)])), null, 2);
    }
    return queryJoiner() + names.map((name) => `${name}=${placeholder(name)}`).join("&");
  }

  function updatePreview() {
    const names = selectedNames();
    const all = checks();
    preview.value = asText(names);
    $("#selected-count").textContent = `${names.length} of ${all.length} selected`;
    selectAll.textContent = all.length && names.length === all.length ? "Deselect All" : "Select All";
  }

  function showVariableSet() {
    $all(".variable-set", dialog).forEach((set) => { set.hidden = set.dataset.event !== eventSelect.value; });
    updatePreview();
  }

  function insertIntoTemplate(names) {
    const lines = names.map((name) => variableLine(bodyFormat.value, name)).join("\n");
    const value = body.value.trimEnd();
    const close = value.match(/<\/[A-Za-z][^>]*>\s*$/);
    if (close && isMarkupFormat(bodyFormat.value)) {
      const at = value.length - close[0].length;
      body.value = `${value.slice(0, at).trimEnd()}\n${lines}\n${value.slice(at)}`;
    } else {
      body.value = value ? `${value}\n${lines}` : lines;
    }
    return body;
  }

  function insertIntoBody(names) {
    if (isStringFormat(bodyFormat.value)) { return insertIntoTemplate(names); }
    let object = {};
    if (body.value.trim()) {
      try { object = JSON.parse(body.value); } catch { object = null; }
      if (object === null || typeof object !== "object" || Array.isArray(object)) {
        message.textContent = "The Request Body is not a JSON object, so nothing was inserted. " +
          "Fix it, or use Copy to Clipboard.";
        return null;
      }
    }
    names.forEach((name) => { if (!Object.hasOwn(object, name)) { object[name] = placeholder(name); } });
    body.value = JSON.stringify(object, null, 2);
    return body;
  }

  function insertIntoUrl(names) {
    const value = url.value.trim();
    const query = value.includes("?") ? value.slice(value.indexOf("?") + 1) : "";
    const present = query.split("&").map((pair) => decodeURIComponent(pair.split("=")[0]));
    const add = names.filter((name) => !present.includes(name));
    if (add.length) { url.value = value + asText(add); }
    return url;
  }

  eventSelect.addEventListener("change", showVariableSet);
  dialog.addEventListener("change", (event) => {
    if (event.target.classList.contains("variable-check")) { updatePreview(); }
  });

  viewButton.addEventListener("click", () => {
    message.textContent = "";
    updatePreview();
    dialog.showModal();
  });
  $all("[data-close]", dialog).forEach((button) => button.addEventListener("click", () => dialog.close()));
  // A click on the backdrop (outside the dialog box) closes it too.
  dialog.addEventListener("click", (event) => {
    if (event.target !== dialog) { return; }
    const box = dialog.getBoundingClientRect();
    const inside = event.clientX >= box.left && event.clientX <= box.right &&
      event.clientY >= box.top && event.clientY <= box.bottom;
    if (!inside) { dialog.close(); }
  });
  // Focus goes back to View, or to the field that Insert just filled.
  let returnFocusTo = null;
  dialog.addEventListener("close", () => {
    (returnFocusTo || viewButton).focus();
    returnFocusTo = null;
  });

  selectAll.addEventListener("click", () => {
    const all = checks();
    const every = all.every((c) => c.checked);
    all.forEach((c) => { c.checked = !every; });
    updatePreview();
  });

  $("#copy-variables").addEventListener("click", async () => {
    const names = selectedNames();
    if (!names.length) { message.textContent = "Tick at least one variable first."; return; }
    const ok = await window.copyText(asText(names));
    message.textContent = ok
      ? `Copied ${names.length} variables. Paste them into the ` +
        (toBody() ? "Request Body." : "endpoint URL, at its end.")
      : "Your browser blocked the copy: select the text above and copy it by hand.";
    if (!ok) { preview.focus(); preview.select(); }
  });

  insertButton.addEventListener("click", () => {
    const names = selectedNames();
    if (!names.length) { message.textContent = "Tick at least one variable first."; return; }
    const target = toBody() ? insertIntoBody(names) : insertIntoUrl(names);
    if (!target) { return; }
    if (target === body) { bodyRow.classList.remove("is-hidden"); }
    target.dispatchEvent(new Event("input", { bubbles: true }));
    returnFocusTo = target;
    dialog.close();
    say(`Inserted ${names.length} variables into the ${target === body ? "Request Body" : "endpoint URL"}`);
  });

  return {
    /* Offer only the variable sets of the channel, showing the channel's own event first
     * (SMS: SMS Send) whatever was shown before. */
    followChannel(sets) {
      [...eventSelect.options].forEach((option) => {
        const ok = sets.includes(option.value);
        option.disabled = !ok;
        option.hidden = !ok;
      });
      eventSelect.value = sets[0];
      showVariableSet();
    },
    /* Insert writes into the body for POST/PUT, into the URL's query otherwise. */
    followMethod() {
      insertButton.textContent = toBody() ? "Insert into Request Body" : "Insert into Endpoint URL";
      updatePreview();
    },
  };
}
