// The server-sent-events fallback (PROTOCOL.md 10), shaped as a WebSocket so the SDK's link, order and outbox run on it
// unchanged: frames come from `GET /api/v1/events` (EventSource, token in `access_token`, since it cannot set headers),
// and each frame the SDK writes becomes its REST action, whose answer comes back as the frame a socket would answer
// with (`ack`, `error`, the `message` frames of a sync then `synced`). EventSource reconnects by itself; this one does
// not: a broken stream closes the "socket", so the SDK reconnects as after any drop and syncs what it missed (POST /sync).

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 3;

// EventSource hears an event only by its name: the frame types of PROTOCOL.md 3, 6 and 9 (`error` frames come as
// MessageEvents on the same name as the stream's own failures, and are told apart by their data).
const FRAME_TYPES = ['welcome', 'message', 'typing', 'receipt', 'presence', 'chat', 'chunk', 'error', 'ack', 'synced', 'pong'];

export class EventSocket {
  readyState = CONNECTING;
  onmessage = null;
  onclose = null;
  onerror = null;
  #source;
  #api;
  #queue = Promise.resolve();

  /**
   * @param {string} socketUrl the `/ws` address the SDK made (its `access_token` is the session's token)
   * @param {(method: string, path: string, body?: object) => Promise<any>} api a REST call under /api/v1
   */
  constructor(socketUrl, api) {
    this.#api = api;
    const url = new URL(socketUrl);
    url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
    url.pathname = url.pathname.replace(/ws$/, 'api/v1/events');
    const source = new EventSource(url);
    this.#source = source;
    source.addEventListener('open', () => { if (this.readyState === CONNECTING) this.readyState = OPEN; });
    for (const type of FRAME_TYPES) {
      source.addEventListener(type, event => {
        if (type === 'error' && typeof event.data !== 'string') this.#broken();
        else this.#deliver(event.data);
      });
    }
  }

  send(text) {
    if (this.readyState !== OPEN) return;
    const frame = JSON.parse(text);
    // One action at a time, as a socket's frames are read in order: sends keep the order they were written in.
    this.#queue = this.#queue.then(() => this.#act(frame)).catch(() => {});
  }

  close() {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    this.#source.close();
  }

  /** The stream failed (or never opened): EventSource would retry by itself, but the SDK's reconnect is the one that syncs. */
  #broken() {
    if (this.readyState === CLOSED) return;
    this.close();
    this.onclose?.({ code: 1006 });
  }

  #deliver(data) {
    if (this.readyState !== CLOSED) this.onmessage?.({ data });
  }

  #answer(frame) { this.#deliver(JSON.stringify(frame)); }

  async #act(frame) {
    const chat = frame.chatId === undefined ? '' : `/chats/${encodeURIComponent(frame.chatId)}`;
    try {
      switch (frame.type) {
        case 'send': {
          const { type, ref, chatId, ...body } = frame;
          const ack = await this.#api('POST', `${chat}/messages`, body);
          this.#answer({ ...ack, type: 'ack', ref, chatId });
          break;
        }
        case 'sync': return await this.#sync(frame);
        case 'typing': return await this.#api('POST', `${chat}/typing`, { state: frame.state });
        case 'read':
        case 'delivered':
          return await this.#api('POST', `${chat}/${frame.type}`, { seq: frame.seq });
        case 'cancel': return await this.#api('DELETE', `/jobs/${encodeURIComponent(frame.jobId)}`);
        case 'ping':
          // The stream's heartbeats are comment lines, which EventSource does not show: an open stream is alive.
          if (this.#source.readyState === OPEN) this.#answer({ type: 'pong', ref: frame.ref });
          return undefined;
        default: return undefined; // watch_presence has no REST action: a direct chat's peer is told anyway
      }
    } catch (error) {
      // A sync that failed as a whole leaves the stream with a gap: start again, as after a drop (the welcome syncs).
      if (frame.type === 'sync') return this.#broken();
      // Answered as the socket would: a refusal is an `error` with the frame's ref; no answer at all is `unavailable`.
      if (frame.ref === undefined) return undefined;
      const code = error?.code ?? (error?.status ? 'internal' : 'unavailable');
      this.#answer({ type: 'error', ref: frame.ref, chatId: frame.chatId, code, message: error?.message ?? String(error) });
    }
    return undefined;
  }

  async #sync({ ref, chats, limit }) {
    const answer = await this.#api('POST', '/sync', { chats, limit });
    const synced = [];
    for (const chat of answer.chats ?? []) {
      if (chat.error) {
        this.#answer({ type: 'error', ref, chatId: chat.chatId, code: chat.error, message: `sync refused: ${chat.error}` });
        continue;
      }
      for (const message of chat.messages ?? []) this.#answer({ ...message, type: 'message', chatId: chat.chatId });
      synced.push({ chatId: chat.chatId, lastSeq: chat.lastSeq, hasMore: chat.hasMore });
    }
    this.#answer({ type: 'synced', ref, chats: synced });
  }
}
