/* Secrets (header values, the encryption key and IV, the client secret) are masked as on the
 * profile page; a Show button beside each reveals it while editing. */

import { $, $all, el } from "./dom.js";

function addShowButton(input) {
  if (input.nextElementSibling?.classList.contains("secret-toggle")) { return; }
  // The name is in the button's text (not aria-label), so it never matches the field's label.
  const button = el("button", "icon-button secret-toggle");
  button.type = "button";
  button.setAttribute("aria-pressed", "false");
  button.append(el("span", "toggle-word", "Show"));
  const label = input.labels?.[0]?.textContent.trim() || "value";
  button.append(el("span", "visually-hidden toggle-what", ` ${label}`));
  input.insertAdjacentElement("afterend", button);
}

export function secretFields(form) {
  $all("input[data-secret]", form).forEach(addShowButton);
  form.addEventListener("click", (event) => {
    const button = event.target.closest(".secret-toggle");
    if (!button) { return; }
    const input = button.previousElementSibling;
    const show = input.type === "password";
    input.type = show ? "text" : "password";
    $(".toggle-word", button).textContent = show ? "Hide" : "Show";
    button.setAttribute("aria-pressed", String(show));
  });
}
