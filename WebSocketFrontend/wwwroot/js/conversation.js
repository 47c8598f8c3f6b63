// The open chat: opening and closing it, its header and typing line, its older history on scroll, and read marks.

import { $, paintAvatar } from './dom.js';
import { state, chats, chatOf, presence, me, isDirect, peerOf, titleOf } from './state.js';
import { renderChatList } from './chat-list.js';
import { clearMessages, renderMessages, scrollToBottom } from './message-list.js';
import { showDraft, stopTyping } from './composer.js';
import { closeMenu, paintChatState } from './chat-menu.js';

const HISTORY_PAGE = 50;
const FEW_MESSAGES = 20;      // an opened chat with fewer fetches older ones at once, so there is something to read
const LOAD_OLDER_WITHIN_PX = 120;

export function wireConversation() {
  $('back').addEventListener('click', () => {
    const chatId = state.openChatId;
    closeChat();
    document.querySelector(`[data-testid="chat-item"][data-chat-id="${CSS.escape(chatId ?? '')}"]`)?.focus();
  });
  $('messages').addEventListener('scroll', () => {
    const chat = chats.get(state.openChatId);
    if (chat && $('messages').scrollTop < LOAD_OLDER_WITHIN_PX) loadOlder(chat);
  }, { passive: true });
  document.addEventListener('visibilitychange', () => {
    markRead();
    renderChatList();
  });
  document.addEventListener('keydown', event => {
    if (event.key === 'Escape' && state.openChatId && !document.querySelector('dialog[open]')
      && getComputedStyle($('back')).display !== 'none') {
      $('back').click();
    }
  });
}

/** Which pane a phone shows: the list or the chat (a wide screen shows both). */
export function showView(view) {
  $('shell').dataset.view = view;
}

export function openChat(chatId, { focus = true } = {}) {
  const chat = chats.get(chatId);
  if (!chat) return;
  if (state.openChatId !== chatId) stopTyping();
  closeMenu();
  state.openChatId = chatId;
  history.replaceState(null, '', `#chat=${encodeURIComponent(chatId)}`);
  showView('chat');
  $('no-chat').hidden = true;
  $('chat-view').hidden = false;
  clearMessages();
  showDraft(chatId);
  renderConversation();
  scrollToBottom();
  renderChatList();
  if (chat.messages.size < FEW_MESSAGES) loadOlder(chat);
  loadReceipts(chat);
  markRead();
  if (focus) $('composer').focus({ preventScroll: true });
}

export function closeChat() {
  stopTyping();
  state.openChatId = null;
  history.replaceState(null, '', location.pathname);
  $('chat-view').hidden = true;
  $('no-chat').hidden = false;
  showView('list');
  renderChatList();
}

export function renderConversation() {
  const chat = chats.get(state.openChatId);
  if (!chat) return;
  renderHeader(chat);
  renderMessages(chat);
  renderTyping(chat);
}

export function renderHeader(chat) {
  if (!chat) return;
  const title = titleOf(chat);
  $('chat-title').textContent = title;
  paintAvatar($('chat-avatar'), title);
  $('chat-avatar').classList.toggle('group', !isDirect(chat));
  paintChatState(chat);
  const dot = $('presence');
  if (isDirect(chat)) {
    const status = presence.get(peerOf(chat)) ?? 'offline';
    dot.hidden = false;
    dot.dataset.status = status;
    dot.querySelector('.presence-text').textContent = status === 'online' ? 'online' : 'offline';
    $('chat-members').textContent = '';
  } else {
    dot.hidden = true;
    const members = chat.info.members ?? [];
    $('chat-members').textContent = `${members.length} members: ${members.map(m => (m === me() ? 'you' : m)).join(', ')}`;
  }
}

export function renderTyping(chat) {
  const typing = $('typing');
  const names = [...chat.typing.keys()];
  typing.hidden = names.length === 0;
  typing.querySelector('.typing-text').textContent =
    names.length === 0 ? ''
      : names.length === 1 ? `${names[0]} is typing…`
        : names.length === 2 ? `${names[0]} and ${names[1]} are typing…`
          : `${names.length} people are typing…`;
}

/** Tells the server (and the other devices) how far this user has read, while the page is in view. */
export function markRead() {
  const chat = chats.get(state.openChatId);
  if (!chat || document.visibilityState !== 'visible' || !state.client) return;
  const newest = Math.max(0, ...chat.messages.keys());
  if (newest > chat.readSeq) {
    chat.readSeq = newest;
    state.client.read(chat.chatId, newest);
    renderChatList();
  }
}

/** The members' receipts as the server holds them, for the ticks of messages sent before this page was loaded. */
async function loadReceipts(chat) {
  try {
    chatOf(await state.client.getChat(chat.chatId));
  } catch {
    return; // offline: the receipts that arrive live still count
  }
  if (chat.chatId === state.openChatId) renderMessages(chat);
}

/** Fetches the page before the oldest message held; a call while one is on its way gets that one's promise. */
export function loadOlder(chat, limit = HISTORY_PAGE) {
  if (chat.loadingOlder) return chat.olderLoad;
  if (!chat.hasOlder) return Promise.resolve();
  chat.olderLoad = fetchOlder(chat, limit);
  return chat.olderLoad;
}

async function fetchOlder(chat, limit) {
  const seqs = [...chat.messages.keys()];
  const oldest = seqs.length ? Math.min(...seqs) : null;
  if (oldest === 1 || (oldest === null && chat.lastSeq === 0)) {
    chat.hasOlder = false;
    if (chat.chatId === state.openChatId) renderMessages(chat);
    return;
  }
  chat.loadingOlder = true;
  if (chat.chatId === state.openChatId) renderMessages(chat);
  const box = $('messages');
  const before = box.scrollHeight - box.scrollTop;
  try {
    const range = oldest === null ? { limit } : { beforeSeq: oldest, limit };
    const page = await state.client.history(chat.chatId, range);
    for (const m of page.messages) {
      if (!chat.messages.has(m.seq)) chat.messages.set(m.seq, m);
      chat.lastSeq = Math.max(chat.lastSeq, m.seq);
    }
    chat.hasOlder = page.hasMore;
  } catch {
    // offline: scrolling up again retries
  } finally {
    chat.loadingOlder = false;
  }
  if (chat.chatId === state.openChatId) {
    renderMessages(chat);
    if (oldest !== null) box.scrollTop = box.scrollHeight - before; // keep the reader's place
    else scrollToBottom();
    renderChatList();
  }
}
