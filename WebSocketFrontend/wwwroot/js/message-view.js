// One message's node: its bubble (sender, the quoted message it answers, its text with mentions, its reactions) and
// its line below (time, "edited", send state, ticks, actions). Parts that do not apply are left out, not hidden, so
// the page holds a `message-edited` only on an edited message and a `message-delete` only where one may delete.

import { el, icon } from './dom.js';
import { me, isOwner } from './state.js';
import { mentionParts, textAt } from './message-state.js';
import { attachmentsPart } from './attachment-view.js';

const ACTIONS = [
  { action: 'reply', testid: 'message-reply', icon: 'M9 7L4 12l5 5M4 12h10a6 6 0 0 1 6 6', label: 'Reply' },
  { action: 'react', testid: 'message-react', icon: 'M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18M8.5 14.5a4.5 4.5 0 0 0 7 0M9 9.5h.01M15 9.5h.01', label: 'React' },
  { action: 'edit', testid: 'message-edit', icon: 'M4 20h4L19 9l-4-4L4 16v4M13.5 6.5l4 4', label: 'Edit', own: true },
  { action: 'delete', testid: 'message-delete', icon: 'M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13M10 11v6M14 11v6', label: 'Delete', mayDelete: true },
];

export function buildMessage(m) {
  const own = m.senderId === me();
  const node = el('li', `message ${own ? 'own' : 'theirs'}`);
  node.dataset.testid = 'message';
  node.dataset.sender = m.senderId;
  const bubble = el('div', 'bubble');
  bubble.append(el('span', 'sender', m.senderId), el('p', 'text'));
  const meta = el('div', 'meta');
  meta.append(el('time', 'time'), el('span', 'state'));
  if (own) {
    const ticks = el('span', 'ticks');
    ticks.dataset.testid = 'message-status';
    meta.append(ticks);
  }
  node.append(bubble, meta);
  return node;
}

/** Paints what the message says now; a node whose message did not change since the last paint is left alone. */
export function paintBody(node, row, chat) {
  const m = row.message;
  const stored = row.key.startsWith('s');
  const quote = m.replyTo ? textAt(chat, m.replyTo) ?? null : undefined;
  const mayDelete = row.own || isOwner(chat);
  const signature = JSON.stringify([m.content, m.deleted, m.stopped, m.editedAt, m.mentions, m.reactions, m.replyTo, m.attachments,
    quote && [quote.senderId, quote.content, quote.deleted], stored, mayDelete]);
  if (node.dataset.signature === signature) return;
  node.dataset.signature = signature;

  const bubble = node.querySelector('.bubble');
  const mentionsMe = !row.own && !m.deleted && (m.mentions ?? []).includes(me());
  node.classList.toggle('mentions-me', mentionsMe);
  node.classList.toggle('deleted', Boolean(m.deleted));
  paintText(bubble.querySelector('.text'), m);
  replacePart(bubble, '.reply-preview', m.replyTo ? replyPreview(m.replyTo, quote) : null, bubble.querySelector('.text'));
  replacePart(bubble, '.reactions', m.reactions?.length && !m.deleted ? reactions(m.reactions) : null, null);
  replacePart(bubble, '.attachments', m.deleted ? null : attachmentsPart(m.attachments), bubble.querySelector(':scope > .reactions'));

  const meta = node.querySelector('.meta');
  replacePart(meta, '.edited', m.editedAt && !m.deleted ? edited(m.editedAt) : null, meta.querySelector('.state'));
  replacePart(meta, '.stopped', m.stopped && !m.deleted ? stopped() : null, meta.querySelector('.state'));
  replacePart(meta, '.actions', stored && !m.deleted ? actions(row.own, mayDelete) : null, null);
}

/** An assistant reply stopped by a member (PROTOCOL.md 9): what it said before it was stopped. */
function stopped() {
  const mark = el('span', 'stopped', 'stopped');
  mark.dataset.testid = 'reply-stopped';
  mark.title = 'The reply was stopped before it was finished';
  return mark;
}

function paintText(text, m) {
  text.replaceChildren();
  if (m.deleted) {
    const tombstone = el('span', 'tombstone', 'This message was deleted');
    tombstone.dataset.testid = 'message-deleted';
    text.append(tombstone);
    return;
  }
  for (const part of mentionParts(m.content ?? '', m.mentions)) {
    if (!part.userId) {
      text.append(part.text);
      continue;
    }
    const mention = el('span', part.userId === me() ? 'mention mention-me' : 'mention', part.text);
    mention.dataset.userId = part.userId;
    text.append(mention);
  }
}

/** Puts `part` where the node's `selector` was (or before `before`), or takes it away when `part` is null. */
function replacePart(parent, selector, part, before) {
  const old = parent.querySelector(`:scope > ${selector}`);
  if (old && part) old.replaceWith(part);
  else if (old) old.remove();
  else if (part) parent.insertBefore(part, before);
}

function replyPreview(seq, quote) {
  const preview = el('button', 'reply-preview');
  preview.type = 'button';
  preview.dataset.testid = 'reply-preview';
  preview.dataset.action = 'goto';
  preview.dataset.target = String(seq);
  const text = quote === null ? 'Loading…' : quote.deleted ? 'This message was deleted' : quote.content;
  preview.append(el('span', 'reply-sender', quote?.senderId ?? ''), el('span', 'reply-text', text));
  preview.setAttribute('aria-label', `Reply to ${quote?.senderId ?? 'a message'}: ${text}`);
  return preview;
}

function reactions(list) {
  const box = el('div', 'reactions');
  for (const { content, userIds } of list) {
    const mine = userIds.includes(me());
    const reaction = el('button', mine ? 'reaction mine' : 'reaction');
    reaction.type = 'button';
    reaction.dataset.testid = 'reaction';
    reaction.dataset.action = 'toggle-reaction';
    reaction.dataset.emoji = content;
    reaction.setAttribute('aria-pressed', String(mine));
    reaction.title = `${userIds.join(', ')}${mine ? ' (click to take yours back)' : ''}`;
    reaction.append(el('span', 'reaction-emoji', content), ' ', el('span', 'reaction-count', String(userIds.length)));
    box.append(reaction);
  }
  return box;
}

function edited(editedAt) {
  const mark = el('span', 'edited', 'edited');
  mark.dataset.testid = 'message-edited';
  mark.title = `Edited ${new Date(editedAt).toLocaleString()}`;
  return mark;
}

function actions(own, mayDelete) {
  const box = el('div', 'actions');
  for (const a of ACTIONS) {
    if ((a.own && !own) || (a.mayDelete && !mayDelete)) continue;
    const button = el('button', 'action');
    button.type = 'button';
    button.append(icon(a.icon));
    button.dataset.testid = a.testid;
    button.dataset.action = a.action;
    button.title = a.label;
    button.setAttribute('aria-label', a.label);
    box.append(button);
  }
  return box;
}
