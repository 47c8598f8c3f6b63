// Paints the open chat's assistant replies that are not stored yet, below its messages: the text so far with a stop
// button while it streams, and the job's status when it failed or was refused. Stored replies are ordinary messages.

import { $, el } from './dom.js';
import { state } from './state.js';
import { repliesOf, stopReply, textOf } from './assistant-replies.js';

const NEAR_BOTTOM_PX = 80;

const STATUS_TEXT = {
  failed: 'The assistant could not answer',
  dead_lettered: 'The assistant gave up on this reply',
};

export function wireLiveReplies() {
  $('live-replies').addEventListener('click', event => {
    const stop = event.target.closest('[data-testid="stop-reply"]');
    if (stop) stopReply(stop.dataset.jobId);
  });
}

/** Repaints the live replies when `chatId` is the open chat (every chat when none is given). */
export function renderLiveReplies(chatId = state.openChatId) {
  if (!chatId || chatId !== state.openChatId) return;
  const box = $('messages');
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < NEAR_BOTTOM_PX;
  const parts = [];
  for (const reply of repliesOf(chatId)) {
    if (reply.text !== null) parts.push(streaming(reply));
    if (reply.problem) parts.push(problem(reply));
  }
  $('live-replies').replaceChildren(...parts);
  if (atBottom && parts.length > 0) box.scrollTop = box.scrollHeight;
}

function streaming(reply) {
  const node = el('div', 'message theirs streaming');
  node.dataset.testid = 'streaming-reply';
  node.dataset.jobId = reply.jobId;
  node.dataset.attempt = String(reply.attempt);
  const bubble = el('div', 'bubble');
  bubble.append(el('span', 'sender', 'assistant'), el('p', 'text', textOf(reply)));
  const meta = el('div', 'meta');
  meta.append(el('span', 'streaming-dots', reply.done ? '' : 'writing…'));
  if (!reply.done) {
    const stop = el('button', 'link-button stop-reply', reply.stopping ? 'Stopping…' : 'Stop');
    stop.type = 'button';
    stop.dataset.testid = 'stop-reply';
    stop.dataset.jobId = reply.jobId;
    stop.disabled = reply.stopping;
    stop.setAttribute('aria-label', 'Stop the reply');
    meta.append(stop);
  }
  node.append(bubble, meta);
  return node;
}

function problem(reply) {
  const { status, error } = reply.problem;
  const node = el('div', 'job-status');
  node.dataset.testid = 'job-status';
  node.dataset.status = status;
  node.dataset.jobId = reply.jobId;
  node.setAttribute('role', 'status');
  const said = error === 'rate_limited' ? 'The assistant is busy: too many requests for now'
    : STATUS_TEXT[status] ?? `The assistant's reply is ${status}`;
  node.textContent = error ? `${said} (${error}).` : `${said}.`;
  return node;
}
