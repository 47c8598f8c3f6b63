// The OrleansChat browser UI. All protocol work is in chat-client.js; this file keeps what the page shows.
// User data goes into the page with textContent only: a message is never interpreted as HTML.

import { ChatClient, ChatApiError, requestDevToken, tokenClaims } from './chat-client.js';

const SESSION_KEY = 'orleanschat.session';
const RECENT_ON_START = 30;      // messages of each chat fetched by the first sync (the rest on scroll up)
const HISTORY_PAGE = 50;
const TYPING_SEND_EVERY_MS = 3000;
const TYPING_IDLE_MS = 4000;
const TYPING_SHOWN_MS = 8000;    // a `start` whose `stop` got lost still ends

const $ = id => document.getElementById(id);
const el = (tag, className, text) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
};

// ---- state ----------------------------------------------------------------------------------------------

let session = null;     // { token, userId, mode: 'dev' | 'token' }
let client = null;
const chats = new Map(); // chatId -> Chat (see chatOf)
const pending = new Map(); // clientMsgId -> { chatId, clientMsgId, content, status, error, seq, createdAt }
const presence = new Map(); // userId -> 'online' | 'offline'
const early = new Map(); // chatId -> messages that came before their chat was known
let openChatId = null;
let typingSent = { chatId: null, at: 0, timer: null };

function chatOf(info) {
  let chat = chats.get(info.chatId);
  if (!chat) {
    chat = {
      chatId: info.chatId,
      info,
      readSeq: 0,
      lastSeq: 0,
      messages: new Map(),    // seq -> message
      hasOlder: true,
      loadingOlder: false,
      typing: new Map(),      // userId -> timer
      receipts: new Map(),    // userId -> readSeq
    };
    chats.set(info.chatId, chat);
  }
  chat.info = { ...chat.info, ...info };
  chat.lastSeq = Math.max(chat.lastSeq, info.lastSeq ?? 0);
  if (info.readSeq !== undefined) chat.readSeq = Math.max(chat.readSeq, info.readSeq);
  return chat;
}

const me = () => session?.userId;
const isDirect = chat => chat.info.type === 'direct';
const peerOf = chat => (chat.info.members ?? []).find(m => m !== me()) ?? me();
const titleOf = chat => isDirect(chat)
  ? peerOf(chat)
  : chat.info.title || (chat.info.members ?? []).filter(m => m !== me()).join(', ') || 'Group';

// ---- session ----------------------------------------------------------------------------------------------

function loadSession() {
  try {
    const saved = JSON.parse(localStorage.getItem(SESSION_KEY) ?? 'null');
    return saved?.token && saved?.userId ? saved : null;
  } catch {
    return null;
  }
}

function saveSession(value) {
  session = value;
  if (value) localStorage.setItem(SESSION_KEY, JSON.stringify(value));
  else localStorage.removeItem(SESSION_KEY);
}

async function refreshToken() {
  if (session?.mode !== 'dev') return null;
  try {
    const { accessToken } = await requestDevToken(location.origin, session.userId);
    saveSession({ ...session, token: accessToken });
    return accessToken;
  } catch {
    return null;
  }
}

function showLogin(message = '') {
  $('shell').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = message;
  $('login-name').focus();
}

async function signInWithName(event) {
  event.preventDefault();
  const name = $('login-name').value.trim();
  if (!/^[A-Za-z0-9_.\-@]{1,64}$/.test(name)) {
    $('login-error').textContent = 'Use 1 to 64 letters, digits or _ . - @';
    return;
  }
  $('login-submit').disabled = true;
  $('login-error').textContent = '';
  try {
    const { accessToken } = await requestDevToken(location.origin, name);
    saveSession({ token: accessToken, userId: name, mode: 'dev' });
    await startApp();
  } catch (error) {
    if (error instanceof ChatApiError && error.status === 404) {
      $('token-details').open = true;
      $('login-error').textContent = 'This server does not issue development tokens: paste an access token below.';
    } else {
      $('login-error').textContent = `Could not sign in: ${error.message}`;
    }
  } finally {
    $('login-submit').disabled = false;
  }
}

