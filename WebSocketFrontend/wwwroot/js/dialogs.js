// The "New group" and "Direct message" dialogs, and the "New chat with the assistant" entry: each makes a chat on the
// server and opens it.

import { $, reasonOf, showNotice } from './dom.js';
import { state, me, isUserId } from './state.js';
import { renderChatList } from './chat-list.js';
import { openChat } from './conversation.js';
import { addChat } from './server-events.js';

export function wireDialogs() {
  $('new-group').addEventListener('click', () => openDialog('group-dialog', 'group-title'));
  $('new-direct').addEventListener('click', () => openDialog('direct-dialog', 'direct-user'));
  $('assistant-chat').addEventListener('click', openAssistant);
  $('group-form').addEventListener('submit', createGroup);
  $('direct-form').addEventListener('submit', startDirect);
  for (const button of document.querySelectorAll('dialog [data-close]')) {
    button.addEventListener('click', () => button.closest('dialog').close());
  }
}

function openDialog(id, focusId) {
  const dialog = $(id);
  dialog.querySelector('form').reset();
  dialog.querySelector('.form-error').textContent = '';
  dialog.showModal();
  $(focusId).focus();
}

async function createGroup(event) {
  event.preventDefault();
  const title = $('group-title').value.trim();
  const members = [...new Set($('group-members').value.split(/[\s,;]+/).map(s => s.trim()).filter(Boolean))]
    .filter(m => m !== me());
  if (!title) {
    $('group-error').textContent = 'Give the group a title.';
    return;
  }
  await submitDialog('group-dialog', 'group-create', 'group-error', () => state.client.createGroup(title, members));
}

async function startDirect(event) {
  event.preventDefault();
  const userId = $('direct-user').value.trim();
  if (!isUserId(userId)) {
    $('direct-error').textContent = 'Enter a user id (letters, digits or _ . - @).';
    return;
  }
  if (userId === me()) {
    $('direct-error').textContent = 'Pick someone other than yourself.';
    return;
  }
  await submitDialog('direct-dialog', 'direct-start', 'direct-error', () => state.client.openDirect(userId));
}

/** The direct chat with the assistant (PROTOCOL.md 9), opened as any direct chat is. */
async function openAssistant() {
  const button = $('assistant-chat');
  button.disabled = true;
  try {
    const info = await state.client.openDirect(state.assistantId);
    addChat(info);
    renderChatList();
    openChat(info.chatId);
  } catch (error) {
    showNotice(`The assistant is not available: ${reasonOf(error)}`);
  } finally {
    button.disabled = false;
  }
}

async function submitDialog(dialogId, buttonId, errorId, call) {
  $(buttonId).disabled = true;
  $(errorId).textContent = '';
  try {
    const info = await call();
    addChat(info);
    renderChatList();
    $(dialogId).close();
    openChat(info.chatId);
  } catch (error) {
    $(errorId).textContent = error.message || 'Something went wrong.';
  } finally {
    $(buttonId).disabled = false;
  }
}
