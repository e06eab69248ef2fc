/* Small DOM helpers shared by the profile form's modules. */

export const $ = (selector, root = document) => root.querySelector(selector);
export const $all = (selector, root = document) => [...root.querySelectorAll(selector)];

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) { node.className = className; }
  if (text !== undefined && text !== null) { node.textContent = text; }
  return node;
}

/* Read out a message to screen-reader users (base.html's live region). */
export function say(message) {
  if (window.announce) { window.announce(message); }
}
