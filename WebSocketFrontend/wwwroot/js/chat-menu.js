// The open chat's menu (PROTOCOL.md 6.5): mute or unmute it, and in a direct chat block or unblock the other person.
// Each item is one REST call; the page changes only once the server said yes, and tells why when it said no.

import { $, el, showNotice, reasonOf } from './dom.js';
import { state, chats, blocked, isDirect, isMuted, peerOf } from './state.js';
import { renderChatList } from './chat-list.js';

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
  const items = [isMuted(chat) ? item('chat-unmute', 'Unmute notifications', '🔔') : item('chat-mute', 'Mute notifications', '🔕')];
  if (isDirect(chat)) {
    const peer = peerOf(chat);
    items.push(blocked.has(peer) ? item('user-unblock', `Unblock ${peer}`, '✓') : item('user-block', `Block ${peer}`, '⛔'));
  }
  $('chat-menu-popup').replaceChildren(...items);
  $('chat-menu-popup').hidden = false;
  $('chat-menu').setAttribute('aria-expanded', 'true');
  items[0].focus();
}

function item(testid, label, icon) {
  const button = el('button', 'menu-item');
  button.type = 'button';
  button.dataset.testid = testid;
  button.setAttribute('role', 'menuitem');
  button.append(el('span', 'menu-icon', icon), el('span', '', label));
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
