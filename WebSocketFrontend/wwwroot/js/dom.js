// Small helpers for building the page. User data goes in with textContent only: a message is never interpreted as HTML.

export const $ = id => document.getElementById(id);

export const el = (tag, className, text) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
};

/** A name's first letter on a colour of its own, so the same person looks the same in every list. */
export function paintAvatar(node, name, letter = node) {
  letter.textContent = (name || '?').slice(0, 1).toUpperCase();
  let hash = 0;
  for (const ch of name || '') hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  node.style.setProperty('--avatar-hue', String(hash % 360));
}