async function signInWithToken(event) {
  event.preventDefault();
  const token = $('login-token').value.trim();
  const userId = tokenClaims(token)?.sub;
  if (!userId) {
    $('login-error').textContent = 'That is not a token this client can read.';
    return;
  }
  saveSession({ token, userId, mode: 'token' });
  await startApp();
}

function signOut() {
  client?.stop();
  client = null;
  saveSession(null);
  chats.clear();
  early.clear();
  pending.clear();
  presence.clear();
  openChatId = null;
  $('chat-list').replaceChildren();
  history.replaceState(null, '', location.pathname);
  showLogin();
}

// ---- start --------------------------------------------------------------------------------------------------

async function startApp() {
  $('login').hidden = true;
  $('shell').hidden = false;
  $('me-name').textContent = me();
  paintAvatar($('me-avatar'), me());

  client = new ChatClient({ baseUrl: location.origin, token: session.token, refreshToken });
  client.addEventListener('status', e => showConnection(e.detail.state));
  client.addEventListener('welcome', () => refreshChats());
  client.addEventListener('message', e => onMessage(e.detail));
  client.addEventListener('send-state', e => onSendState(e.detail));
  client.addEventListener('typing', e => onTyping(e.detail));
  client.addEventListener('receipt', e => onReceipt(e.detail));
  client.addEventListener('presence', e => onPresence(e.detail));
  client.addEventListener('chat', e => onChatEvent(e.detail));
  client.addEventListener('chat-unknown', e => fetchChat(e.detail.chatId));
  client.addEventListener('chat-lost', e => removeChat(e.detail.chatId));
  client.addEventListener('unauthorized', () => {
    signOut();
    $('login-error').textContent = 'Your session has ended. Sign in again.';
  });
  showConnection(navigator.onLine ? 'reconnecting' : 'offline');

  await refreshChats();
  client.start();
  const wanted = new URLSearchParams(location.hash.slice(1)).get('chat');
  if (wanted && chats.has(wanted)) openChat(wanted, { focus: false });
  else showView('list');
  renderChatList();
}

/** Reads the chat list: at start, and after every (re)connect, since chats made meanwhile sent no event we saw. */
async function refreshChats() {
  if (!client) return;
  let list;
  try {
    list = await client.listChats();
  } catch {
    return; // offline or the server is away: the next welcome tries again
  }
  for (const info of list) addChat(info);
  const known = new Set(list.map(c => c.chatId));
  for (const chatId of [...chats.keys()]) {
    if (!known.has(chatId)) removeChat(chatId);
  }
  renderChatList();
}

function addChat(info) {
  const isNew = !chats.has(info.chatId);
  const chat = chatOf(info);
  for (const message of early.get(chat.chatId) ?? []) onMessage(message);
  early.delete(chat.chatId);
  if (!client.isTracked(chat.chatId)) {
    client.track(chat.chatId, Math.max(0, chat.lastSeq - RECENT_ON_START));
  }
  if (isDirect(chat)) client.watchPresence([peerOf(chat)]);
  if (isNew && openChatId === chat.chatId) renderConversation();
  return chat;
}

function removeChat(chatId) {
  chats.delete(chatId);
  client?.untrack(chatId);
  if (openChatId === chatId) closeChat();
  renderChatList();
}

async function fetchChat(chatId) {
  try {
    addChat(await client.getChat(chatId));
    renderChatList();
  } catch {
    // not a member after all: the messages of a chat we do not know stay unshown
  }
}

// ---- connection status ------------------------------------------------------------------------------------

