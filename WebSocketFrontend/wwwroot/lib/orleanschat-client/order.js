// Per chat, the last seq delivered to the application: message frames come out of here exactly once and in seq
// order. A frame past a gap waits while a `sync` fetches the missing range; a frame at or below the held seq is a
// repeat and is dropped; after every welcome one `sync` asks for what every known chat missed.
export class ChatOrder {
    #chats = new Map();
    #syncs = new Map(); // ref -> the chats of a sync not answered yet
    #wire;
    constructor(wire) {
        this.#wire = wire;
    }
    heldSeq(chatId) { return this.#chats.get(chatId)?.heldSeq ?? 0; }
    chatIds() { return [...this.#chats.keys()]; }
    /** Follows a chat from `heldSeq` on (a chat followed already keeps its own); true when it is new. */
    track(chatId, heldSeq) {
        if (this.#chats.has(chatId))
            return false;
        this.#chats.set(chatId, { heldSeq, held: new Map(), syncFrom: null });
        return true;
    }
    forget(chatId) { this.#chats.delete(chatId); }
    receive(frame) {
        // A chat not followed yet (the app did not track it, its `chat` event raced the message): follow it from here.
        this.track(frame.chatId, frame.seq - 1);
        const chat = this.#chats.get(frame.chatId);
        if (frame.seq <= chat.heldSeq)
            return;
        if (frame.seq > chat.heldSeq + 1) {
            chat.held.set(frame.seq, frame);
            this.sync([frame.chatId]);
            return;
        }
        this.#deliver(chat, frame);
    }
    /** Asks for what follows the held seq of each of these chats that is not being synced already. */
    sync(chatIds) {
        const chats = [];
        for (const chatId of chatIds) {
            const chat = this.#chats.get(chatId);
            if (!chat || chat.syncFrom !== null)
                continue;
            chats.push({ chatId, afterSeq: chat.heldSeq });
        }
        if (chats.length === 0)
            return;
        const ref = this.#wire.ref();
        if (!this.#wire.write({ type: 'sync', ref, chats, limit: this.#wire.syncLimit }))
            return; // the welcome resyncs
        this.#syncs.set(ref, chats.map(c => c.chatId));
        for (const { chatId, afterSeq } of chats)
            this.#chats.get(chatId).syncFrom = afterSeq;
    }
    /** After a welcome: one sync for every chat followed, from the last seq held. */
    resync() {
        this.sync(this.chatIds());
    }
    /** A `synced` frame: the messages it answers came before it. Asks again where there is more. */
    answered(frame) {
        const asked = frame.ref !== undefined ? this.#syncs.get(frame.ref) : undefined;
        if (asked === undefined)
            return;
        this.#syncs.delete(frame.ref);
        const again = [];
        for (const chatId of asked) {
            const chat = this.#chats.get(chatId);
            if (!chat || chat.syncFrom === null)
                continue;
            const progressed = chat.heldSeq > chat.syncFrom;
            chat.syncFrom = null;
            const answer = frame.chats?.find(c => c.chatId === chatId);
            if (!answer)
                continue; // refused: an `error` came for it
            const behind = answer.hasMore || answer.lastSeq > chat.heldSeq || chat.held.size > 0;
            if (behind && progressed) {
                again.push(chatId);
            }
            else if (chat.held.size > 0) {
                // The server has nothing for the gap (it cannot have one: seqs are gap-free): skip it rather than stall.
                this.#skipGap(chat);
            }
        }
        this.sync(again);
    }
    /** An `error` answering a sync for one chat the user may not read (any more): true when it is one, and the chat is dropped. */
    refused(frame) {
        if (frame.ref === undefined || !this.#syncs.has(frame.ref) || frame.chatId === undefined)
            return false;
        if (frame.code === 'forbidden' || frame.code === 'not_found')
            this.#chats.delete(frame.chatId);
        else {
            const chat = this.#chats.get(frame.chatId);
            if (chat)
                chat.syncFrom = null;
        }
        return true;
    }
    /** The socket is gone and its syncs with it; the next welcome asks again. */
    dropped() {
        for (const chat of this.#chats.values())
            chat.syncFrom = null;
        this.#syncs.clear();
    }
    #deliver(chat, frame) {
        chat.heldSeq = frame.seq;
        this.#wire.deliver(frame);
        for (let next = chat.held.get(chat.heldSeq + 1); next; next = chat.held.get(chat.heldSeq + 1)) {
            chat.held.delete(next.seq);
            chat.heldSeq = next.seq;
            this.#wire.deliver(next);
        }
        for (const seq of chat.held.keys())
            if (seq <= chat.heldSeq)
                chat.held.delete(seq);
    }
    #skipGap(chat) {
        const first = Math.min(...chat.held.keys());
        const frame = chat.held.get(first);
        chat.held.delete(first);
        this.#deliver(chat, frame);
    }
}
