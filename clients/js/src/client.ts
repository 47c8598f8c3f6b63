// The OrleansChat client (PROTOCOL.md version 1): one connection that reconnects by itself (link.ts), a WebSocket or
// server-sent events (transport.ts), each chat's messages exactly once and in seq order across reconnects and server
// restarts (order.ts), sends acknowledged once and retried with their client message ids (outbox.ts), assistant
// replies as they stream (replies.ts). No DOM: it runs in browsers and in Node.

import { ChatApi } from './api.js';
import { SocketLink } from './link.js';
import { ChatOrder } from './order.js';
import { Outbox } from './outbox.js';
import { Replies } from './replies.js';
import { newId } from './rest.js';
import { Transport } from './transport.js';
import type {
  Ack, ChatClientOptions, ChatFrame, ChunkFrame, ConnectionState, ErrorFrame, MessageFrame, SendOptions, ServerFrame,
  SyncedFrame, TransportKind, Welcome,
} from './types.js';

export class ChatClient extends ChatApi {
  #link: SocketLink;
  #order: ChatOrder;
  #outbox: Outbox;
  #transport: Transport;
  #replies = new Replies();
  #watched = new Set<string>();
  #state: ConnectionState = 'offline';
  #userId: string | null = null;
  #nextRef = 0;
  #reportDelivered: boolean;

