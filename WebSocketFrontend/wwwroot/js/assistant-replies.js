// Assistant replies while they are made (PROTOCOL.md 9): each job's text so far (the SDK places the chunks of the
// latest attempt by index), and the job's status when it goes wrong. A job is watched (GET /jobs/{jobId}) while
// nothing of it shows: before its first chunk, and once its chunks stopped without a stored reply. The stored reply
// ends it.

import { state } from './state.js';

const POLL_MS = 2000;          // a job's status is asked this often while it shows nothing
const QUIET_MS = 4000;         // chunks this long silent, with no reply, and the job is asked about again
const FINAL = new Set(['completed', 'failed', 'dead_lettered', 'cancelled']);
const SHOWN = new Set(['failed', 'dead_lettered']);

export const replies = new Map(); // jobId -> { chatId, jobId, attempt, text (null before a chunk), problem, stopping, ... }
const stored = new Set();         // jobIds whose reply is stored: late chunks of theirs are dropped
let paint = () => {};

/** `render(chatId)` repaints a chat's live replies. */
export function followReplies(client, render) {
  paint = render;
  client.addEventListener('reply', e => onReply(e.detail));
  client.addEventListener('job', e => watch(e.detail.chatId, e.detail.jobId));
}

/** The text of a reply so far: its chunks in index order, whatever order they came in. */
export function textOf(reply) {
  return reply.text ?? '';
}

export function repliesOf(chatId) {
  return [...replies.values()].filter(r => r.chatId === chatId);
}

/** A `message` frame: a reply carrying a job id replaces that job's live text. */
export function replyStored(message) {
  if (!message.jobId) return;
  stored.add(message.jobId);
  forget(message.jobId);
}

export function stopReply(jobId) {
  const reply = replies.get(jobId);
  if (!reply || reply.stopping) return;
  reply.stopping = true;
  paint(reply.chatId);
  Promise.resolve(state.client?.cancel(jobId)).catch(() => {
    reply.stopping = false;
    paint(reply.chatId);
  });
}

export function forgetReplies() {
  for (const jobId of [...replies.keys()]) forget(jobId);
  stored.clear();
}

/** The SDK's text so far of a reply (a retry's attempt starts it again). */
function onReply({ chatId, jobId, attempt, text }) {
  if (stored.has(jobId)) return;
  const reply = watch(chatId, jobId);
  reply.attempt = attempt;
  reply.text = text;
  reply.lastChunkAt = Date.now();
  reply.problem = null;
  paint(chatId);
}

/** The job's reply, watched from now on; a job whose reply is stored already is not (its reply is returned, unkept). */
function watch(chatId, jobId) {
  let reply = replies.get(jobId);
  if (!reply) {
    reply = { chatId, jobId, attempt: 0, text: null, problem: null, stopping: false, lastChunkAt: 0, timer: null, done: false };
    if (stored.has(jobId)) return reply;
    replies.set(jobId, reply);
    schedule(reply);
  }
  return reply;
}

function schedule(reply) {
  clearTimeout(reply.timer);
  if (!reply.done) reply.timer = setTimeout(() => poll(reply), POLL_MS);
}

async function poll(reply) {
  if (replies.get(reply.jobId) !== reply || reply.done) return;
  if (Date.now() - reply.lastChunkAt < QUIET_MS || !state.client) {
    schedule(reply);
    return;
  }
  let job;
  try {
    job = await state.client.api('GET', `/jobs/${encodeURIComponent(reply.jobId)}`);
  } catch (error) {
    // Not a member any more, or no such job: nothing to watch. Offline: ask again later.
    if (error?.status === 404 || error?.status === 403) reply.done = true;
    schedule(reply);
    return;
  }
  if (replies.get(reply.jobId) !== reply) return;
  const rateLimited = job.error === 'rate_limited' || String(job.error ?? '').startsWith('rate_limited');
  reply.problem = SHOWN.has(job.status) || rateLimited ? { status: job.status, error: job.error ?? null } : null;
  reply.done = FINAL.has(job.status) || rateLimited;
  paint(reply.chatId);
  schedule(reply);
}

function forget(jobId) {
  const reply = replies.get(jobId);
  if (!reply) return;
  clearTimeout(reply.timer);
  replies.delete(jobId);
  paint(reply.chatId);
}
