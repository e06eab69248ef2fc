/* The Headers rows: "+ Add more", remove, and labels numbered to match. */

import { $, $all, say } from "./dom.js";

export function headersEditor(rows, addButton) {
  const all = () => $all(".header-row", rows);

  function renumber() {
    all().forEach((row, index) => {
      const n = index + 1;
      const [name, value] = $all("input", row);
      const [nameLabel, valueLabel] = $all("label", row);
      name.id = `header-name-${n}`;
      value.id = `header-value-${n}`;
      nameLabel.htmlFor = name.id;
      nameLabel.textContent = `Header ${n} key`;
      valueLabel.htmlFor = value.id;
      valueLabel.textContent = `Header ${n} value`;
      $(".remove-header", row).setAttribute("aria-label", `Remove header ${n}`);
      const what = $(".secret-toggle .toggle-what", row);
      if (what) { what.textContent = ` value of header ${n}`; }
    });
  }

  const isEmpty = (row) => $all("input", row).every((input) => input.value.trim() === "");
  const clear = (row) => $all("input", row).forEach((input) => { input.value = ""; });

  // The server draws spare blank rows for browsers without JS; one is enough here.
  all().filter(isEmpty).slice(1).forEach((row) => row.remove());

  addButton.addEventListener("click", () => {
    const row = all().pop().cloneNode(true);
    clear(row);
    $all("input[data-secret]", row).forEach((input) => { input.type = "password"; });
    $all(".secret-toggle", row).forEach((button) => {
      $(".toggle-word", button).textContent = "Show";
      button.setAttribute("aria-pressed", "false");
    });
    rows.append(row);
    renumber();
    $("input", row).focus();
  });

  rows.addEventListener("click", (event) => {
    const button = event.target.closest(".remove-header");
    if (!button) { return; }
    const row = button.closest(".header-row");
    const rowsNow = all();
    if (rowsNow.length === 1) {
      clear(row);
      $("input", row).focus();
    } else {
      const at = rowsNow.indexOf(row);
      const next = rowsNow[at + 1] || rowsNow[at - 1];
      row.remove();
      renumber();
      $("input", next).focus();
    }
    say("Header removed");
  });

  renumber();
}
