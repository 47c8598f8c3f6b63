// OrleansChat protocol client, version 1 (shared/PROTOCOL.md). No DOM and no UI: any page can use it, and this
// module is all a page imports (chat-api.js, socket-link.js, chat-order.js and outbox.js are its parts).
//
// What it takes care of:
// - one WebSocket to /ws with the welcome, reconnecting by itself with backoff and jitter (socket-link.js);
// - per chat, message frames exactly once and in seq order; after every (re)connect one `sync` for everything
//   missed in every known chat (chat-order.js);
// - sends with client message ids and acks matched by `ref`; sends and read marks made while disconnected go out
//   after the resync; an unanswered send goes again with the same client message id (outbox.js);
// - `delivered` for the others' messages it receives, the highest seq per chat once per burst of frames (outbox.js);
// - REST calls under /api/v1 with the bearer token, and a new token when the old one is refused (chat-api.js).
//
// Events (CustomEvent, data in `detail`): status {state}, welcome, message, send-state, typing, receipt,
// presence, chat, synced, chat-lost, server-error, unauthorized.

import { ChatApi, Credentials, tokenClaims } from './chat-api.js';
import { ChatOrder } from './chat-order.js';
import { Outbox } from './outbox.js';
import { SocketLink } from './socket-link.js';

export { ChatApiError, requestDevToken, tokenClaims } from './chat-api.js';

export class ChatClient extends EventTarget {
  #credentials;
  #userId;
  #ready = false;      // welcomed, and the resync after it is answered: queued frames may go
  #nextRef = 0;
  #watched = new Set();
  #rest;
  #link;
  #order;
  #outbox;

  /**
   * @param {object} options
   * @param {string} options.baseUrl the server's origin, e.g. location.origin
   * @param {string} options.token the access token
   * @param {() => Promise<string|null>} [options.refreshToken] a new token when the server refuses the old one, or null
   */
  constructor({ baseUrl, token, refreshToken }) {
    super();
    this.#credentials = new Credentials(token, refreshToken ?? (async () => null), () => {
      this.#emit('unauthorized', {});
      this.stop();
    });
    this.#userId = tokenClaims(token)?.sub ?? null;
    this.#rest = new ChatApi(baseUrl, this.#credentials);
    this.#link = new SocketLink(baseUrl, this.#credentials, {
      nextRef: () => ++this.#nextRef,
      onFrame: data => this.#onFrame(data),
      onDrop: () => this.#onDrop(),
      probeToken: () => this.api('GET', '/me/chats').catch(() => {}),
      onState: state => this.#emit('status', { state }),
    });
    const write = frame => this.#link.write(frame);
    // Pings, sends and syncs draw on one counter, so that a ref the server echoes names exactly one frame.
    const ref = () => `r${++this.#nextRef}`;
    this.#order = new ChatOrder({
      isWelcomed: () => this.#link.isWelcomed, write, ref, emit: (type, detail) => this.#emit(type, detail),
    });
    this.#outbox = new Outbox({ isReady: () => this.#ready, write, ref, emit: detail => this.#emit('send-state', detail) });
  }

  /** `connected`, `reconnecting` or `offline`. */
  get state() { return this.#link.state; }

  get userId() { return this.#userId; }

  get token() { return this.#credentials.token; }

  start() { this.#link.start(); }

  stop() { this.#link.stop(); }

  /** Follows a chat from `heldSeq` on: messages after it are delivered, starting with a sync when connected. */
  track(chatId, heldSeq = 0) {
    if (this.#order.track(chatId, heldSeq)) this.#order.sync([chatId]);
  }

  untrack(chatId) { this.#order.forget(chatId); }

  isTracked(chatId) { return this.#order.has(chatId); }

  /** The last seq delivered for a chat (everything up to it has been). */
  heldSeq(chatId) { return this.#order.heldSeq(chatId); }

  /** Sends a message (`fields.replyTo` makes it a reply); it waits while disconnected. Returns its client message id. */
  send(chatId, content, clientMsgId = crypto.randomUUID(), fields = {}) { return this.#outbox.add(chatId, content, clientMsgId, fields); }

  /** Sends a change (PROTOCOL.md 6.1): `fields` has `kind` and `target`, and `remove` for a reaction taken back. */
  change(chatId, fields, content) { return this.#outbox.add(chatId, content, crypto.randomUUID(), fields); }

  /** Sends a failed message again, with its first client message id. */
  retry(clientMsgId) { this.#outbox.retry(clientMsgId); }

  /** Gives up a failed message. */
  discard(clientMsgId) { this.#outbox.discard(clientMsgId); }

  /** Typing is only worth sending live: while disconnected it is dropped. */
  typing(chatId, state) {
    if (this.#ready) this.#link.write({ type: 'typing', chatId, state });
  }

  /** Marks a chat read up to `seq`; while disconnected only the highest mark per chat waits. */
  read(chatId, seq) { this.#outbox.read(chatId, seq); }

  /** Asks for presence of users; the watch is renewed after each reconnect. */
  watchPresence(userIds) {
    const fresh = userIds.filter(id => !this.#watched.has(id));
    fresh.forEach(id => this.#watched.add(id));
    if (fresh.length && this.#link.isWelcomed) this.#link.write({ type: 'watch_presence', userIds: fresh });
  }

  api(method, path, body) { return this.#rest.call(method, path, body); }

  listChats() { return this.#rest.listChats(); }

  getChat(chatId) { return this.#rest.getChat(chatId); }

  createGroup(title, members) { return this.#rest.createGroup(title, members); }

  openDirect(userId) { return this.#rest.openDirect(userId); }

  /** A page of history: `{messages, hasMore}` in seq order. */
  history(chatId, range) { return this.#rest.history(chatId, range); }

  #onDrop() {
    this.#ready = false;
    this.#order.dropped();
    this.#outbox.dropped();
  }

  #onFrame(data) {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    switch (frame.type) {
      case 'welcome': return this.#onWelcome(frame);
      case 'message': return this.#order.receive(frame, message => this.#deliver(message));
      case 'ack': return this.#outbox.acked(frame, this.heldSeq(frame.chatId));
      case 'synced': return this.#onSynced(frame);
      case 'error': return this.#onError(frame);
      case 'chat': return this.#onChat(frame);
      case 'typing':
      case 'receipt':
      case 'presence':
        return this.#emit(frame.type, frame);
      default:
        return undefined; // pong, and types this client does not know
    }
  }

  #onWelcome(frame) {
    this.#userId = frame.userId;
    this.#link.welcome(frame.heartbeatSeconds);
    this.#emit('welcome', frame);
    if (this.#watched.size) this.#link.write({ type: 'watch_presence', userIds: [...this.#watched] });
    if (this.#order.resync()) this.#resynced();
  }

  /** Everything missed is in: the frames that waited for a connection go now, oldest first. */
  #resynced() {
    this.#ready = true;
    this.#link.connected();
    this.#outbox.flush();
  }

  #onSynced(frame) {
    if (this.#order.answered(frame)) this.#resynced();
  }

  /** An error that answers neither a send nor a sync is the page's to show. */
  #onError(frame) {
    if (!this.#outbox.refused(frame) && !this.#order.refused(frame)) this.#emit('server-error', frame);
  }

  #deliver(frame) {
    if (frame.senderId === this.#userId) this.#outbox.delivered(frame);
    else this.#outbox.received(frame.chatId, frame.seq);
    this.#emit('message', frame);
  }

  #onChat(frame) {
    if (frame.event === 'member_removed' && frame.userId === this.#userId) this.#order.forget(frame.chatId);
    this.#emit('chat', frame);
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
