// The page's protocol client: the SDK's ChatClient (/lib/orleanschat-client, built from clients/js) does the protocol
// (PROTOCOL.md version 1: the socket, reconnects with backoff, pings, per-chat order and syncs, sends acknowledged
// once with their client message ids, `delivered` marks). What is added here is what only a page needs: the status
// words the page shows, a send's state for the message list (pending, sent, failed, with retry and discard), the
// chats the page follows, and REST calls under /api/v1 with a new token when the old one is refused (chat-api.js). The
// SDK also chooses the transport: a WebSocket, or server-sent events with REST actions when no WebSocket opens.
//
// Events (CustomEvent, data in `detail`): status {state}, welcome, message, send-state, typing, receipt, presence,
// chat, synced, reply (an assistant reply so far) and job {chatId, jobId} (PROTOCOL.md 9), chat-unknown, chat-lost,
// server-error, unauthorized.

import { ChatClient as ProtocolClient } from '/lib/orleanschat-client/index.js';
import { ChatApi, Credentials, tokenClaims } from './chat-api.js';
import { SendStates } from './send-states.js';

export { ChatApiError, requestDevToken, tokenClaims } from './chat-api.js';

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30000;

export class ChatClient extends EventTarget {
  #credentials;
  #userId;
  #rest;
  #protocol;
  #tracked = new Set();
  #sends;
  #state = 'reconnecting';
  #started = false;
  #retryMs = FIRST_RETRY_MS;
  #retryTimer;
  #expired = false;   // the server said the token expired: renew it before the next socket
  #handshakes = 0;    // connections asked for since the last welcome

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
    this.#protocol = new ProtocolClient({ url: baseUrl, token: () => this.#socketToken(), transport: 'auto' });
    this.#protocol.on('welcome', welcome => {
      this.#userId = welcome.userId;
      this.#handshakes = 0;
    });
    this.#sends = new SendStates(this.#protocol, detail => this.#emit('send-state', detail));
    const forward = type => this.#protocol.on(type, detail => this.#emit(type, detail));
    ['welcome', 'typing', 'receipt', 'presence', 'synced', 'reply'].forEach(forward);
    this.#protocol.on('state', state => this.#setState(state === 'connecting' ? 'reconnecting' : state));
    this.#protocol.on('message', message => this.#onMessage(message));
    this.#protocol.on('chat', frame => this.#onChat(frame));
    this.#protocol.on('error', frame => this.#onError(frame));
    this.#protocol.on('frame', f => f.type === 'ack' && f.jobId && this.#emit('job', { chatId: f.chatId, jobId: f.jobId }));
  }

  get transport() { return this.#protocol.transport; } // `websocket` or `sse` (the one being tried while connecting)

  /** `connected`, `reconnecting` or `offline`. */
  get state() { return this.#state; }

  get userId() { return this.#userId; }
  get token() { return this.#credentials.token; }

  /** Asks for a new token after the server refused this one (an upload's 401); false, after `unauthorized`, if none. */
  renewToken() { return this.#credentials.renew(); }

  start() {
    this.#started = true;
    this.#connect();
  }

  stop() {
    this.#started = false;
    clearTimeout(this.#retryTimer);
    this.#protocol.close();
  }

  /** Follows a chat from `heldSeq` on: what comes after it is delivered (a sync when connected). */
  track(chatId, heldSeq = 0) {
    this.#tracked.add(chatId);
    this.#protocol.track(chatId, heldSeq);
  }

  untrack(chatId) { this.#tracked.delete(chatId); }
  isTracked(chatId) { return this.#tracked.has(chatId); }

  /** The last seq delivered for a chat (everything up to it has been). */
  heldSeq(chatId) { return this.#protocol.lastSeq(chatId); }

  /** Sends a message (`fields.replyTo` makes it a reply), waiting while disconnected; returns its client message id. */
  send(chatId, content, clientMsgId = crypto.randomUUID(), fields = {}) {
    return this.#sends.add(chatId, content, clientMsgId, fields);
  }

  /** Sends a change (PROTOCOL.md 6.1): `fields` has `kind` and `target`, and `remove` for a reaction taken back. */
  change(chatId, fields, content) { return this.send(chatId, content, crypto.randomUUID(), fields); }

  /** Sends a failed message again, with its first client message id. */
  retry(clientMsgId) { this.#sends.retry(clientMsgId); }

  /** Gives up a failed message. */
  discard(clientMsgId) { this.#sends.discard(clientMsgId); }

  /** Typing is only worth sending live: while disconnected it is dropped. */
  typing(chatId, state) { this.#protocol.typing(chatId, state); }

  /** Marks a chat read up to `seq`; while disconnected only the highest mark per chat waits. */
  read(chatId, seq) { this.#protocol.read(chatId, seq); }

  /** Asks for presence of users; the watch is renewed after each reconnect. */
  watchPresence(userIds) { this.#protocol.watchPresence(userIds); }
  /** Stops an assistant reply (PROTOCOL.md 9): the `cancel` frame, its REST action on server-sent events. */
  cancel(jobId) { return this.#protocol.cancel(jobId); }

  // REST under /api/v1 (chat-api.js), with the token renewed when it is refused.
  api(method, path, body) { return this.#rest.call(method, path, body); }
  listChats() { return this.#rest.listChats(); }
  getChat(chatId) { return this.#rest.getChat(chatId); }
  createGroup(title, members) { return this.#rest.createGroup(title, members); }
  openDirect(userId) { return this.#rest.openDirect(userId); }
  /** A page of history: `{messages, hasMore}` in seq order. */
  history(chatId, range) { return this.#rest.history(chatId, range); }
  /** PROTOCOL.md 8: `{results, next}`. */
  search(q, options) { return this.#rest.search(q, options); }

  /**
   * The SDK gives up when its first connection fails on both transports (later drops it retries by itself); the page
   * keeps trying.
   */
  #connect() {
    if (!this.#started) return;
    this.#protocol.connect().then(() => { this.#retryMs = FIRST_RETRY_MS; }, async error => {
      if (!this.#started || error?.code === 'closed') return;
      this.#setState(navigator.onLine === false ? 'offline' : 'reconnecting');
      const delay = this.#retryMs * (0.5 + Math.random() / 2);
      this.#retryMs = Math.min(MAX_RETRY_MS, this.#retryMs * 2);
      this.#retryTimer = setTimeout(() => this.#connect(), delay);
    });
  }

  /**
   * A refused handshake (401) looks like any failed connection to a browser, and a server restarted with a new signing
   * key refuses the old token forever: every third connection, ask REST, which renews a refused token (or ends the
   * session). The SDK asks for a token for each connection (and for its own REST calls, which the page does not use).
   */
  async #socketToken() {
    if (this.#expired) {
      this.#expired = false;
      await this.#credentials.renew();
    } else if (this.#handshakes++ % 3 === 2) {
      await this.api('GET', '/me/chats').catch(() => {});
    }
    return this.#credentials.token;
  }

  #onMessage(message) {
    if (!this.#tracked.has(message.chatId)) {
      // A chat nobody told us about yet (its `chat` event raced the message): the page fetches it.
      this.#tracked.add(message.chatId);
      this.#emit('chat-unknown', { chatId: message.chatId });
    }
    if (message.senderId === this.#userId) this.#sends.delivered(message);
    this.#emit('message', message);
  }

  #onChat(frame) {
    if (frame.event === 'member_removed' && frame.userId === this.#userId) this.#tracked.delete(frame.chatId);
    this.#emit('chat', frame);
  }

  /** A sync refused for a chat means this user follows it no more; any other error is the page's to show. */
  #onError(frame) {
    if (frame.code === 'unauthorized') this.#expired = true;
    if (frame.ref && frame.chatId && (frame.code === 'forbidden' || frame.code === 'not_found')) {
      this.#tracked.delete(frame.chatId);
      this.#emit('chat-lost', { chatId: frame.chatId });
    } else {
      this.#emit('server-error', frame);
    }
  }

  #setState(state) {
    if (state === this.#state) return;
    this.#state = state;
    this.#emit('status', { state });
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
