// What carries the frames (PROTOCOL.md 3 and 10): a WebSocket, or server-sent events with REST actions (events.ts).
// With `auto`, a connection that fails before its welcome on a WebSocket is tried again at once on events (a proxy may
// block WebSockets), and one that fails on events goes back to a WebSocket after the link's backoff: the two take
// turns until one works. Without any WebSocket implementation, `auto` is events only.
import { EventStreamSocket } from './events.js';
export class Transport {
    #kind;
    #choice;
    #WebSocket;
    constructor(choice, WebSocketImpl) {
        if (choice !== 'auto' && choice !== 'websocket' && choice !== 'sse') {
            throw new TypeError(`options.transport is 'auto', 'websocket' or 'sse', not '${String(choice)}'`);
        }
        if (choice === 'websocket' && !WebSocketImpl) {
            throw new TypeError('No WebSocket here: pass options.WebSocket (in Node 20, the `ws` package), or use transport \'sse\'');
        }
        this.#choice = WebSocketImpl ? choice : 'sse';
        this.#kind = this.#choice === 'sse' ? 'sse' : 'websocket';
        this.#WebSocket = WebSocketImpl;
    }
    /** The kind in use, or being tried while connecting. */
    get kind() { return this.#kind; }
    /** A new connection of the current kind to the link's `/ws` address. */
    open(socketUrl) {
        return this.#kind === 'sse' ? new EventStreamSocket(socketUrl) : new this.#WebSocket(socketUrl);
    }
    /** A connection failed before its welcome: true when the other kind is worth trying at once. */
    failed() {
        if (this.#choice !== 'auto')
            return false;
        if (this.#kind === 'websocket') {
            this.#kind = 'sse';
            return globalThis.navigator?.onLine !== false;
        }
        this.#kind = 'websocket';
        return false;
    }
}
