// The message box: a draft per chat, Enter to send, and the typing indicator this user gives the others. It also
// edits one of this user's messages (the text goes into the box) and answers one (the quoted message shows above).

import { $, el, showNotice } from './dom.js';
import { state, chats, me } from './state.js';
import { textsOf } from './message-state.js';
import { scrollToBottom } from './message-list.js';
import { clearSent, renderUploads, uploadsOf } from './uploads.js';

const TYPING_SEND_EVERY_MS = 3000; // a `start` now and then keeps the others' indicator from timing out
const TYPING_IDLE_MS = 4000;
const MAX_HEIGHT_PX = 160;

const drafts = new Map(); // chatId -> text not sent yet
let typingSent = { chatId: null, at: 0, timer: null };
let mode = null; // { kind: 'edit' | 'reply', chatId, seq, draft } while editing or replying

export function wireComposer() {
  $('composer-form').addEventListener('submit', sendComposed);
  $('composer').addEventListener('keydown', onComposerKey);
  $('composer').addEventListener('input', onComposerInput);
}

/** Puts a message of this user's into the box; sending then changes it instead of sending a new one. */
export function startEdit(chatId, text) {
  const draft = mode?.kind === 'edit' ? mode.draft : $('composer').value;
  mode = { kind: 'edit', chatId, seq: text.seq, draft, original: text.content };
  $('composer').value = text.content;
  showMode('Edit message', text.content, 'edit-cancel', 'Cancel editing');
  focusAtEnd();
}

/** Makes the next send an answer to `text`, quoted above the box until sent or cancelled. */
export function startReply(chatId, text) {
  if (mode?.kind === 'edit') $('composer').value = mode.draft;
  mode = { kind: 'reply', chatId, seq: text.seq };
  showMode(`Reply to ${text.senderId}`, text.content, 'reply-cancel', 'Cancel reply');
  focusAtEnd();
}

/** Leaves editing (the draft comes back) or replying; opening another chat does too. */
export function cancelMode() {
  if (mode?.kind === 'edit') {
    $('composer').value = mode.draft;
    autoGrow();
  }
  mode = null;
  $('composer-context').hidden = true;
  $('composer-context').replaceChildren();
}

function showMode(title, quote, testid, label) {
  const bar = $('composer-context');
  const text = el('div', 'composer-context-text');
  text.append(el('span', 'composer-context-title', title), el('span', 'composer-context-quote', quote));
  const cancel = el('button', 'icon-button small', '✕');
  cancel.type = 'button';
  cancel.dataset.testid = testid;
  cancel.setAttribute('aria-label', label);
  cancel.addEventListener('click', () => {
    cancelMode();
    $('composer').focus();
  });
  bar.replaceChildren(text, cancel);
  bar.dataset.kind = mode.kind;
  bar.hidden = false;
}

function focusAtEnd() {
  const composer = $('composer');
  autoGrow();
  composer.focus();
  composer.setSelectionRange(composer.value.length, composer.value.length);
}

/** Shows the chat's draft in the box when that chat is opened. */
export function showDraft(chatId) {
  if (mode) cancelMode();
  $('composer').value = drafts.get(chatId) ?? '';
  autoGrow();
  renderUploads();
}

export function stopTyping() {
  clearTimeout(typingSent.timer);
  if (typingSent.chatId && state.client) state.client.typing(typingSent.chatId, 'stop');
  typingSent = { chatId: null, at: 0, timer: null };
}

function sendComposed(event) {
  event?.preventDefault();
  const composer = $('composer');
  const content = composer.value;
  const chatId = state.openChatId;
  const attached = mode?.kind === 'edit' ? { ids: [], waiting: false } : uploadsOf(chatId);
  if (!chatId || (content.trim() === '' && attached.ids.length === 0)) return;
  if (attached.waiting) {
    showNotice('Wait until the files are uploaded, then send.');
    return;
  }
  if (mode?.kind === 'edit') {
    const { seq, original } = mode;
    if (content !== original && mode.chatId === chatId) state.client.change(chatId, { kind: 'edit', target: seq }, content);
    cancelMode(); // the draft from before the edit comes back
    stopTyping();
    composer.focus();
    return;
  }
  const fields = mode?.kind === 'reply' ? { replyTo: mode.seq } : {};
  if (attached.ids.length) fields.attachments = attached.ids; // PROTOCOL.md 7: then the content may be empty
  state.client.send(chatId, content, undefined, fields);
  clearSent(chatId);
  if (mode) cancelMode();
  composer.value = '';
  drafts.delete(chatId);
  autoGrow();
  stopTyping();
  scrollToBottom();
  composer.focus();
}

function onComposerKey(event) {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) sendComposed(event);
  if (event.key === 'ArrowUp' && !mode && $('composer').value === '' && chats.has(state.openChatId)) {
    // Up in an empty box edits one's last message, as in most chat clients.
    const last = textsOf(chats.get(state.openChatId)).findLast(m => m.senderId === me() && !m.deleted);
    if (last) {
      event.preventDefault();
      startEdit(state.openChatId, last);
    }
  }
  if (event.key === 'Escape' && mode) {
    event.stopPropagation(); // Escape leaves the edit or reply, not the chat
    cancelMode();
  }
}

function onComposerInput() {
  autoGrow();
  const chatId = state.openChatId;
  if (!chatId) return;
  if (mode?.kind !== 'edit') drafts.set(chatId, $('composer').value);
  if ($('composer').value === '') {
    stopTyping();
    return;
  }
  const now = Date.now();
  if (typingSent.chatId !== chatId || now - typingSent.at > TYPING_SEND_EVERY_MS) {
    state.client.typing(chatId, 'start');
    typingSent = { chatId, at: now, timer: typingSent.timer };
  }
  clearTimeout(typingSent.timer);
  typingSent.timer = setTimeout(stopTyping, TYPING_IDLE_MS);
}

function autoGrow() {
  const composer = $('composer');
  composer.style.height = 'auto';
  composer.style.height = `${Math.min(composer.scrollHeight, MAX_HEIGHT_PX)}px`;
}
