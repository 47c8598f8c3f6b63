// The rows of an open chat and what each row says about its message: stored texts in seq order (their changes
// applied: message-state.js), then this
// device's sends the chat does not hold yet. Deciding status here leaves the view nothing to do but paint.

import { pending, me, isDirect } from './state.js';
import { textsOf } from './message-state.js';

const CONTINUED_WITHIN_MS = 5 * 60 * 1000; // one sender's messages this close together share one name

/**
 * Each row: { key, message, own, status, continued, showSender, label, ticks }. `key` names the row's node across
 * paints ('s' + seq, or 'c' + clientMsgId); `label` is what the row's state line says, or null; `ticks` is an own
 * stored message's { status: 'sent' | 'delivered' | 'read', title }, or null.
 */
export function timelineOf(chat) {
  const self = me();
  const stored = textsOf(chat);
  const storedIds = new Set(stored.map(m => m.clientMsgId));
  const waiting = [...pending.values()]
    .filter(p => p.chatId === chat.chatId && !storedIds.has(p.clientMsgId));

  // A receipt covers every message up to its seq: my newest stored message is seen by whoever read that far.
  const others = [...chat.receipts].filter(([userId]) => userId !== self);
  const othersRead = Math.max(...others.map(([, seq]) => seq));
  const lastOwn = stored.findLast(m => m.senderId === self);
  const seenBy = lastOwn ? others.filter(([, seq]) => seq >= lastOwn.seq).map(([userId]) => userId) : [];

  const rows = [
    ...stored.map(message => {
      const own = message.senderId === self;
      const status = own && othersRead >= message.seq ? 'seen' : own ? 'sent' : 'received';
      const label = own ? storedLabel(message === lastOwn, seenBy, chat) : null;
      return { key: `s${message.seq}`, message, own, status, label, ticks: own ? ticksOf(chat, message.seq) : null };
    }),
    ...waiting.map(send => ({
      key: `c${send.clientMsgId}`,
      message: { senderId: self, content: pendingText(send), sentAt: send.createdAt, seq: send.seq, replyTo: send.replyTo },
      own: true,
      status: send.status, // pending, failed, or sent (acked, its frame still to come)
      label: sendLabel(send),
      ticks: send.status === 'sent' ? ticksOf(chat, send.seq) : null,
    })),
  ];

  let previous = null;
  for (const row of rows) {
    const m = row.message;
    row.continued = Boolean(previous && previous.senderId === m.senderId
      && Date.parse(m.sentAt) - Date.parse(previous.sentAt) < CONTINUED_WITHIN_MS);
    row.showSender = !(row.own || isDirect(chat) || row.continued);
    previous = m;
  }
  return rows;
}

/**
 * One tick once stored, two once every other member has it on a device, read marks once every other member read it
 * (PROTOCOL.md 6.4). A chat with no other member stays at one tick.
 */
function ticksOf(chat, seq) {
  const others = (chat.info.members ?? []).filter(userId => userId !== me());
  const delivered = others.filter(userId => (chat.delivered.get(userId) ?? 0) >= seq).length;
  const read = others.filter(userId => (chat.receipts.get(userId) ?? 0) >= seq).length;
  if (others.length > 0 && read === others.length) return { status: 'read', title: 'Read' };
  if (others.length > 0 && delivered === others.length) {
    return { status: 'delivered', title: read ? `Delivered, read by ${read} of ${others.length}` : 'Delivered' };
  }
  return { status: 'sent', title: delivered ? `Sent, delivered to ${delivered} of ${others.length}` : 'Sent' };
}

function storedLabel(isLastOwn, seenBy, chat) {
  if (!isLastOwn) return null;
  if (seenBy.length) return { kind: 'seen', text: isDirect(chat) ? 'Seen' : `Seen by ${seenBy.join(', ')}` };
  return { kind: 'sent', text: 'Sent' };
}

function sendLabel(send) {
  if (send.status === 'pending') return { kind: 'sending', text: 'Sending…' };
  if (send.status === 'failed') {
    const reason = send.error?.message ? `: ${send.error.message}` : '';
    return { kind: 'failed', text: `Not sent${reason}`, clientMsgId: send.clientMsgId };
  }
  return { kind: 'sent', text: 'Sent' };
}

/** A send of files only says what it carries until the server's message (with the files themselves) comes. */
function pendingText(send) {
  if (send.content || !send.files) return send.content;
  return `📎 ${send.files} ${send.files === 1 ? 'file' : 'files'}`;
}
