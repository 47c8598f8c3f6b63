// A send's state as the message list shows it: `pending` until its ack, then `sent`; `failed` when the server refused
// it (or the SDK gave up retrying), with retry (the same client message id) and discard. The protocol work (waiting
// while disconnected, going again with the same client message id after a drop) is the SDK's.

const RETRYABLE = new Set(['rate_limited', 'unavailable', 'internal']);

export class SendStates {
  #sends = new Map(); // clientMsgId -> { chatId, clientMsgId, content, fields, status, error, seq, sentAt }
  #protocol;
  #emit;

  /** `protocol`: the SDK's ChatClient; `emit(sendState)` tells the page. */
  constructor(protocol, emit) {
    this.#protocol = protocol;
    this.#emit = emit;
  }

  add(chatId, content, clientMsgId, fields) {
    const entry = { chatId, clientMsgId, content, fields, status: 'pending', error: null };
    this.#sends.set(clientMsgId, entry);
    this.#transmit(entry);
    return clientMsgId;
  }

  retry(clientMsgId) {
    const entry = this.#sends.get(clientMsgId);
    if (entry?.status === 'failed') this.#transmit(entry);
  }

  discard(clientMsgId) { this.#sends.delete(clientMsgId); }

  /** A message frame of this user's came: if it is one of these sends, the send is done. */
  delivered(message) {
    const entry = this.#sends.get(message.clientMsgId);
    if (entry?.chatId === message.chatId) this.#sends.delete(message.clientMsgId);
  }

  #transmit(entry) {
    entry.status = 'pending';
    entry.error = null;
    this.#tell(entry);
    this.#protocol.send(entry.chatId, entry.content, { ...entry.fields, clientMsgId: entry.clientMsgId }).then(ack => {
      if (!this.#sends.has(entry.clientMsgId)) return;
      Object.assign(entry, { status: 'sent', seq: ack.seq, sentAt: ack.sentAt });
      this.#tell(entry);
      // The message frame itself is what delivers it; if it already came, the send is done.
      if (this.#protocol.lastSeq(entry.chatId) >= ack.seq) this.#sends.delete(entry.clientMsgId);
    }, error => {
      if (error?.code === 'closed' || !this.#sends.has(entry.clientMsgId)) return;
      entry.status = 'failed';
      entry.error = { code: error?.code, message: error?.message, retryable: RETRYABLE.has(error?.code) };
      this.#tell(entry);
    });
  }

  #tell({ chatId, clientMsgId, content, fields, status, error, seq, sentAt }) {
    const kind = fields?.kind ?? 'text';
    const files = fields?.attachments?.length ?? 0;
    this.#emit({ chatId, clientMsgId, content, kind, replyTo: fields?.replyTo, files, status, error, seq, sentAt });
  }
}
