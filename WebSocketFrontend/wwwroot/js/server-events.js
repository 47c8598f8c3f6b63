// What the server says, applied to the page's state: the chat list, messages, send states, typing, receipts,
// presence and membership. Each event changes state, then asks for the paints it makes stale.

import { state, chats, pending, presence, early, blocked, chatOf, me, isDirect, peerOf, noteReceipt } from './state.js';
import { showNotice, reasonOf } from './dom.js';
import { renderChatList } from './chat-list.js';
import { renderMessages } from './message-list.js';
import { closeChat, markRead, renderConversation, renderHeader, renderTyping } from './conversation.js';
import { replyStored } from './assistant-replies.js';

const RECENT_ON_START = 30;   // messages of each chat fetched by the first sync (the rest on scroll up)
const TYPING_SHOWN_MS = 8000; // a `start` whose `stop` got lost still ends

export function followServer(client) {
  client.addEventListener('welcome', () => refreshChats());
  client.addEventListener('message', e => onMessage(e.detail));
  client.addEventListener('send-state', e => onSendState(e.detail));
  client.addEventListener('typing', e => onTyping(e.detail));
  client.addEventListener('receipt', e => onReceipt(e.detail));
  client.addEventListener('presence', e => onPresence(e.detail));
  client.addEventListener('chat', e => onChatEvent(e.detail));
  client.addEventListener('chat-unknown', e => fetchChat(e.detail.chatId));
  client.addEventListener('chat-lost', e => removeChat(e.detail.chatId));
  client.addEventListener('server-error', e => showNotice(reasonOf(e.detail)));
}

/** Reads the chat list: at start, and after every (re)connect, since chats made meanwhile sent no event we saw. */
export async function refreshChats() {
  if (!state.client) return;
  let list;
  let blocks;
  try {
    // The block list only marks the menu: without it the chats still show, with what was known before.
    [list, blocks] = await Promise.all([state.client.listChats(), state.client.api('GET', '/me/blocks').catch(() => null)]);
  } catch {
    return; // offline or the server is away: the next welcome tries again
  }
  if (blocks) {
    blocked.clear();
    for (const userId of blocks.userIds ?? []) blocked.add(userId);
  }
  for (const info of list) addChat(info);
  const known = new Set(list.map(c => c.chatId));
  for (const chatId of [...chats.keys()]) {
    if (!known.has(chatId)) removeChat(chatId);
  }
  renderChatList();
}

export function addChat(info) {
  const isNew = !chats.has(info.chatId);
  const chat = chatOf(info);
  for (const message of early.get(chat.chatId) ?? []) onMessage(message);
  early.delete(chat.chatId);
  if (!state.client.isTracked(chat.chatId)) {
    state.client.track(chat.chatId, Math.max(0, chat.lastSeq - RECENT_ON_START));
  }
  if (isDirect(chat)) state.client.watchPresence([peerOf(chat)]);
  if (isNew && state.openChatId === chat.chatId) renderConversation();
  return chat;
}

function removeChat(chatId) {
  chats.delete(chatId);
  state.client?.untrack(chatId);
  if (state.openChatId === chatId) closeChat();
  renderChatList();
}

async function fetchChat(chatId) {
  try {
    addChat(await state.client.getChat(chatId));
    renderChatList();
  } catch {
    // not a member after all: the messages of a chat we do not know stay unshown
  }
}

function onMessage(message) {
  const chat = chats.get(message.chatId);
  if (!chat) {
    // Its chat is being fetched (chat-unknown): keep the message until the chat is in.
    early.set(message.chatId, [...(early.get(message.chatId) ?? []), message]);
    return;
  }
  chat.messages.set(message.seq, message);
  replyStored(message);
  chat.lastSeq = Math.max(chat.lastSeq, message.seq);
  if (message.senderId === me()) pending.delete(message.clientMsgId);
  const typingTimer = chat.typing.get(message.senderId);
  if (typingTimer) {
    clearTimeout(typingTimer);
    chat.typing.delete(message.senderId);
  }
  scheduleRender(chat.chatId);
}

function onSendState(send) {
  if (send.kind !== 'text') {
    // A change is shown once its message frame comes, so a refused one left nothing to undo: say why, drop it.
    if (send.status === 'failed') {
      showNotice(`Not done: ${reasonOf(send.error)}`);
      state.client.discard(send.clientMsgId);
    }
    return;
  }
  const chat = chats.get(send.chatId);
  if (send.status === 'sent' && chat?.messages.has(send.seq)) {
    pending.delete(send.clientMsgId);
  } else {
    const entry = pending.get(send.clientMsgId) ?? { createdAt: new Date().toISOString() };
    pending.set(send.clientMsgId, { ...entry, ...send });
  }
  scheduleRender(send.chatId);
}

function onTyping({ chatId, userId, state: typing }) {
  const chat = chats.get(chatId);
  if (!chat || userId === me()) return;
  clearTimeout(chat.typing.get(userId));
  chat.typing.delete(userId);
  if (typing === 'start') {
    chat.typing.set(userId, setTimeout(() => {
      chat.typing.delete(userId);
      if (state.openChatId === chatId) renderTyping(chat);
    }, TYPING_SHOWN_MS));
  }
  if (state.openChatId === chatId) renderTyping(chat);
}

function onReceipt(receipt) {
  const chat = chats.get(receipt.chatId);
  if (!chat) return;
  noteReceipt(chat, receipt);
  scheduleRender(receipt.chatId);
}

function onPresence({ userId, status }) {
  presence.set(userId, status);
  renderChatList();
  const chat = chats.get(state.openChatId);
  if (chat) renderHeader(chat);
}

function onChatEvent({ chatId, event, userId, chat: info }) {
  if (event === 'member_removed' && userId === me()) {
    removeChat(chatId);
    return;
  }
  addChat(info);
  renderChatList();
  if (state.openChatId === chatId) renderHeader(chats.get(chatId));
}

const dirty = new Set();
let renderQueued = false;

/** Coalesces the changes of one burst of frames (a sync brings many) into one paint. */
function scheduleRender(chatId) {
  dirty.add(chatId);
  if (renderQueued) return;
  renderQueued = true;
  queueMicrotask(() => {
    renderQueued = false;
    const open = dirty.has(state.openChatId);
    dirty.clear();
    renderChatList();
    if (open) {
      renderMessages(chats.get(state.openChatId));
      markRead();
    }
  });
}
