// The sidebar: every chat, newest activity first, with its last message, unread count and the peer's presence.

import { $, el, paintAvatar, placeInOrder } from './dom.js';
import { state, chats, pending, presence, me, isDirect, peerOf, titleOf } from './state.js';

const UNREAD_COUNTED_UP_TO = 100; // past it the badge says 99+, so counting further is wasted

const items = new Map(); // chatId -> <li>

/** Opening a chat is the conversation's business: the list only says which one was picked. */
export function wireChatList(openChat) {
  $('chat-list').addEventListener('click', event => {
    const button = event.target.closest('[data-testid="chat-item"]');
    if (button) openChat(button.dataset.chatId);
  });
}

export function clearChatList() {
  $('chat-list').replaceChildren();
  items.clear();
}

export function renderChatList() {
  const ordered = [...chats.values()].sort((a, b) => activityOf(b) - activityOf(a));
  $('chat-list-empty').hidden = ordered.length > 0;
  placeInOrder($('chat-list'), items, ordered, chat => chat.chatId, chat => buildChatItem(chat.chatId), fillChatItem);
}

function buildChatItem(chatId) {
  const item = el('li', 'chat-list-row');
  const button = el('button', 'chat-item');
  button.type = 'button';
  button.dataset.testid = 'chat-item';
  button.dataset.chatId = chatId;
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
  button.querySelector('.chat-item-preview').textContent = previewOf(chat, last);

  const unread = unreadOf(chat);
  let badge = button.querySelector('.unread');
  if (unread > 0) {
    if (!badge) {
      badge = el('span', 'unread');
      badge.dataset.testid = 'unread';
      button.querySelector('.chat-item-bottom').append(badge);
    }
    badge.textContent = unread >= UNREAD_COUNTED_UP_TO ? '99+' : String(unread);
    badge.setAttribute('aria-label', `${unread} unread`);
  } else {
    badge?.remove();
  }
  button.classList.toggle('has-unread', unread > 0);
  button.setAttribute('aria-current', chat.chatId === state.openChatId ? 'true' : 'false');
  button.setAttribute('aria-label', `${title}${unread ? `, ${unread} unread` : ''}`);
}

function previewOf(chat, last) {
  if (!last) return isDirect(chat) ? 'Direct chat' : `${(chat.info.members ?? []).length} members`;
  const mine = last.senderId === me();
  const who = mine ? 'You' : isDirect(chat) ? '' : last.senderId;
  return `${who}${mine || !isDirect(chat) ? ': ' : ''}${oneLine(last.content)}`;
}

/** The newest message, or this device's newest send while it is not stored yet. */
function lastMessage(chat) {
  let best = null;
  for (const m of chat.messages.values()) if (!best || m.seq > best.seq) best = m;
  const own = [...pending.values()].filter(p => p.chatId === chat.chatId && !chat.messages.has(p.seq));
  const newest = own.at(-1);
  return newest ? { senderId: me(), content: newest.content, sentAt: newest.createdAt } : best;
}

function unreadOf(chat) {
  if (chat.chatId === state.openChatId && document.visibilityState === 'visible') return 0;
  let count = 0;
  for (let seq = chat.readSeq + 1; seq <= chat.lastSeq && count < UNREAD_COUNTED_UP_TO; seq++) {
    const m = chat.messages.get(seq);
    if (!m || m.senderId !== me()) count++;
  }
  return count;
}

function activityOf(chat) {
  const last = lastMessage(chat);
  return Date.parse(last?.sentAt ?? chat.info.createdAt ?? 0) || 0;
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
