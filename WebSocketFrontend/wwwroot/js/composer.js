// The message box: a draft per chat, Enter to send, and the typing indicator this user gives the others.

import { $ } from './dom.js';
import { state } from './state.js';
import { scrollToBottom } from './message-list.js';

const TYPING_SEND_EVERY_MS = 3000; // a `start` now and then keeps the others' indicator from timing out
const TYPING_IDLE_MS = 4000;
const MAX_HEIGHT_PX = 160;

const drafts = new Map(); // chatId -> text not sent yet
let typingSent = { chatId: null, at: 0, timer: null };

export function wireComposer() {
  $('composer-form').addEventListener('submit', sendComposed);
  $('composer').addEventListener('keydown', onComposerKey);
  $('composer').addEventListener('input', onComposerInput);
}

/** Shows the chat's draft in the box when that chat is opened. */
export function showDraft(chatId) {
  $('composer').value = drafts.get(chatId) ?? '';
  autoGrow();
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
  if (!chatId || content.trim() === '') return;
  state.client.send(chatId, content);
  composer.value = '';
  drafts.delete(chatId);
  autoGrow();
  stopTyping();
  scrollToBottom();
  composer.focus();
}

function onComposerKey(event) {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) sendComposed(event);
}

function onComposerInput() {
  autoGrow();
  const chatId = state.openChatId;
  if (!chatId) return;
  drafts.set(chatId, $('composer').value);
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
