// The open chat's menu (PROTOCOL.md 6.5): mute or unmute it, and in a direct chat block or unblock the other person.
// Each item is one REST call; the page changes only once the server said yes, and tells why when it said no.

import { $, el, icon, showNotice, reasonOf, MUTED_ICON } from './dom.js';
import { state, chats, blocked, isDirect, isMuted, peerOf } from './state.js';
import { renderChatList } from './chat-list.js';

const BELL = 'M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9M13.7 21a2 2 0 0 1-3.4 0';
const BLOCK = 'M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18M5.6 5.6l12.8 12.8';
const UNBLOCK = 'M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18M8 12l3 3 5-6';

export function wireChatMenu(renderHeader) {
  $('chat-menu').addEventListener('click', () => ($('chat-menu-popup').hidden ? openMenu() : closeMenu()));
  $('chat-menu-popup').addEventListener('click', event => {
    const item = event.target.closest('[data-testid]');
    if (item) act(item.dataset.testid, renderHeader);
  });
  document.addEventListener('click', event => {
    if (!event.target.closest('#chat-menu, #chat-menu-popup')) closeMenu();
  });
  document.addEventListener('keydown', event => {
    if (event.key === 'Escape' && !$('chat-menu-popup').hidden) {
      event.stopPropagation();
      closeMenu();
      $('chat-menu').focus();
    }
  }, true);
}

export function closeMenu() {
  $('chat-menu-popup').hidden = true;
  $('chat-menu').setAttribute('aria-expanded', 'false');
}

function openMenu() {
  const chat = chats.get(state.openChatId);
  if (!chat) return;
  const items = [isMuted(chat) ? item('chat-unmute', 'Unmute notifications', BELL) : item('chat-mute', 'Mute notifications', MUTED_ICON)];
  if (isDirect(chat)) {
    const peer = peerOf(chat);
    items.push(blocked.has(peer) ? item('user-unblock', `Unblock ${peer}`, UNBLOCK) : item('user-block', `Block ${peer}`, BLOCK));
  }
  $('chat-menu-popup').replaceChildren(...items);
  $('chat-menu-popup').hidden = false;
  $('chat-menu').setAttribute('aria-expanded', 'true');
  items[0].focus();
}

function item(testid, label, path) {
  const button = el('button', 'menu-item');
  button.type = 'button';
  button.dataset.testid = testid;
  button.setAttribute('role', 'menuitem');
  const mark = el('span', 'menu-icon');
  mark.append(icon(path, 18));
  button.append(mark, el('span', '', label));
  return button;
}

async function act(action, renderHeader) {
  const chat = chats.get(state.openChatId);
  if (!chat) return;
  closeMenu();
  const chatPath = `/chats/${encodeURIComponent(chat.chatId)}`;
  const peer = peerOf(chat);
  const userPath = `/me/blocks/${encodeURIComponent(peer)}`;
  try {
    if (action === 'chat-mute' || action === 'chat-unmute') {
      const settings = await state.client.api('PUT', `${chatPath}/settings`, { muted: action === 'chat-mute' });
      chat.info = { ...chat.info, muted: settings.muted, mutedUntil: settings.mutedUntil };
    } else if (action === 'user-block') {
      await state.client.api('PUT', userPath);
      blocked.add(peer);
    } else if (action === 'user-unblock') {
      await state.client.api('DELETE', userPath);
      blocked.delete(peer);
    }
  } catch (error) {
    showNotice(`Not done: ${reasonOf(error)}`);
    return;
  }
  renderChatList();
  renderHeader(chat);
}

/** The header's marks of the chat's state: muted, and a blocked peer. */
export function paintChatState(chat) {
  const muted = isMuted(chat);
  $('chat-muted').hidden = !muted;
  const isBlocked = isDirect(chat) && blocked.has(peerOf(chat));
  $('chat-blocked').hidden = !isBlocked;
  $('chat-blocked').textContent = isBlocked ? `You blocked ${peerOf(chat)}` : '';
}
