// Opening a chat at one message (a search result): older history is fetched back to it when it is not held, then it
// is scrolled to the middle and marked until another one is.

import { $ } from './dom.js';
import { state, chats } from './state.js';
import { loadOlder, openChat } from './conversation.js';
import { renderMessages } from './message-list.js';

const JUMP_PAGE = 200; // history pages fetched on the way back to the message: larger than a scroll's

export async function openChatAt(chatId, seq) {
  const chat = chats.get(chatId);
  if (!chat) return;
  if (state.openChatId !== chatId) openChat(chatId, { focus: false });
  else $('shell').dataset.view = 'chat'; // a phone showing the list (the results) goes to the open chat
  // Pages back from the oldest held until the message is there (or the chat's beginning is).
  for (;;) {
    await (chat.olderLoad ?? Promise.resolve());
    if (chat.messages.has(seq) || !chat.hasOlder || state.openChatId !== chatId) break;
    const oldestBefore = Math.min(...chat.messages.keys());
    await loadOlder(chat, JUMP_PAGE);
    if (Math.min(...chat.messages.keys()) === oldestBefore && chat.hasOlder) break; // offline: nothing came
  }
  if (state.openChatId !== chatId) return;
  renderMessages(chat);
  const target = document.querySelector(`#message-list [data-testid="message"][data-seq="${seq}"]`);
  if (!target) return;
  for (const old of document.querySelectorAll('#message-list .found')) old.classList.remove('found');
  target.classList.add('found', 'flash');
  target.addEventListener('animationend', () => target.classList.remove('flash'), { once: true });
  target.scrollIntoView({ block: 'center' });
}
