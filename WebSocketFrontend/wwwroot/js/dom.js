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

/**
 * Makes `list`'s children the nodes of `entries`, in order: `nodes` (key -> node) keeps them across paints, so a
 * paint builds only what is new, drops what is gone, and moves nothing that stays in place.
 */
export function placeInOrder(list, nodes, entries, keyOf, build, fill) {
  const keep = new Set(entries.map(keyOf));
  for (const [key, node] of nodes) {
    if (!keep.has(key)) {
      node.remove();
      nodes.delete(key);
    }
  }
  entries.forEach((entry, index) => {
    const key = keyOf(entry);
    let node = nodes.get(key);
    if (!node) {
      node = build(entry);
      nodes.set(key, node);
    }
    fill(node, entry);
    if (list.children[index] !== node) list.insertBefore(node, list.children[index] ?? null);
  });
}

const NOTICE_SHOWN_MS = 8000;
let noticeTimer = null;

/** Tells the user what the server refused (an error frame or a problem details answer), until closed or for a while. */
export function showNotice(text) {
  const notice = $('notice');
  notice.querySelector('.notice-text').textContent = text;
  notice.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { notice.hidden = true; }, NOTICE_SHOWN_MS);
}

/** The words of a refusal, for showNotice: the server's message, else its code. */
export const reasonOf = error => error?.message || error?.code || 'Something went wrong.';

/** A line icon drawn from an SVG path: icons are drawn, not taken from a font a device may lack. */
export function icon(path, size = 16) {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', String(size));
  svg.setAttribute('height', String(size));
  svg.setAttribute('aria-hidden', 'true');
  const line = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  line.setAttribute('d', path);
  for (const [name, value] of [['fill', 'none'], ['stroke', 'currentColor'], ['stroke-width', '2'], ['stroke-linecap', 'round'], ['stroke-linejoin', 'round']]) {
    line.setAttribute(name, value);
  }
  svg.append(line);
  return svg;
}

/** A bell struck through: a muted chat. */
export const MUTED_ICON = 'M18 8a6 6 0 0 0-9.3-5M6.3 6.3A6 6 0 0 0 6 8c0 7-3 9-3 9h14M13.7 21a2 2 0 0 1-3.4 0M3 3l18 18';
