// The sidebar: every chat, newest activity first, with its last message, unread and mention counts, whether it is
// muted, and the peer's presence.

import { $, el, icon, paintAvatar, placeInOrder, MUTED_ICON } from './dom.js';
import { state, chats, pending, presence, me, isDirect, isMuted, peerOf, titleOf } from './state.js';
import { lastTextOf, unreadOf } from './message-state.js';

const BADGE_MAX = 99; // past it the badge says 99+

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
  $('chat-list-empty').hidden = ordered.length > 0 || !$('search-panel').hidden;
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

  const open = chat.chatId === state.openChatId && document.visibilityState === 'visible';
  const { unread, mentions } = open ? { unread: 0, mentions: 0 } : unreadOf(chat);
  const muted = isMuted(chat);
  const bottom = button.querySelector('.chat-item-bottom');
  let mutedIcon = bottom.querySelector('[data-testid="chat-muted-icon"]');
  if (muted && !mutedIcon) {
    mutedIcon = el('span', 'chat-item-muted');
    mutedIcon.dataset.testid = 'chat-muted-icon';
    mutedIcon.title = 'Muted';
    mutedIcon.append(icon(MUTED_ICON, 15));
    bottom.append(mutedIcon);
  } else if (!muted) {
    mutedIcon?.remove();
  }
  badge(bottom, 'mention-count', 'mention-badge', mentions > 0 ? count(mentions) : '', `${mentions} mentioning you`);
  badge(bottom, 'unread', 'unread-badge', unread > 0 ? count(unread) : '', `${unread} unread`);
  button.classList.toggle('has-unread', unread > 0);
  button.classList.toggle('muted', muted);
  button.dataset.muted = String(muted);
  button.setAttribute('aria-current', chat.chatId === state.openChatId ? 'true' : 'false');
  button.setAttribute('aria-label', [title, unread ? `${unread} unread` : '', mentions ? `${mentions} mentioning you` : '',
    muted ? 'muted' : ''].filter(Boolean).join(', '));
}

/** A badge of the item's bottom line, there only while it has something to say. */
function badge(bottom, className, testid, text, label) {
  let node = bottom.querySelector(`[data-testid="${testid}"]`);
  if (!text) {
    node?.remove();
    return;
  }
  if (!node) {
    node = el('span', className);
    node.dataset.testid = testid;
    bottom.append(node);
  }
  node.textContent = text;
  node.title = label;
  node.setAttribute('aria-label', label);
}

const count = n => (n > BADGE_MAX ? '99+' : String(n));

function previewOf(chat, last) {
  if (!last) return isDirect(chat) ? 'Direct chat' : `${(chat.info.members ?? []).length} members`;
  const mine = last.senderId === me();
  const who = mine ? 'You' : isDirect(chat) ? '' : last.senderId;
  return `${who}${mine || !isDirect(chat) ? ': ' : ''}${last.deleted ? 'Message deleted' : oneLine(last.content)}`;
}

/** The newest text, or this device's newest send while it is not stored yet. */
function lastMessage(chat) {
  const best = lastTextOf(chat);
  const own = [...pending.values()].filter(p => p.chatId === chat.chatId && !chat.messages.has(p.seq));
  const newest = own.at(-1);
  return newest ? { senderId: me(), content: newest.content, sentAt: newest.createdAt } : best;
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
