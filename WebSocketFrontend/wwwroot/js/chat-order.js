// Per chat, the last seq delivered: message frames come out of it exactly once and in seq order; a frame past a
// gap is held back while a `sync` fetches the missing range; after every (re)connect one `sync` asks for
// everything missed in every known chat.

const SYNC_LIMIT = 200;

/** `wire`: isWelcomed(), write(frame), ref() (a fresh ref), emit(type, detail). */
export class ChatOrder {
  #chats = new Map(); // chatId -> { heldSeq, held: Map<seq, frame>, syncing }
  #refs = new Map();  // ref -> chatIds of a sync not answered yet
  #resyncRef = null;
  #wire;

  constructor(wire) {
    this.#wire = wire;
  }

  has(chatId) { return this.#chats.has(chatId); }

  heldSeq(chatId) { return this.#chats.get(chatId)?.heldSeq ?? 0; }

  chatIds() { return [...this.#chats.keys()]; }

  /** Follows a chat from `heldSeq` on; false when it was followed already. */
  track(chatId, heldSeq) {
    if (this.#chats.has(chatId)) return false;
    this.#chats.set(chatId, { heldSeq, held: new Map(), syncing: false });
    return true;
  }

  forget(chatId) {
    this.#chats.delete(chatId);
  }

  /** A message frame: `deliver` gets every frame that is next in order now, each exactly once. */
  receive(frame, deliver) {
    if (this.track(frame.chatId, frame.seq - 1)) {
      // A chat nobody told us about yet (its `chat` event raced the message): follow it from here.
      this.#wire.emit('chat-unknown', { chatId: frame.chatId });
    }
    if (this.#accept(frame, deliver)) this.sync([frame.chatId]);
  }

  /** Asks for what follows the held seq of each chat not already being synced; returns the ref, if any. */
  sync(chatIds) {
    if (!this.#wire.isWelcomed()) return null;
    const chats = chatIds
      .map(chatId => [chatId, this.#chats.get(chatId)])
      .filter(([, chat]) => chat && !chat.syncing)
      .map(([chatId, chat]) => {
        chat.syncing = true;
        return { chatId, afterSeq: chat.heldSeq };
      });
    if (chats.length === 0) return null;
    const ref = this.#wire.ref();
    this.#refs.set(ref, chats.map(c => c.chatId));
    this.#wire.write({ type: 'sync', ref, chats, limit: SYNC_LIMIT });
    return ref;
  }

  /** After a welcome, one sync for every known chat; true when there is none, so nothing can have been missed. */
  resync() {
    const chatIds = this.chatIds();
    if (chatIds.length === 0) return true;
    this.#resyncRef = this.sync(chatIds);
    return false;
  }

  /** A `synced` frame; true when it answers the resync, so everything missed is in. */
  answered(frame) {
    const asked = frame.ref ? this.#refs.get(frame.ref) : null;
    if (frame.ref) this.#refs.delete(frame.ref);
    const again = [];
    for (const { chatId, lastSeq, hasMore } of frame.chats ?? []) {
      const chat = this.#chats.get(chatId);
      if (!chat) continue;
      chat.syncing = false;
      if (hasMore || chat.held.size > 0 || lastSeq > chat.heldSeq) again.push(chatId);
    }
    // Chats the server did not answer (an error came for them) are no longer being synced either.
    for (const chatId of asked ?? []) {
      const chat = this.#chats.get(chatId);
      if (chat) chat.syncing = false;
    }
    this.#wire.emit('synced', frame);
    if (again.length) this.sync(again);
    const resynced = Boolean(frame.ref) && frame.ref === this.#resyncRef;
    if (resynced) this.#resyncRef = null;
    return resynced;
  }

  /** An `error` frame; true when it took a chat of a sync from this user, who then follows it no more. */
  refused(frame) {
    // A sync's ref stays until its `synced`, which answers the chats that had no error.
    const isSync = Boolean(frame.ref) && this.#refs.has(frame.ref);
    if (!isSync || !frame.chatId || (frame.code !== 'forbidden' && frame.code !== 'not_found')) return false;
    this.#chats.delete(frame.chatId);
    this.#wire.emit('chat-lost', { chatId: frame.chatId });
    return true;
  }

  /** The socket is gone, and the syncs in flight with it. */
  dropped() {
    for (const chat of this.#chats.values()) chat.syncing = false;
    this.#refs.clear();
    this.#resyncRef = null;
  }

  /** True when this frame waits for a gap to be synced. */
  #accept(frame, deliver) {
    const chat = this.#chats.get(frame.chatId);
    if (frame.seq <= chat.heldSeq) return false; // already delivered: never twice
    if (frame.seq > chat.heldSeq + 1) {
      chat.held.set(frame.seq, frame);
      return true;
    }
    this.#deliver(chat, frame, deliver);
    while (chat.held.has(chat.heldSeq + 1)) {
      const next = chat.held.get(chat.heldSeq + 1);
      chat.held.delete(next.seq);
      this.#deliver(chat, next, deliver);
    }
    for (const seq of chat.held.keys()) {
      if (seq <= chat.heldSeq) chat.held.delete(seq);
    }
    return false;
  }

  #deliver(chat, frame, deliver) {
    chat.heldSeq = frame.seq;
    deliver(frame);
  }
}
