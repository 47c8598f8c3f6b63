// One connection at a time (a WebSocket to /ws, or events shaped as one: transport.ts), with a token asked for each.
// It is "connected" from the welcome on, pings at the server's heartbeat pace, gives up a connection silent for two
// beats, and after a drop opens the next by itself with exponential backoff and jitter.
import { ChatError } from './errors.js';
const OPEN = 1;
export class SocketLink {
    #options;
    #hooks;
    #socket = null;
    #welcomed = false;
    #started = false;
    #everWelcomed = false;
    #attempt = 0;
    #reconnectTimer;
    #heartbeatTimer;
    #lastFrameAt = 0;
    #nextPing = 0;
    #first = null;
    #onNetwork = (event) => (event?.type === 'offline' ? this.#offline() : this.#online());
    constructor(options, hooks) {
        this.#options = options;
        this.#hooks = hooks;
    }
    get welcomed() { return this.#welcomed; }
    /** Opens the first connection: resolves on its welcome, rejects when it fails (later drops are retried). */
    start() {
        if (this.#started)
            return Promise.reject(new ChatError('bad_request', 'connect() was called already'));
        this.#started = true;
        for (const type of ['online', 'offline'])
            globalThis.addEventListener?.(type, this.#onNetwork);
        const first = new Promise((resolve, reject) => { this.#first = { resolve, reject }; });
        void this.#open();
        return first;
    }
    stop() {
        if (!this.#started)
            return;
        this.#started = false;
        for (const type of ['online', 'offline'])
            globalThis.removeEventListener?.(type, this.#onNetwork);
        clearTimeout(this.#reconnectTimer);
        this.#drop(1000);
        this.#fail(new ChatError('closed', 'the client was closed'));
        this.#hooks.state('offline');
    }
    /** Writes a frame on the open socket; false when there is none. */
    write(frame) {
        const socket = this.#socket;
        if (!socket || socket.readyState !== OPEN)
            return false;
        socket.send(JSON.stringify(frame));
        return true;
    }
    async #open() {
        if (!this.#started || this.#socket)
            return;
        this.#hooks.state('connecting');
        let socket;
        try {
            const token = await this.#options.token();
            if (!this.#started || this.#socket)
                return;
            socket = this.#options.open(socketUrl(this.#options.url, token));
        }
        catch (error) {
            this.#failed(error instanceof Error ? error : new Error(String(error)), false);
            return;
        }
        this.#socket = socket;
        socket.onmessage = event => {
            if (socket !== this.#socket)
                return;
            this.#lastFrameAt = Date.now();
            this.#receive(event.data);
        };
        socket.onclose = event => {
            if (socket !== this.#socket)
                return;
            const beforeWelcome = !this.#welcomed;
            this.#drop();
            this.#failed(new ChatError('unavailable', `the connection closed (code ${event?.code ?? 'none'})`), beforeWelcome);
        };
        socket.onerror = () => { };
    }
    #receive(data) {
        let frame;
        try {
            frame = JSON.parse(typeof data === 'string' ? data : String(data));
        }
        catch {
            return;
        }
        if (frame === null || typeof frame !== 'object' || typeof frame.type !== 'string')
            return;
        if (frame.type === 'welcome' && !this.#welcomed) {
            this.#welcome(frame);
            return;
        }
        this.#hooks.frame(frame);
    }
    #welcome(welcome) {
        this.#welcomed = true;
        this.#everWelcomed = true;
        this.#attempt = 0;
        const beatMs = Math.max(1, Number(welcome.heartbeatSeconds) || 25) * 1000;
        clearInterval(this.#heartbeatTimer);
        this.#heartbeatTimer = setInterval(() => this.#heartbeat(beatMs), beatMs);
        this.#hooks.frame(welcome);
        this.#hooks.welcomed(welcome);
        this.#hooks.state('connected');
        const first = this.#first;
        this.#first = null;
        first?.resolve(welcome);
    }
    /** A connection that failed, or never got its welcome: the first one's failure is connect()'s; later ones retry. */
    #failed(error, beforeWelcome) {
        if (!this.#started)
            return;
        if (beforeWelcome && this.#options.failedBeforeWelcome()) {
            void this.#open();
            return;
        }
        if (!this.#everWelcomed) {
            this.#started = false;
            this.#fail(error);
            this.#hooks.state('offline');
            return;
        }
        this.#scheduleReconnect();
    }
    #fail(error) {
        const first = this.#first;
        this.#first = null;
        first?.reject(error);
    }
    #drop(code) {
        const socket = this.#socket;
        this.#socket = null;
        const wasWelcomed = this.#welcomed;
        this.#welcomed = false;
        clearInterval(this.#heartbeatTimer);
        if (socket) {
            socket.onmessage = null;
            socket.onclose = null;
            try {
                socket.close(code);
            }
            catch { /* already closed */ }
        }
        if (wasWelcomed)
            this.#hooks.dropped();
    }
    #scheduleReconnect() {
        // A browser that knows it is offline says so; 'online' brings the next attempt forward (#online).
        const offline = globalThis.navigator?.onLine === false;
        this.#hooks.state(offline ? 'offline' : 'connecting');
        const ceiling = Math.min(this.#options.maxDelayMs, this.#options.minDelayMs * 2 ** this.#attempt);
        this.#attempt = Math.min(this.#attempt + 1, 30);
        const delay = ceiling / 2 + Math.random() * (ceiling / 2);
        clearTimeout(this.#reconnectTimer);
        this.#reconnectTimer = setTimeout(() => void this.#open(), delay);
    }
    #online() {
        // The network came back: do not sit out the rest of a long backoff.
        if (!this.#started || this.#socket)
            return;
        this.#attempt = 0;
        clearTimeout(this.#reconnectTimer);
        void this.#open();
    }
    #offline() {
        // A browser that says the network is gone: a socket may outlive it for minutes, so give it up now and wait for
        // 'online' (a first connection that never got its welcome fails, as any other first failure does).
        if (!this.#started || !this.#everWelcomed)
            return;
        clearTimeout(this.#reconnectTimer);
        this.#drop();
        this.#hooks.state('offline');
    }
    #heartbeat(beatMs) {
        // Not even the pong to the last ping within two beats: the link is dead, whatever the socket says.
        if (Date.now() - this.#lastFrameAt > 2 * beatMs) {
            this.#drop();
            this.#scheduleReconnect();
            return;
        }
        this.write({ type: 'ping', ref: `p${++this.#nextPing}` });
    }
}
/** `https://host/base` becomes `wss://host/base/ws?access_token=...` (browsers cannot set a header on a WebSocket). */
export function socketUrl(base, token) {
    const url = new URL('ws', base.endsWith('/') ? base : `${base}/`);
    if (url.protocol === 'https:')
        url.protocol = 'wss:';
    else if (url.protocol === 'http:')
        url.protocol = 'ws:';
    url.searchParams.set('access_token', token);
    return url.toString();
}
