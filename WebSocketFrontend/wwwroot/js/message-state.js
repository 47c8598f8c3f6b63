// A chat's messages as a person sees them (PROTOCOL.md 6.3): one entry per `text`, with the change events held
// (edits, deletes, reactions) applied to it in seq order. The events are kept as they came, so applying them again
// is always from the server's own state: a text from history or sync already carries its state, and replaying the
// later events over it ends where the server is (the last edit wins, a reaction's last add or remove wins).

import { me } from './state.js';

/** The texts held, in seq order, each with its current content, editedAt, deleted, reactions and mentions. */
export function textsOf(chat) {
  if (chat.derived?.size === chat.messages.size) return chat.derived.texts;
  const items = [...chat.messages.values()].sort((a, b) => a.seq - b.seq);
  const bySeq = new Map();
  for (const item of items) {
    const kind = item.kind ?? 'text';
    if (kind === 'text') {
      bySeq.set(item.seq, { ...item, kind, reactions: (item.reactions ?? []).map(r => ({ content: r.content, userIds: [...r.userIds] })) });
      continue;
    }
    const text = bySeq.get(item.target);
    if (!text || text.deleted) continue;
    if (kind === 'edit') {
      text.content = item.content;
      text.editedAt = item.sentAt;
      if (item.mentions) text.mentions = item.mentions;
    } else if (kind === 'delete') {
      // When and whom it mentioned stay known: a count the server made before the delete included it (unreadOf).
      const mentioned = (text.mentions ?? []).includes(me());
      Object.assign(text, { deleted: true, content: '', reactions: [], attachments: undefined, mentions: [], deletedSeq: item.seq, mentioned });
    } else if (kind === 'reaction') {
      react(text.reactions, item.content, item.senderId, item.remove === true);
    }
  }
  const texts = [...bySeq.values()];
  chat.derived = { size: chat.messages.size, texts, bySeq };
  return texts;
}

/** The text at `seq` as it stands now, or a quoted one fetched for a reply's preview, or undefined. */
export function textAt(chat, seq) {
  textsOf(chat);
  return chat.derived.bySeq.get(seq) ?? chat.quotes?.get(seq);
}

function react(reactions, content, userId, remove) {
  const index = reactions.findIndex(r => r.content === content);
  if (remove) {
    if (index < 0) return;
    const userIds = reactions[index].userIds.filter(u => u !== userId);
    if (userIds.length) reactions[index].userIds = userIds;
    else reactions.splice(index, 1); // an emoji nobody holds any more has no entry
  } else if (index < 0) {
    reactions.push({ content, userIds: [userId] });
  } else if (!reactions[index].userIds.includes(userId)) {
    reactions[index].userIds.push(userId);
  }
}

/**
 * The chat list's badges: texts of others above the read seq that are not deleted, and those that mention this
 * user. `/me/chats` counts what the client may not hold (`chat.listed`); what came after the list is counted here.
 */
export function unreadOf(chat) {
  const self = me();
  const listed = chat.listed;
  let unread = 0;
  let mentions = 0;
  let from = chat.readSeq;
  if (listed && chat.readSeq <= listed.readSeq) {
    unread = listed.unread;
    mentions = listed.mentions;
    from = Math.max(from, listed.lastSeq);
  }
  for (const text of textsOf(chat)) {
    if (text.senderId === self) continue;
    if (text.seq > from && !text.deleted) {
      unread++;
      if (text.mentions?.includes(self)) mentions++;
    } else if (listed && from === listed.lastSeq && text.deleted && text.seq > chat.readSeq && text.deletedSeq > from) {
      // Counted by the server, deleted since: no longer unread.
      unread = Math.max(0, unread - 1);
      if (text.mentioned) mentions = Math.max(0, mentions - 1);
    }
  }
  return { unread, mentions };
}

/** The newest text held (for the chat list's preview and order), or null. */
export function lastTextOf(chat) {
  return textsOf(chat).at(-1) ?? null;
}

/**
 * `content` cut into plain runs and mentions: `@` and a member's id, with whitespace or the start before it and
 * whitespace or the end after it (PROTOCOL.md 6.1). `ids` are those the server named in `mentions`.
 */
export function mentionParts(content, ids) {
  const parts = [];
  const wanted = new Set(ids ?? []);
  if (wanted.size === 0) return [{ text: content }];
  const pattern = /(^|\s)@([A-Za-z0-9_.\-@]{1,64})(?=\s|$)/g;
  let at = 0;
  for (const match of content.matchAll(pattern)) {
    if (!wanted.has(match[2])) continue;
    const start = match.index + match[1].length;
    if (start > at) parts.push({ text: content.slice(at, start) });
    parts.push({ text: `@${match[2]}`, userId: match[2] });
    at = start + match[2].length + 1;
  }
  if (at < content.length) parts.push({ text: content.slice(at) });
  return parts;
}
