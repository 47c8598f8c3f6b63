// Files attached in the composer (PROTOCOL.md 7): picked with the attach button or dropped on the chat, uploaded at
// once with their progress shown, removable, and sent with the next message as its `attachments`. A refusal (too
// large, a type not allowed) stays on the file's chip until it is removed.

import { $, el, showNotice } from './dom.js';
import { state } from './state.js';
import { humanSize } from './attachment-auth.js';

const MAX_PER_MESSAGE = 10;
const uploads = new Map(); // chatId -> [{ key, file, status: 'uploading' | 'done' | 'failed', loaded, attachmentId, error, xhr }]
let nextKey = 1;

export function wireUploads() {
  const input = $('attach-input');
  input.addEventListener('change', () => {
    addFiles([...input.files]);
    input.value = ''; // the same file may be picked again
  });
  document.querySelector('label[for="attach-input"]').addEventListener('keydown', event => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    event.preventDefault(); // a label opens the file picker on a click only
    input.click();
  });
  const view = $('chat-view');
  view.addEventListener('dragover', event => {
    if (!event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    view.classList.add('dropping');
  });
  view.addEventListener('dragleave', event => {
    if (!view.contains(event.relatedTarget)) view.classList.remove('dropping');
  });
  view.addEventListener('drop', event => {
    view.classList.remove('dropping');
    if (!event.dataTransfer?.files.length) return;
    event.preventDefault();
    addFiles([...event.dataTransfer.files]);
  });
  $('composer-attachments').addEventListener('click', event => {
    const remove = event.target.closest('[data-testid="attachment-remove"]');
    if (remove) removeUpload(state.openChatId, Number(remove.dataset.key));
  });
}

export function forgetUploads() {
  for (const list of uploads.values()) for (const u of list) u.xhr?.abort();
  uploads.clear();
}

/** What the next send carries: the ids uploaded, or `waiting` while one is still on its way. */
export function uploadsOf(chatId) {
  const list = uploads.get(chatId) ?? [];
  return { ids: list.filter(u => u.status === 'done').map(u => u.attachmentId), waiting: list.some(u => u.status === 'uploading') };
}

/** After a send: the files sent go, refused ones stay for the person to see. */
export function clearSent(chatId) {
  const left = (uploads.get(chatId) ?? []).filter(u => u.status === 'failed');
  if (left.length) uploads.set(chatId, left);
  else uploads.delete(chatId);
  renderUploads();
}

export function renderUploads() {
  const list = uploads.get(state.openChatId) ?? [];
  const box = $('composer-attachments');
  box.hidden = list.length === 0;
  box.replaceChildren(...list.map(chip));
}

function addFiles(files) {
  const chatId = state.openChatId;
  if (!chatId || files.length === 0) return;
  const list = uploads.get(chatId) ?? [];
  const room = MAX_PER_MESSAGE - list.filter(u => u.status !== 'failed').length;
  if (files.length > room) showNotice(`A message carries at most ${MAX_PER_MESSAGE} files.`);
  for (const file of files.slice(0, Math.max(0, room))) {
    const upload = { key: nextKey++, file, status: 'uploading', loaded: 0, attachmentId: null, error: null, xhr: null };
    list.push(upload);
    send(chatId, upload, true);
  }
  uploads.set(chatId, list);
  renderUploads();
}

function removeUpload(chatId, key) {
  const list = uploads.get(chatId) ?? [];
  list.find(u => u.key === key)?.xhr?.abort();
  uploads.set(chatId, list.filter(u => u.key !== key));
  renderUploads();
}

/** XMLHttpRequest, not fetch: only it reports an upload's progress. */
function send(chatId, upload, renewOnRefusal) {
  const xhr = new XMLHttpRequest();
  upload.xhr = xhr;
  xhr.open('POST', '/api/v1/attachments');
  xhr.setRequestHeader('Authorization', `Bearer ${state.client.token}`);
  xhr.responseType = 'json';
  xhr.upload.addEventListener('progress', event => {
    upload.loaded = event.lengthComputable ? event.loaded / event.total : 0;
    if (chatId === state.openChatId) paintProgress(upload);
  });
  xhr.addEventListener('load', async () => {
    if (xhr.status === 401 && renewOnRefusal && await state.client.renewToken()) {
      send(chatId, upload, false);
      return;
    }
    if (xhr.status === 201) Object.assign(upload, { status: 'done', loaded: 1, attachmentId: xhr.response.attachmentId });
    else Object.assign(upload, { status: 'failed', error: refusal(xhr.status, xhr.response) });
    upload.xhr = null;
    if (chatId === state.openChatId) renderUploads();
  });
  xhr.addEventListener('error', () => {
    Object.assign(upload, { status: 'failed', error: 'The upload failed: check the connection and attach it again.', xhr: null });
    if (chatId === state.openChatId) renderUploads();
  });
  const form = new FormData();
  form.append('file', upload.file, upload.file.name);
  xhr.send(form);
}

function refusal(status, problem) {
  if (status === 413) return 'Too large to send: the file is over the server\'s size limit.';
  if (status === 415) return 'This type of file cannot be sent (images, PDF and plain text can).';
  if (status === 400 && problem?.detail) return `Not accepted: ${problem.detail}`;
  return `The upload failed (${problem?.detail || `HTTP ${status}`}).`;
}

function chip(upload) {
  const item = el('li', `upload upload-${upload.status}`);
  item.dataset.key = String(upload.key);
  const text = el('span', 'upload-text');
  text.append(el('span', 'upload-name', upload.file.name), el('span', 'upload-size', humanSize(upload.file.size)));
  item.append(text);
  if (upload.status === 'failed') {
    const error = el('span', 'upload-error', upload.error);
    error.dataset.testid = 'upload-error';
    error.setAttribute('role', 'alert');
    item.append(error);
  } else {
    const progress = el('progress', 'upload-progress');
    progress.dataset.testid = 'upload-progress';
    progress.max = 100;
    progress.setAttribute('aria-label', `Uploading ${upload.file.name}`);
    item.append(progress);
    paintProgress(upload, progress);
  }
  const remove = el('button', 'icon-button small', '✕');
  remove.type = 'button';
  remove.dataset.testid = 'attachment-remove';
  remove.dataset.key = String(upload.key);
  remove.setAttribute('aria-label', `Remove ${upload.file.name}`);
  item.append(remove);
  return item;
}

function paintProgress(upload, progress = $('composer-attachments').querySelector(`[data-key="${upload.key}"] progress`)) {
  if (!progress) return;
  progress.value = Math.round(upload.loaded * 100);
  progress.setAttribute('value', String(progress.value));
  progress.closest('.upload').dataset.status = upload.status;
}
