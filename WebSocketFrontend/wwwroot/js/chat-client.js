// OrleansChat protocol client, version 1 (shared/PROTOCOL.md). No DOM and no UI: any page can use it.
//
// What it takes care of:
// - one WebSocket to /ws (token in the access_token query), the welcome, app-level ping to notice a dead link;
// - reconnecting by itself with exponential backoff and jitter, and at once when the browser comes back online;
// - per chat, the last seq held: message frames come out of it exactly once and in seq order; a seq that
//   jumps is held back while a `sync` fetches the missing range; after every (re)connect one `sync` asks
//   for everything missed in every known chat;
// - sends with client message ids (crypto.randomUUID), acks matched by `ref`; sends and read marks made
//   while disconnected wait and go out after the resync; an unacknowledged send is sent again with the
//   same client message id (the server answers a repeat with the first ack and delivers nothing new);
// - REST calls under /api/v1 with the bearer token, and a new token when the old one is refused.
//
// Events (CustomEvent, data in `detail`): status {state}, welcome, message, send-state, typing, receipt,
// presence, chat, synced, chat-lost, server-error, unauthorized.

const SYNC_LIMIT = 200;
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 30000;
const RETRYABLE = new Set(['rate_limited', 'unavailable', 'internal']);

/** An answer of the REST API that is not a success, with PROTOCOL.md's code. */
export class ChatApiError extends Error {
  constructor(status, code, message) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
  }
}

/** Reads the claims of a JWT without checking it (the server checks): `sub` is the user id, `exp` the expiry. */
export function tokenClaims(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = decodeURIComponent(Array.from(atob(part), c => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')).join(''));
    return JSON.parse(json);
  } catch {
    return null;
  }
}

/** Asks the development token endpoint for a token; a 404 means development tokens are off on this server. */
export async function requestDevToken(baseUrl, userId, displayName) {
  const response = await fetch(new URL('/api/v1/auth/dev-token', baseUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ userId, displayName: displayName || userId }),
  });
  if (!response.ok) {
    throw await problemOf(response);
  }
  return response.json();
}

async function problemOf(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // not JSON: the status says enough
  }
  return new ChatApiError(response.status, body?.code, body?.detail || body?.title);
}

export class ChatClient extends EventTarget {
  #baseUrl;
  #token;
  #refreshToken;
  #socket = null;
  #state = 'offline';
  #attempt = 0;
  #failedHandshakes = 0;
  #reconnectTimer = null;
  #heartbeatTimer = null;
  #lastFrameAt = 0;
  #heartbeatMs = 25000;
  #started = false;
  #welcomed = false;   // the socket is open and the server said welcome
  #ready = false;      // ... and the resync after it is answered: queued frames may go
  #resyncRef = null;
  #nextRef = 0;
  #userId = null;
  #chats = new Map();  // chatId -> { heldSeq, held: Map<seq, frame>, syncing }
  #sends = new Map();  // clientMsgId -> { chatId, content, status, ref, error }
  #refs = new Map();   // ref -> { kind: 'send', clientMsgId } | { kind: 'sync', chatIds }
  #reads = new Map();  // chatId -> seq, waiting for a connection
  #watched = new Set();
  #onOnline = () => this.#online();
  #onOffline = () => this.#offline();

  /**
   * @param {object} options
   * @param {string} options.baseUrl the server's origin, e.g. location.origin
   * @param {string} options.token the access token
   * @param {() => Promise<string|null>} [options.refreshToken] a new token when the server refuses the old one, or null
   */
  constructor({ baseUrl, token, refreshToken }) {
    super();
    this.#baseUrl = baseUrl;
    this.#token = token;
    this.#refreshToken = refreshToken ?? (async () => null);
    this.#userId = tokenClaims(token)?.sub ?? null;
  }

