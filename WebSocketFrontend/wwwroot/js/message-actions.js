// What a person does to a message (PROTOCOL.md 6.1): reply, react through a small picker, take a reaction back,
// edit and delete. Each sends a change; the page shows it when its message frame comes back, so nothing shows
// that the server did not store (a refusal is told by server-events.js).

import { $, el } from './dom.js';
import { state, chats, me } from './state.js';
import { textAt } from './message-state.js';
import { startEdit, startReply } from './composer.js';

const EMOJIS = ['👍', '❤️', '😂', '🎉', '😮', '😢', '🙏', '👀'];

let picker = null; // the one picker, in the message it is open on while open, out of the page while closed

export function wireMessageActions() {
  $('message-list').addEventListener('click', onClick);
  document.addEventListener('click', event => {
    if (picker?.isConnected && !event.target.closest('.emoji-picker, [data-action="react"]')) closePicker();
  });
  document.addEventListener('keydown', event => {
    if (event.key === 'Escape' && picker?.isConnected) {
      event.stopPropagation();
      closePicker(true);
    }
  }, true);
}

function onClick(event) {
  const button = event.target.closest('[data-action]');
  const node = button?.closest('[data-testid="message"]');
  const chat = chats.get(state.openChatId);
  if (!button || !node || !chat) return;
  const seq = Number(node.dataset.seq);
  const text = textAt(chat, seq);
  if (!text || text.deleted) return;
  switch (button.dataset.action) {
    case 'reply': return startReply(chat.chatId, text);
    case 'edit': return startEdit(chat.chatId, text);
    case 'delete': return state.client.change(chat.chatId, { kind: 'delete', target: seq });
    case 'react': return togglePicker(node, seq);
    case 'emoji': return choose(chat, text, button.dataset.emoji);
    case 'toggle-reaction': return choose(chat, text, button.dataset.emoji);
    case 'goto': return showQuoted(Number(button.dataset.target));
    default: return undefined;
  }
}

/** Adds this user's reaction, or takes it back when they have it already. */
function choose(chat, text, emoji) {
  closePicker();
  const mine = text.reactions.some(r => r.content === emoji && r.userIds.includes(me()));
  const fields = { kind: 'reaction', target: text.seq };
  if (mine) fields.remove = true;
  state.client.change(chat.chatId, fields, emoji);
}

function togglePicker(node, seq) {
  if (picker?.isConnected && picker.dataset.target === String(seq)) {
    closePicker(true);
    return;
  }
  picker ??= buildPicker();
  picker.dataset.target = String(seq);
  closePicker();
  node.append(picker);
  node.querySelector('[data-action="react"]')?.setAttribute('aria-expanded', 'true');
  picker.querySelector('button').focus({ preventScroll: true });
  picker.scrollIntoView({ block: 'nearest' });
}

function closePicker(refocus = false) {
  if (!picker?.isConnected) return;
  const opener = picker.closest('[data-testid="message"]')?.querySelector('[data-action="react"]');
  picker.remove();
  opener?.setAttribute('aria-expanded', 'false');
  if (refocus) opener?.focus();
}

function buildPicker() {
  const box = el('div', 'emoji-picker');
  box.setAttribute('role', 'group');
  box.setAttribute('aria-label', 'Pick a reaction');
  for (const emoji of EMOJIS) {
    const option = el('button', 'emoji-option', emoji);
    option.type = 'button';
    option.dataset.testid = 'emoji-option';
    option.dataset.action = 'emoji';
    option.dataset.emoji = emoji;
    option.setAttribute('aria-label', `React with ${emoji}`);
    box.append(option);
  }
  return box;
}

/** A click on a reply's preview shows the message it answers, when that one is on the page. */
function showQuoted(seq) {
  const target = document.querySelector(`#message-list [data-testid="message"][data-seq="${seq}"]`);
  if (!target) return;
  target.scrollIntoView({ block: 'center', behavior: 'smooth' });
  target.classList.add('flash');
  target.addEventListener('animationend', () => target.classList.remove('flash'), { once: true });
}
