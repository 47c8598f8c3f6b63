// @orleanschat/client: the JavaScript client of the OrleansChat protocol (PROTOCOL.md version 1).

export { ChatClient } from './client.js';
export { ChatApiError, ChatError } from './errors.js';
export type {
  Ack, AttachmentInfo, ChatClientOptions, ChatEvents, ChatFrame, ConnectionState, ErrorFrame, MessageFrame, MessageKind,
  PresenceFrame, Reaction, ReceiptFrame, SendOptions, ServerFrame, SyncedFrame, TypingFrame, WebSocketConstructor,
  WebSocketLike, Welcome,
} from './types.js';