  /** `connected`, `reconnecting` or `offline`. */
  get state() { return this.#state; }

  get userId() { return this.#userId; }

  get token() { return this.#token; }

  // ---- lifecycle -------------------------------------------------------------------------------------

  start() {
    if (this.#started) return;
    this.#started = true;
    window.addEventListener('online', this.#onOnline);
    window.addEventListener('offline', this.#onOffline);
    this.#connect();
  }

  stop() {
    this.#started = false;
    window.removeEventListener('online', this.#onOnline);
    window.removeEventListener('offline', this.#onOffline);
    clearTimeout(this.#reconnectTimer);
    this.#dropSocket();
    this.#setState('offline');
  }

  // ---- chats the client keeps in order ---------------------------------------------------------------

  /** Follows a chat from `heldSeq` on: messages after it are delivered, starting with a sync when connected. */
  track(chatId, heldSeq = 0) {
    if (this.#chats.has(chatId)) return;
    this.#chats.set(chatId, { heldSeq, held: new Map(), syncing: false });
    this.#requestSync([chatId]);
  }

  untrack(chatId) {
    this.#chats.delete(chatId);
  }

  isTracked(chatId) { return this.#chats.has(chatId); }

  /** The last seq delivered for a chat (everything up to it has been). */
  heldSeq(chatId) { return this.#chats.get(chatId)?.heldSeq ?? 0; }

  // ---- client frames ---------------------------------------------------------------------------------

  /** Sends a message; it waits while disconnected. Returns its client message id. */
  send(chatId, content, clientMsgId = crypto.randomUUID()) {
    const entry = { chatId, clientMsgId, content, status: 'pending', ref: null, error: null };
    this.#sends.set(clientMsgId, entry);
    this.#emitSend(entry);
    if (this.#ready) this.#transmit(entry);
    return clientMsgId;
  }

  /** Sends a failed message again, with its first client message id. */
  retry(clientMsgId) {
    const entry = this.#sends.get(clientMsgId);
    if (!entry || entry.status !== 'failed') return;
    entry.status = 'pending';
    entry.error = null;
    this.#emitSend(entry);
    if (this.#ready) this.#transmit(entry);
  }

  /** Gives up a failed message. */
  discard(clientMsgId) {
    this.#sends.delete(clientMsgId);
  }

  /** Typing is only worth sending live: while disconnected it is dropped. */
  typing(chatId, state) {
    if (this.#ready) this.#write({ type: 'typing', chatId, state });
  }

  /** Marks a chat read up to `seq`; while disconnected only the highest mark per chat waits. */
  read(chatId, seq) {
    if (this.#ready) {
      this.#write({ type: 'read', chatId, seq });
    } else {
      this.#reads.set(chatId, Math.max(seq, this.#reads.get(chatId) ?? 0));
    }
  }

  /** Asks for presence of users; the watch is renewed after each reconnect. */
  watchPresence(userIds) {
    const fresh = userIds.filter(id => !this.#watched.has(id));
    fresh.forEach(id => this.#watched.add(id));
    if (fresh.length && this.#welcomed) this.#write({ type: 'watch_presence', userIds: fresh });
  }

  // ---- REST ------------------------------------------------------------------------------------------

  async api(method, path, body) {
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(new URL(`/api/v1${path}`, this.#baseUrl), {
        method,
        headers: {
          Authorization: `Bearer ${this.#token}`,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (response.status === 401 && attempt === 0 && await this.#renewToken()) continue;
      if (!response.ok) throw await problemOf(response);
      return response.status === 204 ? null : response.json();
    }
  }

  listChats() { return this.api('GET', '/me/chats').then(r => r.chats); }

  getChat(chatId) { return this.api('GET', `/chats/${encodeURIComponent(chatId)}`); }

  createGroup(title, members) { return this.api('POST', '/chats', { title, members }); }

  openDirect(userId) { return this.api('POST', '/chats/direct', { userId }); }

  /** A page of history: `{messages, hasMore}` in seq order. */
  history(chatId, { beforeSeq, afterSeq, limit = 50 } = {}) {
    const query = new URLSearchParams({ limit: String(limit) });
    if (beforeSeq !== undefined) query.set('beforeSeq', String(beforeSeq));
    if (afterSeq !== undefined) query.set('afterSeq', String(afterSeq));
    return this.api('GET', `/chats/${encodeURIComponent(chatId)}/messages?${query}`);
  }

  // ---- connection --------------------------------------------------------------------------------------

  async #connect() {
    clearTimeout(this.#reconnectTimer);
    if (!this.#started || this.#socket) return;
    if (!navigator.onLine) {
      this.#setState('offline');
      return;
    }
    this.#setState('reconnecting');

    // A token past its expiry would only be refused: get a new one first.
    const exp = tokenClaims(this.#token)?.exp;
    if (exp && exp * 1000 < Date.now() + 5000 && !(await this.#renewToken())) return;
    if (!this.#started || this.#socket) return;

    const url = new URL('/ws', this.#baseUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('access_token', this.#token);
    let socket;
    try {
      socket = new WebSocket(url);
    } catch {
      this.#scheduleReconnect();
      return;
    }
    this.#socket = socket;
    socket.onmessage = event => this.#onFrame(event.data);
    socket.onclose = event => this.#onClose(socket, event.code);
  }

  #onClose(socket, code) {
    if (socket !== this.#socket) return;
    const welcomed = this.#welcomed;
    this.#dropSocket();
    if (!this.#started) return;
    if (code === 1008) {
      // The token expired: renew it, then reconnect.
      this.#renewToken().then(ok => { if (ok) this.#connect(); });
      return;
    }
    // A refused handshake (401) looks like any failed connection to a browser. A server restarted with a
    // new signing key refuses the old token forever: every third failure, ask REST, which renews on 401.
    this.#failedHandshakes = welcomed ? 0 : this.#failedHandshakes + 1;
    if (this.#failedHandshakes % 3 === 2) this.api('GET', '/me/chats').catch(() => {});
    this.#scheduleReconnect();
  }

  #dropSocket() {
    const socket = this.#socket;
    this.#socket = null;
    this.#welcomed = false;
    this.#ready = false;
    this.#resyncRef = null;
    clearInterval(this.#heartbeatTimer);
    for (const chat of this.#chats.values()) chat.syncing = false;
    // A send in flight has no answer now; it goes again, with the same id, after the resync.
    for (const [ref, waiting] of this.#refs) {
      if (waiting.kind === 'send') {
        const entry = this.#sends.get(waiting.clientMsgId);
        if (entry) entry.ref = null;
      }
      this.#refs.delete(ref);
    }
    if (socket) {
      socket.onmessage = null;
      socket.onclose = null;
      try { socket.close(); } catch { /* already closed */ }
    }
  }

  #scheduleReconnect() {
    if (!navigator.onLine) {
      this.#setState('offline');
      return;
    }
    this.#setState('reconnecting');
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** this.#attempt);
    this.#attempt = Math.min(this.#attempt + 1, 16);
    const delay = ceiling / 2 + Math.random() * ceiling / 2;
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = setTimeout(() => this.#connect(), delay);
  }

  #online() {
    if (!this.#started) return;
    this.#attempt = 0;
    if (!this.#socket) this.#connect();
  }

  #offline() {
    if (!this.#started) return;
    // A socket may outlive the network for minutes: give it up now and wait for 'online'.
    clearTimeout(this.#reconnectTimer);
    this.#dropSocket();
    this.#setState('offline');
  }

  async #renewToken() {
    let token = null;
    try {
      token = await this.#refreshToken();
    } catch {
      token = null;
    }
    if (!token) {
      this.#emit('unauthorized', {});
      this.stop();
      return false;
    }
    this.#token = token;
    return true;
  }

  #setState(state) {
    if (this.#state === state) return;
    this.#state = state;
    this.#emit('status', { state });
  }

  #write(frame) {
    if (this.#socket?.readyState !== WebSocket.OPEN) return false;
    this.#socket.send(JSON.stringify(frame));
    return true;
  }

  #ref(waiting) {
    const ref = `r${++this.#nextRef}`;
    this.#refs.set(ref, waiting);
    return ref;
  }

  // ---- server frames -----------------------------------------------------------------------------------

  #onFrame(data) {
    this.#lastFrameAt = Date.now();
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    switch (frame.type) {
      case 'welcome': return this.#onWelcome(frame);
      case 'message': return this.#onMessage(frame);
      case 'ack': return this.#onAck(frame);
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
    this.#attempt = 0;
    this.#userId = frame.userId;
    this.#welcomed = true;
    this.#heartbeatMs = Math.max(5, frame.heartbeatSeconds || 25) * 1000;
    clearInterval(this.#heartbeatTimer);
    this.#heartbeatTimer = setInterval(() => this.#heartbeat(), this.#heartbeatMs);
    this.#emit('welcome', frame);

    if (this.#watched.size) this.#write({ type: 'watch_presence', userIds: [...this.#watched] });
    const chatIds = [...this.#chats.keys()];
    if (chatIds.length === 0) {
      this.#resynced();
      return;
    }
    this.#resyncRef = this.#requestSync(chatIds);
  }

  #heartbeat() {
    // No frame for two intervals (not even the pong to the last ping): the link is dead.
    if (Date.now() - this.#lastFrameAt > 2 * this.#heartbeatMs) {
      this.#dropSocket();
      this.#scheduleReconnect();
      return;
    }
    this.#write({ type: 'ping', ref: `p${++this.#nextRef}` });
  }

  /** Asks for what follows the held seq of each chat not already being synced; returns the ref, if any. */
  #requestSync(chatIds) {
    if (!this.#welcomed) return null;
    const chats = chatIds
      .map(chatId => [chatId, this.#chats.get(chatId)])
      .filter(([, chat]) => chat && !chat.syncing)
      .map(([chatId, chat]) => {
        chat.syncing = true;
        return { chatId, afterSeq: chat.heldSeq };
      });
    if (chats.length === 0) return null;
    const ref = this.#ref({ kind: 'sync', chatIds: chats.map(c => c.chatId) });
    this.#write({ type: 'sync', ref, chats, limit: SYNC_LIMIT });
    return ref;
  }

  #onMessage(frame) {
    let chat = this.#chats.get(frame.chatId);
    if (!chat) {
      // A chat nobody told us about yet (its `chat` event raced the message): follow it from here.
      chat = { heldSeq: frame.seq - 1, held: new Map(), syncing: false };
      this.#chats.set(frame.chatId, chat);
      this.#emit('chat-unknown', { chatId: frame.chatId });
    }
    if (frame.seq <= chat.heldSeq) return; // already delivered: never twice
    if (frame.seq > chat.heldSeq + 1) {
      // A gap: hold this one back and fetch what is missing.
      chat.held.set(frame.seq, frame);
      this.#requestSync([frame.chatId]);
      return;
    }
    this.#deliver(chat, frame);
    while (chat.held.has(chat.heldSeq + 1)) {
      const next = chat.held.get(chat.heldSeq + 1);
      chat.held.delete(next.seq);
      this.#deliver(chat, next);
    }
    for (const seq of chat.held.keys()) {
      if (seq <= chat.heldSeq) chat.held.delete(seq);
    }
  }

  #deliver(chat, frame) {
    chat.heldSeq = frame.seq;
    if (frame.senderId === this.#userId && this.#sends.has(frame.clientMsgId)) {
      const entry = this.#sends.get(frame.clientMsgId);
      if (entry.chatId === frame.chatId) this.#sends.delete(frame.clientMsgId);
    }
    this.#emit('message', frame);
  }

  #onSynced(frame) {
    const waiting = frame.ref ? this.#refs.get(frame.ref) : null;
    if (frame.ref) this.#refs.delete(frame.ref);
    const again = [];
    for (const { chatId, lastSeq, hasMore } of frame.chats ?? []) {
      const chat = this.#chats.get(chatId);
      if (!chat) continue;
      chat.syncing = false;
      if (hasMore || chat.held.size > 0 || lastSeq > chat.heldSeq) again.push(chatId);
    }
    // Chats the server did not answer (an error came for them) are no longer being synced either.
    for (const chatId of waiting?.chatIds ?? []) {
      const chat = this.#chats.get(chatId);
      if (chat) chat.syncing = false;
    }
    this.#emit('synced', frame);
    if (again.length) this.#requestSync(again);
    if (frame.ref && frame.ref === this.#resyncRef) this.#resynced();
  }

  /** Everything missed is in: the frames that waited for a connection go now, oldest first. */
  #resynced() {
    this.#resyncRef = null;
    this.#ready = true;
    this.#setState('connected');
    for (const [chatId, seq] of this.#reads) this.#write({ type: 'read', chatId, seq });
    this.#reads.clear();
    for (const entry of this.#sends.values()) {
      if (entry.status === 'pending' && entry.ref === null) this.#transmit(entry);
    }
  }

  #transmit(entry) {
    entry.ref = this.#ref({ kind: 'send', clientMsgId: entry.clientMsgId });
    if (!this.#write({ type: 'send', ref: entry.ref, chatId: entry.chatId, clientMsgId: entry.clientMsgId, content: entry.content })) {
      this.#refs.delete(entry.ref);
      entry.ref = null;
    }
  }

  #onAck(frame) {
    const waiting = this.#refs.get(frame.ref);
    if (waiting) this.#refs.delete(frame.ref);
    const entry = this.#sends.get(frame.clientMsgId);
    if (entry) {
      entry.status = 'sent';
      entry.ref = null;
      this.#emitSend({ ...entry, seq: frame.seq, messageId: frame.messageId, sentAt: frame.sentAt });
      // The message frame itself (to this connection too) is what delivers it; if it already came, we are done.
      if (this.heldSeq(frame.chatId) >= frame.seq) this.#sends.delete(frame.clientMsgId);
    }
  }

  #onError(frame) {
    const waiting = frame.ref ? this.#refs.get(frame.ref) : null;
    // A sync's ref stays until its `synced`, which answers the chats that had no error.
    if (frame.ref && waiting?.kind !== 'sync') this.#refs.delete(frame.ref);
    if (waiting?.kind === 'send') {
      const entry = this.#sends.get(waiting.clientMsgId);
      if (!entry) return;
      entry.ref = null;
      if (frame.code === 'rate_limited') {
        // Wait as told, then go again by itself.
        setTimeout(() => { if (entry.status === 'pending' && entry.ref === null && this.#ready) this.#transmit(entry); }, frame.retryAfterMs ?? 1000);
        return;
      }
      entry.status = 'failed';
      entry.error = { code: frame.code, message: frame.message, retryable: RETRYABLE.has(frame.code) };
      this.#emitSend(entry);
      return;
    }
    if (waiting?.kind === 'sync' && frame.chatId && (frame.code === 'forbidden' || frame.code === 'not_found')) {
      // No longer a member: stop following the chat.
      this.#chats.delete(frame.chatId);
      this.#emit('chat-lost', { chatId: frame.chatId });
      return;
    }
    this.#emit('server-error', frame);
  }

  #onChat(frame) {
    if (frame.event === 'member_removed' && frame.userId === this.#userId) {
      this.#chats.delete(frame.chatId);
    }
    this.#emit('chat', frame);
  }

  #emitSend(entry) {
    this.#emit('send-state', {
      chatId: entry.chatId,
      clientMsgId: entry.clientMsgId,
      content: entry.content,
      status: entry.status,
      error: entry.error,
      seq: entry.seq,
      sentAt: entry.sentAt,
    });
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