  constructor(options: ChatClientOptions) {
    super(options);
    const WebSocketImpl = options.WebSocket ?? (globalThis as { WebSocket?: ChatClientOptions['WebSocket'] }).WebSocket;
    this.#transport = new Transport(options.transport ?? 'auto', WebSocketImpl);
    this.#reportDelivered = options.reportDelivered ?? true;
    const ref = () => `r${++this.#nextRef}`;
    const write = (frame: object) => this.#link.write(frame);
    this.#order = new ChatOrder({
      write, ref, syncLimit: clamp(options.syncLimit ?? 100, 1, 500), deliver: message => this.#deliver(message),
    });
    this.#outbox = new Outbox({ write, ref, sendRetries: options.sendRetries ?? 5 });
    this.#link = new SocketLink({
      url: options.url,
      token: this.token,
      open: url => this.#transport.open(url),
      failedBeforeWelcome: () => this.#transport.failed(),
      minDelayMs: options.reconnect?.minDelayMs ?? 500,
      maxDelayMs: options.reconnect?.maxDelayMs ?? 30000,
    }, {
      welcomed: welcome => this.#welcomed(welcome),
      frame: frame => this.#frame(frame),
      dropped: () => this.#dropped(),
      state: state => this.#setState(state),
    });
  }

  /** `connecting` (first connection or reconnecting), `connected` (welcomed) or `offline` (not started, or closed). */
  get state(): ConnectionState { return this.#state; }

  /** `websocket` or `sse`: what carries the frames now (or is being tried while connecting). */
  get transport(): TransportKind { return this.#transport.kind; }

  /** The user of the token, from the last welcome. */
  get userId(): string | null { return this.#userId; }

  /** Connects; resolves with the first welcome, rejects if the first connection fails. Later drops reconnect by themselves. */
  connect(): Promise<Welcome> { return this.#link.start(); }

  /** Closes the connection for good; sends not acknowledged yet are rejected with code `closed`. */
  close(): void {
    this.#link.stop();
    this.#outbox.close();
  }

  /**
   * Follows a chat from `lastSeq`, the last seq the application already holds: its messages after it are delivered,
   * now and after every reconnect. Chats whose messages arrive are followed by themselves from the first one seen.
   */
  track(chatId: string, lastSeq = 0): void {
    if (this.#order.track(chatId, lastSeq) && this.#link.welcomed) this.#order.sync([chatId]);
  }

  /** The last seq delivered to the application from a chat (0 before any). */
  lastSeq(chatId: string): number { return this.#order.heldSeq(chatId); }

  /**
   * Sends a message (or, with `options.kind`, a change: PROTOCOL.md 6.1) and resolves with its `ack`. It waits while
   * disconnected and goes again on each new connection with the same client message id until acknowledged; an
   * `error` answer rejects with a ChatError (`rate_limited` and `unavailable` are retried first).
   */
  send(chatId: string, content: string | undefined, options: SendOptions = {}): Promise<Ack> {
    const { clientMsgId = newId(), ...fields } = options;
    const frame: Record<string, unknown> & { chatId: string; clientMsgId: string } = { chatId, clientMsgId };
    if (content !== undefined) frame.content = content;
    for (const [name, value] of Object.entries(fields)) if (value !== undefined) frame[name] = value;
    return this.#outbox.add(frame);
  }

  /** Replaces the content of one's own message `target`. */
  edit(chatId: string, target: number, content: string, options: Pick<SendOptions, 'clientMsgId'> = {}): Promise<Ack> {
    return this.send(chatId, content, { ...options, kind: 'edit', target });
  }

  /** Deletes message `target` (one's own, or any in a group one owns). */
  delete(chatId: string, target: number, options: Pick<SendOptions, 'clientMsgId'> = {}): Promise<Ack> {
    return this.send(chatId, undefined, { ...options, kind: 'delete', target });
  }

  /** Adds the reaction `content` (an emoji) to message `target`, or with `remove: true` takes it back. */
  react(chatId: string, target: number, content: string, options: Pick<SendOptions, 'clientMsgId' | 'remove'> = {}): Promise<Ack> {
    return this.send(chatId, content, { ...options, kind: 'reaction', target });
  }

  /** Sends a message that replies to the earlier message `replyTo`. */
  reply(chatId: string, replyTo: number, content: string, options: Omit<SendOptions, 'kind' | 'target' | 'replyTo'> = {}): Promise<Ack> {
    return this.send(chatId, content, { ...options, replyTo });
  }

  /** Raises this user's read seq; while disconnected the highest per chat waits for the next connection. */
  read(chatId: string, seq: number): void { this.#outbox.mark('read', chatId, seq); }

  /** Says this device has received a chat up to `seq` (done by itself unless `reportDelivered` is false). */
  delivered(chatId: string, seq: number): void { this.#outbox.mark('delivered', chatId, seq); }

  /** Typing is only worth sending live: false (and nothing sent) while disconnected. */
  typing(chatId: string, state: 'start' | 'stop'): boolean {
    return this.#link.welcomed && this.#link.write({ type: 'typing', chatId, state });
  }

  /** Watches users' presence, on this connection and every later one. */
  watchPresence(userIds: string[]): void {
    const fresh = userIds.filter(id => !this.#watched.has(id));
    for (const id of fresh) this.#watched.add(id);
    if (fresh.length > 0 && this.#link.welcomed) this.#link.write({ type: 'watch_presence', userIds: fresh });
  }

  /** Stops an assistant reply (PROTOCOL.md 9): what it said so far is stored, `stopped`. A finished job stays as it is. */
  async cancel(jobId: string): Promise<void> {
    if (this.#link.welcomed && this.#link.write({ type: 'cancel', jobId })) return;
    await this.request('DELETE', `/jobs/${encodeURIComponent(jobId)}`);
  }

  #welcomed(welcome: Welcome): void {
    this.#userId = welcome.userId;
    this.emit('welcome', welcome);
    // Missed messages first, then what waited: the server answers a send's repeat with its first ack.
    this.#order.resync();
    if (this.#watched.size > 0) this.#link.write({ type: 'watch_presence', userIds: [...this.#watched] });
    this.#outbox.connected();
  }

  #dropped(): void {
    this.#order.dropped();
    this.#outbox.dropped();
  }

  #frame(frame: ServerFrame): void {
    this.emit('frame', frame);
    switch (frame.type) {
      case 'message': return this.#order.receive(frame as MessageFrame);
      case 'ack': {
        // A chat one sends to is followed from one's own message on; synced at once, since an earlier socket may have
        // taken that message frame along (the ack of a send that went again comes, its message frame does not).
        const ack = frame as unknown as Ack;
        this.track(ack.chatId, ack.seq - 1);
        return this.#outbox.acked(ack);
      }
      case 'synced':
        this.#order.answered(frame as SyncedFrame);
        return this.emit('synced', frame as SyncedFrame);
      case 'error': return this.#error(frame as ErrorFrame);
      case 'chat': return this.#chat(frame as ChatFrame);
      case 'chunk': return this.#chunk(frame as ChunkFrame);
      case 'typing':
      case 'receipt':
      case 'presence':
        return this.emit(frame.type, frame as never);
      default:
        return undefined; // welcome (handled by the link), pong, and types of later protocol sections ('frame' has them)
    }
  }

  #chunk(frame: ChunkFrame): void {
    this.emit('chunk', frame);
    const progress = this.#replies.chunk(frame);
    if (progress) this.emit('reply', progress);
  }

  #deliver(message: MessageFrame): void {
    if (this.#reportDelivered && message.senderId !== this.#userId) this.#outbox.received(message.chatId, message.seq);
    if (typeof message.jobId === 'string') this.#replies.stored(message.jobId);
    this.emit('message', message);
  }

  #error(frame: ErrorFrame): void {
    if (this.#outbox.refused(frame)) return;
    this.#order.refused(frame);
    this.emit('error', frame);
  }

  #chat(frame: ChatFrame): void {
    // A chat created with this user in it has no message yet: it is followed from its start.
    if (frame.event === 'created') this.#order.track(frame.chatId, 0);
    if (frame.event === 'member_removed' && frame.userId === this.#userId) this.#order.forget(frame.chatId);
    this.emit('chat', frame);
  }

  #setState(state: ConnectionState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.emit('state', state);
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.floor(value)));
}
