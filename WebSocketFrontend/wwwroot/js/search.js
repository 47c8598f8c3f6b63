// The search box (PROTOCOL.md 8): what is typed is searched after a pause, a search overtaken by the next keystroke
// is cancelled, and the results (newest first) stand in for the chat list until the box is emptied. A result opens
// its chat at the message found.

import { $, el, reasonOf } from './dom.js';
import { state, chats, titleOf } from './state.js';

const DEBOUNCE_MS = 250;
const MAX_QUERY = 200;
const SNIPPET_BEFORE = 40;  // characters shown before the first word found
const SNIPPET_LENGTH = 160;
const WORD = /[\p{L}\p{N}]+/gu; // as the server splits words: anything else separates them

let timer = null;
let running = null; // { controller, query } of the search in flight
let shown = { query: '', next: undefined };

/** `openAt(chatId, seq)` opens a chat at one message: the conversation's business. */
export function wireSearch(openAt) {
  const input = $('search-input');
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => search(input.value.trim()), DEBOUNCE_MS);
  });
  input.addEventListener('keydown', event => {
    if (event.key === 'Escape' && input.value) {
      event.stopPropagation();
      clearSearch();
    }
  });
  $('search-results').addEventListener('click', event => {
    const result = event.target.closest('[data-testid="search-result"]');
    if (result) openAt(result.dataset.chatId, Number(result.dataset.seq));
  });
  $('search-more').addEventListener('click', () => search(shown.query, shown.next));
}

/** Empties the box and brings the chat list back (also on sign-out). */
export function clearSearch() {
  clearTimeout(timer);
  running?.controller.abort();
  running = null;
  $('search-input').value = '';
  show(false);
}

async function search(query, before) {
  running?.controller.abort();
  running = null;
  if (query === '') {
    show(false);
    return;
  }
  if ([...query].length > MAX_QUERY) {
    showStatus(`Search for at most ${MAX_QUERY} characters.`);
    return;
  }
  show(true);
  const controller = new AbortController();
  running = { controller, query };
  if (before === undefined) showStatus('Searching…', true);
  let page;
  try {
    page = await state.client.search(query, { before, signal: controller.signal });
  } catch (error) {
    if (controller.signal.aborted) return; // overtaken by a newer search
    running = null;
    showStatus(`Search failed: ${reasonOf(error)}`);
    return;
  }
  if (running?.controller !== controller) return;
  running = null;
  const words = wordsOf(query);
  const items = page.results.map(result => buildResult(result, words));
  if (before === undefined) $('search-results').replaceChildren(...items);
  else $('search-results').append(...items);
  shown = { query, next: page.next };
  $('search-more').hidden = !page.next;
  const none = $('search-results').children.length === 0;
  showStatus(none ? 'No results' : '', false, none);
}

function show(searching) {
  $('search-panel').hidden = !searching;
  $('chat-list').hidden = searching;
  if (searching) $('chat-list-empty').hidden = true;
  else {
    $('search-results').replaceChildren();
    $('search-more').hidden = true;
    $('chat-list-empty').hidden = chats.size > 0;
  }
}

function showStatus(text, busy = false, empty = false) {
  const status = $('search-status');
  status.textContent = text;
  status.hidden = text === '';
  status.dataset.state = busy ? 'busy' : empty ? 'empty' : 'error';
  if (busy) {
    $('search-results').replaceChildren();
    $('search-more').hidden = true;
  }
}

function buildResult(result, words) {
  const item = el('li', 'search-row');
  const button = el('button', 'search-result');
  button.type = 'button';
  button.dataset.testid = 'search-result';
  button.dataset.chatId = result.chatId;
  button.dataset.seq = String(result.seq);
  const chat = chats.get(result.chatId);
  const top = el('span', 'search-result-top');
  const time = el('time', 'search-result-time', new Date(result.sentAt).toLocaleDateString([], { month: 'short', day: 'numeric' }));
  time.dateTime = result.sentAt;
  time.title = new Date(result.sentAt).toLocaleString();
  top.append(el('span', 'search-result-title', chat ? titleOf(chat) : result.chatId), time);
  const snippet = el('span', 'search-result-snippet');
  snippet.append(el('span', 'search-result-sender', `${result.senderId}: `), ...highlighted(result.content, words));
  button.append(top, snippet);
  item.append(button);
  return item;
}

/** The query's words in lowercase; the last one also matches as a prefix, as the server finds it. */
function wordsOf(query) {
  return (query.toLowerCase().match(WORD) ?? []);
}

/** The content around its first word found, as text nodes with each word found in a <mark>. */
function highlighted(content, words) {
  const matches = [];
  for (const match of content.matchAll(WORD)) {
    const word = match[0].toLowerCase();
    const found = words.some((w, i) => word === w || (i === words.length - 1 && word.startsWith(w)));
    if (found) matches.push({ start: match.index, end: match.index + match[0].length });
  }
  const from = matches.length && matches[0].start > SNIPPET_BEFORE ? matches[0].start - SNIPPET_BEFORE : 0;
  const to = Math.min(content.length, from + SNIPPET_LENGTH);
  const parts = from > 0 ? ['…'] : [];
  let at = from;
  for (const { start, end } of matches) {
    if (start < from || end > to) continue;
    parts.push(content.slice(at, start), el('mark', 'search-hit', content.slice(start, end)));
    at = end;
  }
  parts.push(content.slice(at, to));
  if (to < content.length) parts.push('…');
  return parts.filter(p => p !== '');
}