const CONNECTION_TEXT = {
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

function showConnection(state) {
  const status = $('connection-status');
  status.dataset.state = state;
  status.querySelector('.connection-text').textContent = CONNECTION_TEXT[state] ?? state;
  status.title = state === 'offline' ? 'Offline: what you send goes out when you are back online.' : '';
}

// ---- server events -------------------------------------------------------------------------------------------

function onMessage(message) {
  const chat = chats.get(message.chatId);
  if (!chat) {
    // Its chat is being fetched (chat-unknown): keep the message until the chat is in.
    early.set(message.chatId, [...(early.get(message.chatId) ?? []), message]);
    return;
  }
  chat.messages.set(message.seq, message);
  chat.lastSeq = Math.max(chat.lastSeq, message.seq);
  if (message.senderId === me()) pending.delete(message.clientMsgId);
  const typingTimer = chat.typing.get(message.senderId);
  if (typingTimer) {
    clearTimeout(typingTimer);
    chat.typing.delete(message.senderId);
  }
  scheduleRender(chat.chatId);
}

function onSendState(state) {
  const chat = chats.get(state.chatId);
  if (state.status === 'sent' && chat?.messages.has(state.seq)) {
    pending.delete(state.clientMsgId);
  } else {
    const entry = pending.get(state.clientMsgId) ?? { createdAt: new Date().toISOString() };
    pending.set(state.clientMsgId, { ...entry, ...state });
  }
  scheduleRender(state.chatId);
}

function onTyping({ chatId, userId, state }) {
  const chat = chats.get(chatId);
  if (!chat || userId === me()) return;
  clearTimeout(chat.typing.get(userId));
  chat.typing.delete(userId);
  if (state === 'start') {
    chat.typing.set(userId, setTimeout(() => {
      chat.typing.delete(userId);
      if (openChatId === chatId) renderTyping(chat);
    }, TYPING_SHOWN_MS));
  }
  if (openChatId === chatId) renderTyping(chat);
}

function onReceipt({ chatId, userId, readSeq }) {
  const chat = chats.get(chatId);
  if (!chat) return;
  if (userId === me()) {
    chat.readSeq = Math.max(chat.readSeq, readSeq); // read on another device
  } else {
    chat.receipts.set(userId, Math.max(readSeq, chat.receipts.get(userId) ?? 0));
  }
  scheduleRender(chatId);
}

function onPresence({ userId, status }) {
  presence.set(userId, status);
  renderChatList();
  const chat = chats.get(openChatId);
  if (chat) renderHeader(chat);
}

function onChatEvent({ chatId, event, userId, chat: info }) {
  if (event === 'member_removed' && userId === me()) {
    removeChat(chatId);
    return;
  }
  addChat(info);
  renderChatList();
  if (openChatId === chatId) renderHeader(chats.get(chatId));
}

// ---- rendering -----------------------------------------------------------------------------------------------

const dirty = new Set();
let renderQueued = false;

/** Coalesces the changes of one burst of frames (a sync brings many) into one paint. */
function scheduleRender(chatId) {
  dirty.add(chatId);
  if (renderQueued) return;
  renderQueued = true;
  queueMicrotask(() => {
    renderQueued = false;
    const open = dirty.has(openChatId);
    dirty.clear();
    renderChatList();
    if (open) {
      renderMessages(chats.get(openChatId));
      markRead();
    }
  });
}

function paintAvatar(node, name, letter = node) {
  letter.textContent = (name || '?').slice(0, 1).toUpperCase();
  let hash = 0;
  for (const ch of name || '') hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  node.style.setProperty('--avatar-hue', String(hash % 360));
}

function lastMessage(chat) {
  let best = null;
  for (const m of chat.messages.values()) if (!best || m.seq > best.seq) best = m;
  const own = [...pending.values()].filter(p => p.chatId === chat.chatId && !chat.messages.has(p.seq));
  const newest = own.at(-1);
  return newest ? { senderId: me(), content: newest.content, sentAt: newest.createdAt } : best;
}

function unreadOf(chat) {
  if (chat.chatId === openChatId && document.visibilityState === 'visible') return 0;
  let count = 0;
  for (let seq = chat.readSeq + 1; seq <= chat.lastSeq && count < 100; seq++) {
    const m = chat.messages.get(seq);
    if (!m || m.senderId !== me()) count++;
  }
  return count;
}

function activityOf(chat) {
  const last = lastMessage(chat);
  return Date.parse(last?.sentAt ?? chat.info.createdAt ?? 0) || 0;
}

const listItems = new Map(); // chatId -> <li>

function renderChatList() {
  const list = $('chat-list');
  const ordered = [...chats.values()].sort((a, b) => activityOf(b) - activityOf(a));
  $('chat-list-empty').hidden = ordered.length > 0;

  for (const [chatId, item] of listItems) {
    if (!chats.has(chatId)) {
      item.remove();
      listItems.delete(chatId);
    }
  }
  ordered.forEach((chat, index) => {
    let item = listItems.get(chat.chatId);
    if (!item) {
      item = buildChatItem(chat.chatId);
      listItems.set(chat.chatId, item);
    }
    fillChatItem(item, chat);
    if (list.children[index] !== item) list.insertBefore(item, list.children[index] ?? null);
  });
}

function buildChatItem(chatId) {
  const item = el('li', 'chat-list-row');
  const button = el('button', 'chat-item');
  button.type = 'button';
  button.dataset.testid = 'chat-item';
  button.dataset.chatId = chatId;
  button.addEventListener('click', () => openChat(chatId));
  const avatar = el('span', 'avatar');
  avatar.setAttribute('aria-hidden', 'true');
  avatar.append(el('span', 'avatar-letter'), el('span', 'avatar-presence'));
  const body = el('span', 'chat-item-body');
  const top = el('span', 'chat-item-top');
  top.append(el('span', 'chat-item-title'), el('time', 'chat-item-time'));
  const bottom = el('span', 'chat-item-bottom');
  bottom.append(el('span', 'chat-item-preview'));
  body.append(top, bottom);
  button.append(avatar, body);
  item.append(button);
  return item;
}

function fillChatItem(item, chat) {
  const button = item.firstChild;
  const title = titleOf(chat);
  const avatar = button.querySelector('.avatar');
  const dot = avatar.querySelector('.avatar-presence');
  paintAvatar(avatar, title, avatar.querySelector('.avatar-letter'));
  avatar.classList.toggle('group', !isDirect(chat));
  dot.hidden = !isDirect(chat);
  dot.dataset.status = presence.get(peerOf(chat)) ?? 'offline';

  button.querySelector('.chat-item-title').textContent = title;
  const last = lastMessage(chat);
  const time = button.querySelector('.chat-item-time');
  time.textContent = last ? shortTime(last.sentAt) : '';
  if (last?.sentAt) time.dateTime = last.sentAt;
  const preview = button.querySelector('.chat-item-preview');
  preview.textContent = last
    ? `${last.senderId === me() ? 'You' : isDirect(chat) ? '' : last.senderId}${last.senderId === me() || !isDirect(chat) ? ': ' : ''}${oneLine(last.content)}`
    : isDirect(chat) ? 'Direct chat' : `${(chat.info.members ?? []).length} members`;

  const unread = unreadOf(chat);
  let badge = button.querySelector('.unread');
  if (unread > 0) {
    if (!badge) {
      badge = el('span', 'unread');
      badge.dataset.testid = 'unread';
      button.querySelector('.chat-item-bottom').append(badge);
    }
    badge.textContent = unread >= 100 ? '99+' : String(unread);
    badge.setAttribute('aria-label', `${unread} unread`);
  } else {
    badge?.remove();
  }
  button.classList.toggle('has-unread', unread > 0);
  button.setAttribute('aria-current', chat.chatId === openChatId ? 'true' : 'false');
  button.setAttribute('aria-label', `${title}${unread ? `, ${unread} unread` : ''}`);
}

const oneLine = text => text.replace(/\s+/g, ' ').trim();

function shortTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  const now = new Date();
  return date.toDateString() === now.toDateString()
    ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleDateString([], { month: 'short', day: 'numeric' });
}

