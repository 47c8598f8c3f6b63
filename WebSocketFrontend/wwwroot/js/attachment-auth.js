// Attachments' bytes need the bearer token (PROTOCOL.md 7), which an <img>, a link or a new tab cannot send; the
// page's own origin allows no other images (its Content-Security-Policy). So a service worker (/sw.js) adds the
// header to GETs of /api/v1/attachments/..., asking a tab for the token each time: this module answers it.

import { state } from './state.js';

let controlled = null;

export function startAttachmentAuth() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.addEventListener('message', event => {
    if (event.data?.type === 'token?' && event.ports[0]) event.ports[0].postMessage({ token: state.client?.token ?? null });
  });
  navigator.serviceWorker.startMessages();
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(error => console.warn('service worker:', error));
}

/** Resolves once the worker handles this page's requests (on a first visit, after it has started). */
export function whenControlled() {
  if (!('serviceWorker' in navigator) || navigator.serviceWorker.controller) return Promise.resolve();
  controlled ??= new Promise(resolve => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
  return controlled;
}

export const attachmentUrl = (attachmentId, thumbnail = false) =>
  `/api/v1/attachments/${encodeURIComponent(attachmentId)}${thumbnail ? '/thumbnail' : ''}`;

/** 1 KB is 1,024 bytes, as file managers show it. */
export function humanSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
