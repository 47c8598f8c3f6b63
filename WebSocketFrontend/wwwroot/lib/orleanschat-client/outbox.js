// Sends until they are acknowledged, and the read and delivered marks. A send keeps its client message id for good:
// when its socket drops before the ack, it goes again on the next connection with the same id, and the server answers
// a repeat with the first ack and stores nothing new. Sends are pipelined, except that sends going again (after a
// reconnect, or after `rate_limited`) go one at a time until the backlog is gone, so that they are stored in the order
// they were made. Read and delivered marks made while disconnected wait, only the highest per chat.
import { ChatError } from './errors.js';
/** How long received messages gather before one `delivered` per chat reports them (frames are rate-limited). */
const DELIVERED_DELAY_MS = 100;
export class Outbox {
    #sends = new Map(); // chatId + clientMsgId -> the send, in the order they were made
    #refs = new Map(); // ref of a send on the wire -> its key
    #marks = { read: new Map(), delivered: new Map() };
    #reported = new Map(); // chatId -> highest seq reported delivered
    #deliveredTimer;
    #pauseTimer;
    #connected = false;
    #oneAtATime = false;
    #wire;
    constructor(wire) {
        this.#wire = wire;
    }
    /** A send; the same chat and client message id while one is pending is the same send. */
    add(frame) {
        const key = keyOf(frame.chatId, frame.clientMsgId);
        const pending = this.#sends.get(key);
        if (pending)
            return pending.done;
        let resolve;
        let reject;
        const done = new Promise((res, rej) => { resolve = res; reject = rej; });
        this.#sends.set(key, { frame, ref: null, retries: 0, done, resolve, reject });
        this.#pump();
        return done;
    }
    /** A read or delivered mark: written now when connected, else the highest per chat waits. */
    mark(type, chatId, seq) {
        if (type === 'delivered')
            this.#reported.set(chatId, Math.max(seq, this.#reported.get(chatId) ?? 0));
        if (this.#connected && this.#wire.write({ type, chatId, seq }))
            return;
        const waiting = this.#marks[type];
        waiting.set(chatId, Math.max(seq, waiting.get(chatId) ?? 0));
    }
    /** Another user's message reached this device: reported `delivered` shortly, with whatever else arrives by then. */
    received(chatId, seq) {
        if (seq <= (this.#reported.get(chatId) ?? 0))
            return;
        const waiting = this.#marks.delivered;
        waiting.set(chatId, Math.max(seq, waiting.get(chatId) ?? 0));
        if (this.#deliveredTimer === undefined && this.#connected) {
            this.#deliveredTimer = setTimeout(() => {
                this.#deliveredTimer = undefined;
                if (this.#connected)
                    this.#flushMarks('delivered');
            }, DELIVERED_DELAY_MS);
        }
    }
    /** A new connection was welcomed: the marks that waited, then every unacknowledged send, oldest first. */
    connected() {
        this.#connected = true;
        this.#flushMarks('read');
        this.#flushMarks('delivered');
        if (this.#sends.size > 0)
            this.#oneAtATime = true;
        this.#pump();
    }
    /** The socket is gone, and the answers in flight with it: those sends go again on the next connection. */
    dropped() {
        this.#connected = false;
        clearTimeout(this.#deliveredTimer);
        this.#deliveredTimer = undefined;
        for (const send of this.#sends.values())
            send.ref = null;
        this.#refs.clear();
    }
    acked(ack) {
        if (ack.ref !== undefined)
            this.#refs.delete(ack.ref);
        const key = keyOf(ack.chatId, ack.clientMsgId);
        const send = this.#sends.get(key);
        if (!send)
            return;
        this.#sends.delete(key);
        send.resolve(ack);
        this.#pump();
    }
    /** An `error` frame; true when it answers a send (which is retried when the server says so, or rejected). */
    refused(error) {
        const key = error.ref !== undefined ? this.#refs.get(error.ref) : undefined;
        if (key === undefined)
            return false;
        this.#refs.delete(error.ref);
        const send = this.#sends.get(key);
        if (!send)
            return true;
        send.ref = null;
        if (error.code === 'rate_limited') {
            this.#pause(error.retryAfterMs ?? 1000);
        }
        else if (error.code === 'unavailable' && send.retries < this.#wire.sendRetries) {
            // Nothing was stored; the same client message id keeps a late success from storing it twice.
            send.retries++;
            this.#pause(Math.min(10000, 250 * 2 ** send.retries));
        }
        else {
            this.#sends.delete(key);
            send.reject(ChatError.from(error));
            this.#pump();
        }
        return true;
    }
    /** The client is closed: every pending send fails. */
    close() {
        this.dropped();
        clearTimeout(this.#pauseTimer);
        this.#pauseTimer = undefined;
        for (const send of this.#sends.values())
            send.reject(new ChatError('closed', 'the client was closed before the send was acknowledged'));
        this.#sends.clear();
    }
    /** The server asked to wait: no send goes until then, and after it they go one at a time until none is left. */
    #pause(delayMs) {
        this.#oneAtATime = true;
        clearTimeout(this.#pauseTimer);
        this.#pauseTimer = setTimeout(() => {
            this.#pauseTimer = undefined;
            this.#pump();
        }, delayMs);
    }
    /** Writes the sends that wait, oldest first, as far as the connection, a pause and one-at-a-time allow. */
    #pump() {
        if (this.#sends.size === 0)
            this.#oneAtATime = false;
        if (!this.#connected || this.#pauseTimer !== undefined)
            return;
        for (const send of this.#sends.values()) {
            if (send.ref !== null) {
                if (this.#oneAtATime)
                    return;
                continue;
            }
            if (!this.#transmit(send) || this.#oneAtATime)
                return;
        }
    }
    #transmit(send) {
        const ref = this.#wire.ref();
        if (!this.#wire.write({ type: 'send', ref, ...send.frame }))
            return false;
        send.ref = ref;
        this.#refs.set(ref, keyOf(send.frame.chatId, send.frame.clientMsgId));
        return true;
    }
    #flushMarks(type) {
        const waiting = this.#marks[type];
        for (const [chatId, seq] of waiting) {
            if (!this.#wire.write({ type, chatId, seq }))
                return;
            waiting.delete(chatId);
            if (type === 'delivered')
                this.#reported.set(chatId, Math.max(seq, this.#reported.get(chatId) ?? 0));
        }
    }
}
function keyOf(chatId, clientMsgId) {
    return `${chatId}\u0000${clientMsgId}`;
}
