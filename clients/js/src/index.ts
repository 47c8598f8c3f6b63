// @orleanschat/client: the JavaScript client of the OrleansChat protocol (PROTOCOL.md version 1).

export { ChatClient } from './client.js';
export { ChatApiError, ChatError } from './errors.js';
export type {
  Ack, AttachmentInfo, ChatClientOptions, ChatEvents, ChatFrame, ChunkFrame, ConnectionState, ErrorFrame, Job, JobStatus,
  MessageFrame, MessageKind, PresenceFrame, Reaction, ReceiptFrame, ReplyProgress, SendOptions, ServerFrame, SyncedFrame,
  TransportKind, TransportOption, TypingFrame, UploadedAttachment, WebSocketConstructor, WebSocketLike, Welcome,
} from './types.js';