// ---- the open chat ------------------------------------------------------------------------------------------

function showView(view) {
  $('shell').dataset.view = view;
}

function openChat(chatId, { focus = true } = {}) {
  const chat = chats.get(chatId);
  if (!chat) return;
  if (openChatId !== chatId) stopTyping();
  openChatId = chatId;
  history.replaceState(null, '', `#chat=${encodeURIComponent(chatId)}`);
  showView('chat');
  $('no-chat').hidden = true;
  $('chat-view').hidden = false;
  $('message-list').replaceChildren();
  messageNodes.clear();
  $('composer').value = draftOf(chatId);
  autoGrow();
  renderConversation();
  scrollToBottom();
  renderChatList();
  if (chat.messages.size < 20) loadOlder(chat);
  markRead();
  if (focus) $('composer').focus({ preventScroll: true });
}

function closeChat() {
  stopTyping();
  openChatId = null;
  history.replaceState(null, '', location.pathname);
  $('chat-view').hidden = true;
  $('no-chat').hidden = false;
  showView('list');
  renderChatList();
}

function renderConversation() {
  const chat = chats.get(openChatId);
  if (!chat) return;
  renderHeader(chat);
  renderMessages(chat);
  renderTyping(chat);
}

function renderHeader(chat) {
  if (!chat) return;
  const title = titleOf(chat);
  $('chat-title').textContent = title;
  paintAvatar($('chat-avatar'), title);
  $('chat-avatar').classList.toggle('group', !isDirect(chat));
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

const messageNodes = new Map(); // key ('s' + seq, or 'c' + clientMsgId) -> <li>

function renderMessages(chat) {
  if (!chat) return;
  const box = $('messages');
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  const list = $('message-list');

  const stored = [...chat.messages.values()].sort((a, b) => a.seq - b.seq);
  const storedIds = new Set(stored.map(m => m.clientMsgId));
  const waiting = [...pending.values()]
    .filter(p => p.chatId === chat.chatId && !storedIds.has(p.clientMsgId));
  const rows = [
    ...stored.map(m => ({ key: `s${m.seq}`, message: m })),
    ...waiting.map(p => ({ key: `c${p.clientMsgId}`, pending: p })),
  ];

  // Whom my newest stored message has been seen by.
  const lastOwn = stored.findLast(m => m.senderId === me());
  const seenBy = lastOwn
    ? [...chat.receipts].filter(([userId, seq]) => userId !== me() && seq >= lastOwn.seq).map(([userId]) => userId)
    : [];

  const keep = new Set(rows.map(r => r.key));
  for (const [key, node] of messageNodes) {
    if (!keep.has(key)) {
      node.remove();
      messageNodes.delete(key);
    }
  }

  let previous = null;
  rows.forEach((row, index) => {
    const m = row.message ?? { senderId: me(), content: row.pending.content, sentAt: row.pending.createdAt, seq: row.pending.seq };
    let node = messageNodes.get(row.key);
    if (!node) {
      node = buildMessage(m);
      messageNodes.set(row.key, node);
    }
    const own = m.senderId === me();
    const continued = previous && previous.senderId === m.senderId
      && Date.parse(m.sentAt) - Date.parse(previous.sentAt) < 5 * 60 * 1000;
    node.classList.toggle('continued', Boolean(continued));
    node.querySelector('.sender').hidden = own || isDirect(chat) || Boolean(continued);

    let status = own ? 'sent' : 'received';
    if (row.pending) status = row.pending.status; // pending, failed, or sent (acked, its frame still to come)
    else if (own && [...chat.receipts].some(([userId, seq]) => userId !== me() && seq >= m.seq)) status = 'seen';
    if (m.seq !== undefined && m.seq !== null) node.dataset.seq = String(m.seq);
    node.dataset.status = status;
    fillMeta(node, m, own, status, row, row.message !== undefined && row.message === lastOwn, seenBy, chat);

    if (list.children[index] !== node) list.insertBefore(node, list.children[index] ?? null);
    previous = m;
  });

  const status = $('history-status');
  status.textContent = chat.loadingOlder ? 'Loading earlier messages…'
    : !chat.hasOlder && rows.length ? 'This is the beginning of the chat.'
      : rows.length === 0 ? 'No messages yet. Say hello!' : '';

  if (atBottom) scrollToBottom();
}

function buildMessage(m) {
  const own = m.senderId === me();
  const node = el('li', `message ${own ? 'own' : 'theirs'}`);
  node.dataset.testid = 'message';
  node.dataset.sender = m.senderId;
  const bubble = el('div', 'bubble');
  bubble.append(el('span', 'sender', m.senderId), el('p', 'text', m.content));
  const meta = el('div', 'meta');
  meta.append(el('time', 'time'), el('span', 'state'));
  node.append(bubble, meta);
  return node;
}

function fillMeta(node, m, own, status, row, isLastOwn, seenBy, chat) {
  const time = node.querySelector('.time');
  time.textContent = m.sentAt ? new Date(m.sentAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '';
  if (m.sentAt) {
    time.dateTime = m.sentAt;
    time.title = new Date(m.sentAt).toLocaleString();
  }
  const state = node.querySelector('.state');
  state.replaceChildren();
  state.removeAttribute('data-testid');
  if (!own) return;
  if (status === 'pending') {
    state.textContent = 'Sending…';
  } else if (status === 'failed') {
    const reason = row.pending.error?.message ? `: ${row.pending.error.message}` : '';
    state.append(el('span', 'failed-text', `Not sent${reason}`), ' ');
    const retry = el('button', 'link-button', 'Retry');
    retry.type = 'button';
    retry.dataset.testid = 'retry';
    retry.addEventListener('click', () => client.retry(row.pending.clientMsgId));
    state.append(retry);
  } else if (isLastOwn && seenBy.length) {
    state.dataset.testid = 'seen';
    state.textContent = isDirect(chat) ? 'Seen' : `Seen by ${seenBy.join(', ')}`;
  } else if (isLastOwn || row.pending) {
    state.textContent = 'Sent';
  }
}

function renderTyping(chat) {
  const typing = $('typing');
  const names = [...chat.typing.keys()];
  typing.hidden = names.length === 0;
  typing.querySelector('.typing-text').textContent =
    names.length === 0 ? ''
      : names.length === 1 ? `${names[0]} is typing…`
        : names.length === 2 ? `${names[0]} and ${names[1]} are typing…`
          : `${names.length} people are typing…`;
}

function scrollToBottom() {
  const box = $('messages');
  box.scrollTop = box.scrollHeight;
}

async function loadOlder(chat) {
  if (chat.loadingOlder || !chat.hasOlder) return;
  const seqs = [...chat.messages.keys()];
  const oldest = seqs.length ? Math.min(...seqs) : null;
  if (oldest === 1 || (oldest === null && chat.lastSeq === 0)) {
    chat.hasOlder = false;
    if (chat.chatId === openChatId) renderMessages(chat);
    return;
  }
  chat.loadingOlder = true;
  if (chat.chatId === openChatId) renderMessages(chat);
  const box = $('messages');
  const before = box.scrollHeight - box.scrollTop;
  try {
    const page = await client.history(chat.chatId, oldest === null ? { limit: HISTORY_PAGE } : { beforeSeq: oldest, limit: HISTORY_PAGE });
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
  if (chat.chatId === openChatId) {
    renderMessages(chat);
    if (oldest !== null) box.scrollTop = box.scrollHeight - before; // keep the reader's place
    else scrollToBottom();
    renderChatList();
  }
}

function markRead() {
  const chat = chats.get(openChatId);
  if (!chat || document.visibilityState !== 'visible' || !client) return;
  const newest = Math.max(0, ...chat.messages.keys());
  if (newest > chat.readSeq) {
    chat.readSeq = newest;
    client.read(chat.chatId, newest);
    renderChatList();
  }
}

// ---- composing ------------------------------------------------------------------------------------------------

const drafts = new Map();
const draftOf = chatId => drafts.get(chatId) ?? '';

function sendComposed(event) {
  event?.preventDefault();
  const composer = $('composer');
  const content = composer.value;
  if (!openChatId || content.trim() === '') return;
  client.send(openChatId, content);
  composer.value = '';
  drafts.delete(openChatId);
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
  if (!openChatId) return;
  drafts.set(openChatId, $('composer').value);
  if ($('composer').value === '') {
    stopTyping();
    return;
  }
  const now = Date.now();
  if (typingSent.chatId !== openChatId || now - typingSent.at > TYPING_SEND_EVERY_MS) {
    client.typing(openChatId, 'start');
    typingSent = { chatId: openChatId, at: now, timer: typingSent.timer };
  }
  clearTimeout(typingSent.timer);
  typingSent.timer = setTimeout(stopTyping, TYPING_IDLE_MS);
}

function stopTyping() {
  clearTimeout(typingSent.timer);
  if (typingSent.chatId && client) client.typing(typingSent.chatId, 'stop');
  typingSent = { chatId: null, at: 0, timer: null };
}

function autoGrow() {
  const composer = $('composer');
  composer.style.height = 'auto';
  composer.style.height = `${Math.min(composer.scrollHeight, 160)}px`;
}

// ---- dialogs ----------------------------------------------------------------------------------------------------

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
  await submitDialog('group-dialog', 'group-create', 'group-error', () => client.createGroup(title, members));
}

async function startDirect(event) {
  event.preventDefault();
  const userId = $('direct-user').value.trim();
  if (!/^[A-Za-z0-9_.\-@]{1,64}$/.test(userId)) {
    $('direct-error').textContent = 'Enter a user id (letters, digits or _ . - @).';
    return;
  }
  if (userId === me()) {
    $('direct-error').textContent = 'Pick someone other than yourself.';
    return;
  }
  await submitDialog('direct-dialog', 'direct-start', 'direct-error', () => client.openDirect(userId));
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

// ---- wiring -------------------------------------------------------------------------------------------------------

function wire() {
  $('login-form').addEventListener('submit', signInWithName);
  $('token-form').addEventListener('submit', signInWithToken);
  $('sign-out').addEventListener('click', signOut);
  $('new-group').addEventListener('click', () => openDialog('group-dialog', 'group-title'));
  $('new-direct').addEventListener('click', () => openDialog('direct-dialog', 'direct-user'));
  $('group-form').addEventListener('submit', createGroup);
  $('direct-form').addEventListener('submit', startDirect);
  for (const button of document.querySelectorAll('dialog [data-close]')) {
    button.addEventListener('click', () => button.closest('dialog').close());
  }
  $('back').addEventListener('click', () => {
    const chatId = openChatId;
    closeChat();
    document.querySelector(`[data-testid="chat-item"][data-chat-id="${CSS.escape(chatId ?? '')}"]`)?.focus();
  });
  $('composer-form').addEventListener('submit', sendComposed);
  $('composer').addEventListener('keydown', onComposerKey);
  $('composer').addEventListener('input', onComposerInput);
  $('messages').addEventListener('scroll', () => {
    const chat = chats.get(openChatId);
    if (chat && $('messages').scrollTop < 120) loadOlder(chat);
  }, { passive: true });
  document.addEventListener('visibilitychange', () => {
    markRead();
    renderChatList();
  });
  document.addEventListener('keydown', event => {
    if (event.key === 'Escape' && openChatId && !document.querySelector('dialog[open]')
      && getComputedStyle($('back')).display !== 'none') {
      $('back').click();
    }
  });
}

wire();
session = loadSession();
if (session) startApp();
else showLogin();
