// One WebSocket to /ws at a time (token in the access_token query): app-level pings notice a dead link, and the
// next socket opens by itself with exponential backoff and jitter, or at once when the browser comes back online.

import { tokenClaims } from './chat-api.js';

const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 30000;

/**
 * `credentials`: the token (chat-api.js). `hooks`: nextRef(), onFrame(data), onDrop() (the socket is gone),
 * probeToken() (a REST call, which renews a refused token), onState(state).
 */
export class SocketLink {
  #baseUrl;
  #credentials;
  #hooks;
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
  #onOnline = () => this.#online();
  #onOffline = () => this.#offline();

  constructor(baseUrl, credentials, hooks) {
    this.#baseUrl = baseUrl;
    this.#credentials = credentials;
    this.#hooks = hooks;
  }

  /** `connected`, `reconnecting` or `offline`. */
  get state() { return this.#state; }

  get isWelcomed() { return this.#welcomed; }

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
    this.#drop();
    this.#setState('offline');
  }

  /** The server said welcome: the backoff starts over and the heartbeat runs at the server's pace. */
  welcome(heartbeatSeconds) {
    this.#attempt = 0;
    this.#welcomed = true;
    this.#heartbeatMs = Math.max(5, heartbeatSeconds || 25) * 1000;
    clearInterval(this.#heartbeatTimer);
    this.#heartbeatTimer = setInterval(() => this.#heartbeat(), this.#heartbeatMs);
  }

  /** Everything missed is in: the client calls itself connected only now. */
  connected() {
    this.#setState('connected');
  }

  write(frame) {
    if (this.#socket?.readyState !== WebSocket.OPEN) return false;
    this.#socket.send(JSON.stringify(frame));
    return true;
  }

  async #connect() {
    clearTimeout(this.#reconnectTimer);
    if (!this.#started || this.#socket) return;
    if (!navigator.onLine) {
      this.#setState('offline');
      return;
    }
    this.#setState('reconnecting');

    // A token past its expiry would only be refused: get a new one first.
    const exp = tokenClaims(this.#credentials.token)?.exp;
    if (exp && exp * 1000 < Date.now() + 5000 && !(await this.#credentials.renew())) return;
    if (!this.#started || this.#socket) return;

    const url = new URL('/ws', this.#baseUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('access_token', this.#credentials.token);
    let socket;
    try {
      socket = new WebSocket(url);
    } catch {
      this.#scheduleReconnect();
      return;
    }
    this.#socket = socket;
    socket.onmessage = event => {
      this.#lastFrameAt = Date.now();
      this.#hooks.onFrame(event.data);
    };
    socket.onclose = event => this.#onClose(socket, event.code);
  }

  #onClose(socket, code) {
    if (socket !== this.#socket) return;
    const welcomed = this.#welcomed;
    this.#drop();
    if (!this.#started) return;
    if (code === 1008) {
      // The token expired: renew it, then reconnect.
      this.#credentials.renew().then(ok => { if (ok) this.#connect(); });
      return;
    }
    // A refused handshake (401) looks like any failed connection to a browser. A server restarted with a
    // new signing key refuses the old token forever: every third failure, ask REST, which renews on 401.
    this.#failedHandshakes = welcomed ? 0 : this.#failedHandshakes + 1;
    if (this.#failedHandshakes % 3 === 2) this.#hooks.probeToken();
    this.#scheduleReconnect();
  }

  #drop() {
    const socket = this.#socket;
    this.#socket = null;
    this.#welcomed = false;
    clearInterval(this.#heartbeatTimer);
    this.#hooks.onDrop();
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
    this.#drop();
    this.#setState('offline');
  }

  #heartbeat() {
    // No frame for two intervals (not even the pong to the last ping): the link is dead.
    if (Date.now() - this.#lastFrameAt > 2 * this.#heartbeatMs) {
      this.#drop();
      this.#scheduleReconnect();
      return;
    }
    this.write({ type: 'ping', ref: `p${this.#hooks.nextRef()}` });
  }

  #setState(state) {
    if (this.#state === state) return;
    this.#state = state;
    this.#hooks.onState(state);
  }
}
