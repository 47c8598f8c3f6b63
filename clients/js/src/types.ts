// The frames of PROTOCOL.md as this client sees them. Servers may add fields and frame types (PROTOCOL.md 3):
// every frame type keeps an index signature, and frames of unknown types still reach the 'frame' event.

/**
 * The smallest WebSocket this client needs: the browser's, or an implementation such as `ws` in Node. The handlers'
 * events are `any` so that both implementations' own event types fit.
 */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: any) => void) | null;
  onmessage: ((event: any) => void) | null;
  onclose: ((event: any) => void) | null;
  onerror: ((event: any) => void) | null;
}

export type WebSocketConstructor = new (url: string, ...rest: any[]) => WebSocketLike;

export interface ChatClientOptions {
  /** The server's origin, e.g. `https://chat.example.com` (http(s) or ws(s)); `/ws` is appended. */
  url: string;
  /** The access token, asked anew for every connection (so an expired one is replaced). */
  token: string | (() => string | Promise<string>);
  /** A WebSocket implementation where there is no global one (Node 20: `import WebSocket from 'ws'`). */
  WebSocket?: WebSocketConstructor;
  /**
   * What carries the frames (PROTOCOL.md 10): `websocket`, `sse` (server-sent events from `GET /api/v1/events`, the
   * client's frames as their REST actions), or `auto` (the default): a WebSocket, and server-sent events when one
   * cannot be opened (a proxy that blocks them) or when there is no WebSocket implementation at all.
   */
  transport?: TransportOption;
  /** Reconnect delays: exponential from `minDelayMs` up to `maxDelayMs`, each drawn at random in its upper half. */
  reconnect?: { minDelayMs?: number; maxDelayMs?: number };
  /** Messages per chat per `sync` page (1 to 500, default 100). */
  syncLimit?: number;
  /** Report `delivered` for the others' messages received (once per chat per burst). Default true. */
  reportDelivered?: boolean;
  /** An `error` to a send that says "try again" (`unavailable`) is retried this many times. Default 5. */
  sendRetries?: number;
}

export type ConnectionState = 'connecting' | 'connected' | 'offline';

export type TransportKind = 'websocket' | 'sse';

export type TransportOption = TransportKind | 'auto';

export type MessageKind = 'text' | 'edit' | 'delete' | 'reaction';

export interface AttachmentInfo {
  attachmentId: string;
  name: string;
  contentType: string;
  size: number;
  width?: number;
  height?: number;
}

export interface Reaction {
  content: string;
  userIds: string[];
}

export interface MessageFrame {
  type: 'message';
  chatId: string;
  seq: number;
  messageId: string;
  senderId: string;
  content: string;
  sentAt: string;
  clientMsgId: string;
  kind?: MessageKind;
  target?: number;
  replyTo?: number;
  remove?: boolean;
  mentions?: string[];
  attachments?: AttachmentInfo[];
  editedAt?: string;
  deleted?: boolean;
  reactions?: Reaction[];
  jobId?: string;
  stopped?: boolean;
  [field: string]: unknown;
}

export interface Ack {
  type: 'ack';
  ref?: string;
  chatId: string;
  clientMsgId: string;
  messageId: string;
  seq: number;
  sentAt: string;
  /** When the message started an assistant job (PROTOCOL.md 9). */
  jobId?: string;
  [field: string]: unknown;
}

export interface Welcome {
  type: 'welcome';
  sessionId: string;
  userId: string;
  heartbeatSeconds: number;
  serverTime: string;
  [field: string]: unknown;
}

export interface TypingFrame {
  type: 'typing';
  chatId: string;
  userId: string;
  state: 'start' | 'stop';
  [field: string]: unknown;
}

export interface ReceiptFrame {
  type: 'receipt';
  chatId: string;
  userId: string;
  readSeq: number;
  deliveredSeq: number;
  [field: string]: unknown;
}

export interface PresenceFrame {
  type: 'presence';
  userId: string;
  status: 'online' | 'offline';
  lastSeen?: string;
  [field: string]: unknown;
}

export interface ChatFrame {
  type: 'chat';
  chatId: string;
  event: 'created' | 'member_added' | 'member_removed' | string;
  userId: string;
  chat?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface SyncedFrame {
  type: 'synced';
  ref?: string;
  chats: { chatId: string; lastSeq: number; hasMore: boolean }[];
  [field: string]: unknown;
}

export interface ErrorFrame {
  type: 'error';
  code: string;
  message: string;
  ref?: string;
  chatId?: string;
  retryAfterMs?: number;
  [field: string]: unknown;
}

/** A piece of an assistant reply while it is made (PROTOCOL.md 9): best effort, in any order, `index` per `attempt`. */
export interface ChunkFrame {
  type: 'chunk';
  chatId: string;
  jobId: string;
  attempt: number;
  index: number;
  delta: string;
  [field: string]: unknown;
}

/**
 * An assistant reply so far: the chunks of its latest attempt held, in `index` order. It ends when the stored reply (a
 * `message` carrying `jobId`) arrives; that message, not this text, is the reply.
 */
export interface ReplyProgress {
  chatId: string;
  jobId: string;
  attempt: number;
  text: string;
  /** Chunks held; `text` has a hole where one of indexes 0 to `highestIndex` has not come (yet). */
  chunks: number;
  highestIndex: number;
}

export type JobStatus = 'created' | 'processing' | 'streaming' | 'completed' | 'failed' | 'dead_lettered' | 'cancelled';

/** `GET /api/v1/jobs/{jobId}` (PROTOCOL.md 9). */
export interface Job {
  jobId: string;
  chatId: string;
  seq: number;
  status: JobStatus;
  attempts: number;
  provider?: string | null;
  partial?: string | null;
  resultSeq?: number | null;
  error?: string | null;
  createdAt: string;
  updatedAt: string;
  [field: string]: unknown;
}

/** The answer to an upload (PROTOCOL.md 7); pass `attachmentId` in a send's `attachments`. */
export interface UploadedAttachment extends AttachmentInfo {
  sha256: string;
}

/** Any server frame; `type` says which. */
export interface ServerFrame {
  type: string;
  [field: string]: unknown;
}

/** The optional fields of a `send` (PROTOCOL.md 3.2, 6.1, 7). */
export interface SendOptions {
  kind?: MessageKind;
  target?: number;
  replyTo?: number;
  remove?: boolean;
  /** Ids of uploaded attachments (PROTOCOL.md 7). */
  attachments?: string[];
  /** The idempotency key; a new UUID when absent. Give the same one to send the same message again. */
  clientMsgId?: string;
}

export interface ChatEvents {
  message: MessageFrame;
  receipt: ReceiptFrame;
  typing: TypingFrame;
  presence: PresenceFrame;
  chat: ChatFrame;
  state: ConnectionState;
  welcome: Welcome;
  synced: SyncedFrame;
  /** An `error` frame that answers none of this client's sends, or a sync refused for a chat. */
  error: ErrorFrame;
  /** An assistant reply's chunk, as it came (PROTOCOL.md 9). */
  chunk: ChunkFrame;
  /** An assistant reply's text so far, after each chunk that changed it. */
  reply: ReplyProgress;
  /** Every frame from the server, of known types and unknown ones (later protocol sections), before it is handled. */
  frame: ServerFrame;
}
