// Server-sent events (PROTOCOL.md 10) shaped as a WebSocket, so that the link, the order and the outbox run on them
// unchanged. Frames come from `GET /api/v1/events`, read with fetch (which, unlike EventSource, sends the token in a
// header and runs in Node); each frame the client writes becomes its REST action, whose answer comes back as the frame
// a socket would have answered with (`ack`, `error`, the `message` frames of a sync and then `synced`). The actions use
// the connection's token, as a socket's frames do: one refused (401) ends the connection as a WebSocket's 1008 does, and
// what waited goes again on the next connection with a new token. A broken stream closes this "socket": the link
// reconnects as after any drop and syncs what was missed (POST /sync).
import { restCall } from './rest.js';
const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 3;
export class EventStreamSocket {
    readyState = CONNECTING;
    onopen = null;
    onmessage = null;
    onclose = null;
    onerror = null;
    #rest;
    #abort = new AbortController();
    #actions = Promise.resolve();
    #lastHeardAt = Date.now();
    #heartbeatMs = 0; // from the welcome
    /** `socketUrl` is the `/ws?access_token=...` address the link made; the stream takes the token as a header instead. */
    constructor(socketUrl) {
        const url = new URL(socketUrl);
        const token = url.searchParams.get('access_token') ?? '';
        url.search = '';
        url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
        url.pathname = url.pathname.replace(/ws$/, '');
        const base = url.toString();
        this.#rest = (method, path, body) => restCall(base, async () => token, method, path, body);
        void this.#read(new URL('api/v1/events', base).toString(), token);
    }
    send(data) {
        if (this.readyState !== OPEN)
            return;
        const frame = JSON.parse(data);
        // One action at a time, as a socket's frames are read in order: sends keep the order they were written in.
        this.#actions = this.#actions.then(() => this.#act(frame)).catch(() => { });
    }
    close() {
        if (this.readyState === CLOSED)
            return;
        this.readyState = CLOSED;
        this.#abort.abort();
    }
    async #read(url, token) {
        let code = 1006;
        try {
            const response = await fetch(url, {
                headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
                signal: this.#abort.signal,
                cache: 'no-store',
            });
            if (!response.ok || !response.body) {
                code = response.status === 401 ? 1008 : 1006;
                void response.body?.cancel();
                return;
            }
            this.readyState = OPEN;
            this.onopen?.({});
            const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
            let buffer = '';
            let carried = ''; // a '\r' at a read's end may start a '\r\n' that the next read ends
            for (;;) {
                const { done, value } = await reader.read();
                if (done || this.readyState === CLOSED)
                    return;
                this.#lastHeardAt = Date.now(); // data or the server's heartbeat comment: the stream is alive
                const text = carried + value;
                carried = text.endsWith('\r') ? '\r' : '';
                buffer += text.slice(0, text.length - carried.length).replace(/\r\n?/g, '\n');
                let end;
                while ((end = buffer.indexOf('\n\n')) >= 0) {
                    this.#event(buffer.slice(0, end));
                    buffer = buffer.slice(end + 2);
                }
            }
        }
        catch {
            // aborted by close(), or the stream broke
        }
        finally {
            this.#closed(code);
        }
    }
    /** One event: its `data:` lines are the frame's JSON; `event:` repeats the type, comment lines are heartbeats. */
    #event(block) {
        const data = block.split('\n').filter(line => line.startsWith('data:')).map(line => line.slice(5).replace(/^ /, ''));
        if (data.length === 0)
            return;
        const text = data.join('\n');
        if (this.#heartbeatMs === 0) {
            // The first event is the welcome, with the pace of the heartbeat comments.
            let seconds;
            try {
                seconds = JSON.parse(text).heartbeatSeconds;
            }
            catch { /* the link drops what it cannot read */ }
            this.#heartbeatMs = (typeof seconds === 'number' && seconds > 0 ? seconds : 25) * 1000;
        }
        this.#deliver(text);
    }
    #closed(code) {
        const wasOpen = this.readyState !== CLOSED;
        this.readyState = CLOSED;
        this.#abort.abort();
        if (wasOpen)
            this.onclose?.({ code });
    }
    #deliver(data) {
        if (this.readyState === OPEN)
            this.onmessage?.({ data });
    }
    #answer(frame) { this.#deliver(JSON.stringify(frame)); }
    async #act(frame) {
        const chat = frame.chatId === undefined ? '' : `/chats/${encodeURIComponent(frame.chatId)}`;
        try {
            switch (frame.type) {
                case 'send': {
                    const { type: _type, ref, chatId, ...body } = frame;
                    const ack = await this.#rest('POST', `${chat}/messages`, body);
                    return this.#answer({ ...ack, type: 'ack', ref, chatId });
                }
                case 'sync': return await this.#sync(frame);
                case 'typing': return await this.#rest('POST', `${chat}/typing`, { state: frame.state });
                case 'read':
                case 'delivered':
                    return await this.#rest('POST', `${chat}/${frame.type}`, { seq: frame.seq });
                case 'cancel': return await this.#rest('DELETE', `/jobs/${encodeURIComponent(String(frame.jobId))}`);
                case 'ping':
                    // Heartbeats are comment lines: a stream heard from within two beats is alive. One silent longer gets no
                    // pong, and the link gives it up as it would a silent socket (a dead peer without a TCP reset).
                    if (Date.now() - this.#lastHeardAt <= 2 * this.#heartbeatMs)
                        this.#answer({ type: 'pong', ref: frame.ref });
                    return undefined;
                default: return undefined; // watch_presence has no REST action: a direct chat's peer is told anyway
            }
        }
        catch (error) {
            // A sync that failed as a whole leaves a gap: start again, as after a drop (the next welcome syncs).
            if (frame.type === 'sync')
                return this.#closed(1006);
            const failure = error;
            if (failure?.status === 401) {
                // The connection's token is no longer good: as a WebSocket's server does, say so and end the connection.
                this.#answer({ type: 'error', code: 'unauthorized', message: failure.message ?? 'the token was refused' });
                return this.#closed(1008);
            }
            // Answered as the socket would: a refusal is an `error` with the frame's ref; no answer at all is `unavailable`.
            if (frame.ref === undefined)
                return undefined;
            const code = failure?.code ?? (failure?.status ? 'internal' : 'unavailable');
            this.#answer({
                type: 'error', ref: frame.ref, chatId: frame.chatId, code, message: failure?.message ?? String(error),
                retryAfterMs: failure?.problem?.retryAfterMs,
            });
        }
        return undefined;
    }
    async #sync({ ref, chats, limit }) {
        const answer = await this.#rest('POST', '/sync', { chats, limit });
        const synced = [];
        for (const chat of answer?.chats ?? []) {
            if (chat.error) {
                this.#answer({ type: 'error', ref, chatId: chat.chatId, code: chat.error, message: `sync refused: ${chat.error}` });
                continue;
            }
            for (const message of chat.messages ?? [])
                this.#answer({ ...message, type: 'message', chatId: chat.chatId });
            synced.push({ chatId: chat.chatId, lastSeq: chat.lastSeq, hasMore: chat.hasMore });
        }
        this.#answer({ type: 'synced', ref, chats: synced });
    }
}
