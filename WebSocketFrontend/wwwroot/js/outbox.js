// Sends and changes (edit, delete, reaction) with client message ids (crypto.randomUUID), acks matched by `ref`. Sends and read marks made while
// disconnected wait and go out after the resync; a send whose answer the socket took with it is sent again with the
// same client message id (the server answers a repeat with the first ack and delivers nothing new).

const RETRYABLE = new Set(['rate_limited', 'unavailable', 'internal']);

/** `wire`: isReady(), write(frame) (false when no socket took it), ref() (a fresh ref), emit(sendState). */
export class Outbox {
  #sends = new Map(); // clientMsgId -> { chatId, clientMsgId, content, status, ref, error }
  #refs = new Map();  // ref -> clientMsgId of a send waiting for its answer
  #reads = new Map(); // chatId -> seq, waiting for a connection
  #received = new Map(); // chatId -> highest seq received and not yet reported `delivered`
  #reported = new Map(); // chatId -> highest seq reported `delivered`
  #wire;

  constructor(wire) {
    this.#wire = wire;
  }

  /** `fields`: the send's `kind`, `target`, `replyTo` and `remove` (PROTOCOL.md 6.1), those that apply. */
  add(chatId, content, clientMsgId, fields = {}) {
    const entry = { chatId, clientMsgId, content, fields, status: 'pending', ref: null, error: null };
    this.#sends.set(clientMsgId, entry);
    this.#emit(entry);
    if (this.#wire.isReady()) this.#transmit(entry);
    return clientMsgId;
  }

  retry(clientMsgId) {
    const entry = this.#sends.get(clientMsgId);
    if (!entry || entry.status !== 'failed') return;
    entry.status = 'pending';
    entry.error = null;
    this.#emit(entry);
    if (this.#wire.isReady()) this.#transmit(entry);
  }

  discard(clientMsgId) {
    this.#sends.delete(clientMsgId);
  }

  /** Marks a chat read up to `seq`; while disconnected only the highest mark per chat waits. */
  read(chatId, seq) {
    if (this.#wire.isReady()) {
      this.#wire.write({ type: 'read', chatId, seq });
    } else {
      this.#reads.set(chatId, Math.max(seq, this.#reads.get(chatId) ?? 0));
    }
  }

  /**
   * A message of someone else's reached this device. A burst of frames (a sync brings many) makes one `delivered`
   * per chat, with its highest seq, once the burst is handled; while disconnected they wait for the resync.
   */
  received(chatId, seq) {
    if (seq <= (this.#reported.get(chatId) ?? 0) || seq <= (this.#received.get(chatId) ?? 0)) return;
    if (this.#received.size === 0) queueMicrotask(() => { if (this.#wire.isReady()) this.#reportReceived(); });
    this.#received.set(chatId, seq);
  }

  /** The frames that waited for a connection go now, oldest first. */
  flush() {
    for (const [chatId, seq] of this.#reads) this.#wire.write({ type: 'read', chatId, seq });
    this.#reads.clear();
    this.#reportReceived();
    for (const entry of this.#sends.values()) {
      if (entry.status === 'pending' && entry.ref === null) this.#transmit(entry);
    }
  }

  /** The socket is gone with the answers in flight: those sends go again after the resync. */
  dropped() {
    for (const clientMsgId of this.#refs.values()) {
      const entry = this.#sends.get(clientMsgId);
      if (entry) entry.ref = null;
    }
    this.#refs.clear();
  }

  /** A message frame of this user's came: if it is one of these sends, the send is done. */
  delivered(frame) {
    const entry = this.#sends.get(frame.clientMsgId);
    if (entry?.chatId === frame.chatId) this.#sends.delete(frame.clientMsgId);
  }

  acked(frame, heldSeq) {
    this.#refs.delete(frame.ref);
    const entry = this.#sends.get(frame.clientMsgId);
    if (!entry) return;
    entry.status = 'sent';
    entry.ref = null;
    this.#emit({ ...entry, seq: frame.seq, messageId: frame.messageId, sentAt: frame.sentAt });
    // The message frame itself (to this connection too) is what delivers it; if it already came, we are done.
    if (heldSeq >= frame.seq) this.#sends.delete(frame.clientMsgId);
  }

  /** An `error` frame; true when it answers one of these sends. */
  refused(frame) {
    const clientMsgId = frame.ref ? this.#refs.get(frame.ref) : undefined;
    if (clientMsgId === undefined) return false;
    this.#refs.delete(frame.ref);
    const entry = this.#sends.get(clientMsgId);
    if (!entry) return true;
    entry.ref = null;
    if (frame.code === 'rate_limited') {
      // Wait as told, then go again by itself.
      setTimeout(() => { if (entry.status === 'pending' && entry.ref === null && this.#wire.isReady()) this.#transmit(entry); }, frame.retryAfterMs ?? 1000);
      return true;
    }
    entry.status = 'failed';
    entry.error = { code: frame.code, message: frame.message, retryable: RETRYABLE.has(frame.code) };
    this.#emit(entry);
    return true;
  }

  #reportReceived() {
    for (const [chatId, seq] of this.#received) {
      if (!this.#wire.write({ type: 'delivered', chatId, seq })) return; // the rest go after the resync
      this.#reported.set(chatId, seq);
      this.#received.delete(chatId);
    }
  }

  #transmit(entry) {
    entry.ref = this.#wire.ref();
    this.#refs.set(entry.ref, entry.clientMsgId);
    const frame = { type: 'send', ref: entry.ref, chatId: entry.chatId, clientMsgId: entry.clientMsgId, ...entry.fields };
    if (entry.content !== undefined) frame.content = entry.content; // a delete has none
    if (!this.#wire.write(frame)) {
      this.#refs.delete(entry.ref);
      entry.ref = null;
    }
  }

  #emit(entry) {
    this.#wire.emit({
      chatId: entry.chatId,
      clientMsgId: entry.clientMsgId,
      content: entry.content,
      kind: entry.fields?.kind ?? 'text',
      replyTo: entry.fields?.replyTo,
      status: entry.status,
      error: entry.error,
      seq: entry.seq,
      sentAt: entry.sentAt,
    });
  }
}
