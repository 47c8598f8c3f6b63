// A message's attachments (PROTOCOL.md 7): images as thumbnails that open full size in a viewer, other files as
// download links with their name and size. Each is one `attachment` element carrying its content type.

import { $, el, icon } from './dom.js';
import { attachmentUrl, humanSize, whenControlled } from './attachment-auth.js';

const THUMB_BOX_PX = 240; // the thumbnail's box in the bubble; the server's thumbnails are at most 320 px
const FILE_ICON = 'M14 3H6a1 1 0 0 0-1 1v16a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1V8l-5-5zM14 3v5h5';

export function wireAttachmentView() {
  $('message-list').addEventListener('click', event => {
    const thumb = event.target.closest('[data-testid="attachment-thumbnail"]');
    if (!thumb || event.ctrlKey || event.metaKey || event.shiftKey) return; // a modified click opens a tab
    event.preventDefault();
    openViewer(thumb.closest('[data-testid="attachment"]'));
  });
  $('image-close').addEventListener('click', () => $('image-dialog').close());
  $('image-dialog').addEventListener('click', event => {
    if (event.target === $('image-dialog')) $('image-dialog').close(); // a click on the backdrop
  });
}

/** The attachments' part of a bubble, or null when the message has none. */
export function attachmentsPart(attachments) {
  if (!attachments?.length) return null;
  const box = el('div', 'attachments');
  for (const a of attachments) box.append(a.contentType?.startsWith('image/') ? imageAttachment(a) : fileAttachment(a));
  return box;
}

function imageAttachment(a) {
  const link = el('a', 'attachment attachment-image');
  link.href = attachmentUrl(a.attachmentId);
  link.target = '_blank';
  link.rel = 'noopener';
  tag(link, a);
  link.title = `${a.name} (${humanSize(a.size)})`;
  const img = el('img', 'attachment-thumbnail');
  img.dataset.testid = 'attachment-thumbnail';
  img.alt = a.name;
  if (a.width && a.height) {
    const scale = Math.min(1, THUMB_BOX_PX / Math.max(a.width, a.height));
    img.width = Math.max(1, Math.round(a.width * scale));
    img.height = Math.max(1, Math.round(a.height * scale));
  }
  img.addEventListener('error', () => link.classList.add('broken'), { once: true });
  whenControlled().then(() => { img.src = attachmentUrl(a.attachmentId, true); });
  link.append(img);
  return link;
}

function fileAttachment(a) {
  const link = el('a', 'attachment attachment-file');
  link.href = attachmentUrl(a.attachmentId);
  link.download = a.name;
  tag(link, a);
  const text = el('span', 'attachment-text');
  text.append(el('span', 'attachment-name', a.name), el('span', 'attachment-size', humanSize(a.size)));
  link.append(icon(FILE_ICON, 22), text);
  link.setAttribute('aria-label', `Download ${a.name}, ${humanSize(a.size)}`);
  return link;
}

function tag(node, a) {
  node.dataset.testid = 'attachment';
  node.dataset.contentType = a.contentType;
  node.dataset.attachmentId = a.attachmentId;
}

function openViewer(attachment) {
  const full = $('image-full');
  full.removeAttribute('src');
  full.alt = attachment.title;
  $('image-caption').textContent = attachment.title;
  $('image-open').href = attachment.href;
  full.src = attachment.href;
  $('image-dialog').showModal();
}
