// Paints the open chat's messages: one <li> per timeline row, kept across paints so a burst of frames moves no
// node it does not have to, and the reader's scroll position with them.

import { $, el, placeInOrder } from './dom.js';
import { state } from './state.js';
import { timelineOf } from './timeline.js';
import { buildMessage, paintBody } from './message-view.js';
import { textAt } from './message-state.js';
import { renderLiveReplies } from './live-replies.js';

const NEAR_BOTTOM_PX = 80; // a reader this close to the end follows new messages

const nodes = new Map(); // row key -> <li>

export function clearMessages() {
  $('message-list').replaceChildren();
  $('live-replies').replaceChildren();
  nodes.clear();
}

export function renderMessages(chat) {
  if (!chat) return;
  const box = $('messages');
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < NEAR_BOTTOM_PX;
  const rows = timelineOf(chat);
  placeInOrder($('message-list'), nodes, rows, row => row.key, row => buildMessage(row.message), (node, row) => {
    paintRow(node, row);
    paintBody(node, row, chat);
  });
  fetchQuotes(chat, rows);
  renderLiveReplies(chat.chatId);

  $('history-status').textContent = chat.loadingOlder ? 'Loading earlier messages…'
    : !chat.hasOlder && rows.length ? 'This is the beginning of the chat.'
      : rows.length === 0 ? 'No messages yet. Say hello!' : '';

  if (atBottom) scrollToBottom();
}

export function scrollToBottom() {
  const box = $('messages');
  box.scrollTop = box.scrollHeight;
}

function paintRow(node, row) {
  node.classList.toggle('continued', row.continued);
  node.querySelector('.sender').hidden = !row.showSender;
  const seq = row.message.seq;
  if (seq !== undefined && seq !== null) node.dataset.seq = String(seq);
  node.dataset.status = row.status;
  paintTime(node.querySelector('.time'), row.message.sentAt);
  paintLabel(node.querySelector('.state'), row.label);
  paintTicks(node.querySelector('.ticks'), row.ticks);
}

/** A reply to a text older than what is held: that one text is fetched, for the reply's preview only. */
async function fetchQuotes(chat, rows) {
  const missing = rows.map(r => r.message.replyTo).filter(seq => seq && !textAt(chat, seq) && !chat.quotes.has(seq));
  for (const seq of new Set(missing)) {
    chat.quotes.set(seq, null); // asked once
    try {
      const page = await state.client.history(chat.chatId, { afterSeq: seq - 1, limit: 1 });
      const quoted = page.messages.find(m => m.seq === seq);
      if (quoted) chat.quotes.set(seq, quoted);
    } catch {
      chat.quotes.delete(seq); // offline: the next paint asks again
      return;
    }
    if (chat.chatId === state.openChatId) renderMessages(chat);
  }
}

function paintTime(time, sentAt) {
  time.textContent = sentAt ? new Date(sentAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '';
  if (sentAt) {
    time.dateTime = sentAt;
    time.title = new Date(sentAt).toLocaleString();
  }
}

const TICKS = { sent: '✓', delivered: '✓✓', read: '✓✓' };

function paintTicks(ticks, shown) {
  if (!ticks) return;
  ticks.hidden = !shown;
  if (!shown) {
    ticks.removeAttribute('data-status');
    return;
  }
  ticks.dataset.status = shown.status;
  ticks.textContent = TICKS[shown.status];
  ticks.title = shown.title;
  ticks.setAttribute('aria-label', shown.title);
}

function paintLabel(line, label) {
  line.replaceChildren();
  line.removeAttribute('data-testid');
  if (!label) return;
  if (label.kind === 'failed') {
    line.append(el('span', 'failed-text', label.text), ' ');
    const retry = el('button', 'link-button', 'Retry');
    retry.type = 'button';
    retry.dataset.testid = 'retry';
    retry.addEventListener('click', () => state.client.retry(label.clientMsgId));
    line.append(retry);
    return;
  }
  if (label.kind === 'seen') line.dataset.testid = 'seen';
  line.textContent = label.text;
}
