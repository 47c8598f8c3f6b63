// What the page knows: who is signed in, their client, their chats with the messages seen so far, the sends not
// stored yet, and presence. Views read it; server-events.js and the user's own actions change it.

export const state = {
  session: null,    // { token, userId, mode: 'dev' | 'token' }
  client: null,     // the ChatClient of this session
  openChatId: null,
  assistantId: 'assistant', // Assistant:UserId's default; a welcome that names it says otherwise
};

export const chats = new Map();    // chatId -> Chat (see chatOf)
export const pending = new Map();  // clientMsgId -> { chatId, clientMsgId, content, status, error, seq, createdAt }
export const presence = new Map(); // userId -> 'online' | 'offline'
export const blocked = new Set();  // the users this user blocked (GET /me/blocks)
export const early = new Map();    // chatId -> messages that came before their chat was known

/** The Chat of a chat id, made on first sight; what the server says about it is merged in. */
export function chatOf(info) {
  let chat = chats.get(info.chatId);
  if (!chat) {
    chat = {
      chatId: info.chatId,
      info,
      readSeq: 0,
      lastSeq: 0,
      messages: new Map(),    // seq -> message
      hasOlder: true,
      loadingOlder: false,
      typing: new Map(),      // userId -> timer
      receipts: new Map(),    // userId -> readSeq
      delivered: new Map(),   // userId -> deliveredSeq (never below their readSeq)
      quotes: new Map(),      // seq -> a text fetched only to quote it in a reply's preview
      listed: null,           // the unread and mention counts of GET /me/chats, with the seqs they were counted at
      derived: null,          // message-state.js's texts, kept while no message comes
    };
    chats.set(info.chatId, chat);
  }
  chat.info = { ...chat.info, ...info };
  chat.lastSeq = Math.max(chat.lastSeq, info.lastSeq ?? 0);
  if (info.readSeq !== undefined) chat.readSeq = Math.max(chat.readSeq, info.readSeq);
  if (typeof info.unreadCount === 'number') {
    chat.listed = { unread: info.unreadCount, mentions: info.mentionCount ?? 0, lastSeq: info.lastSeq ?? 0, readSeq: info.readSeq ?? 0 };
  }
  for (const receipt of info.receipts ?? []) noteReceipt(chat, receipt); // GET /chats/{chatId} carries them
  return chat;
}

/** A member's read and delivered seqs, from a `receipt` frame or the chat's `receipts`: each only rises. */
export function noteReceipt(chat, { userId, readSeq = 0, deliveredSeq = 0 }) {
  if (userId === me()) {
    chat.readSeq = Math.max(chat.readSeq, readSeq); // read on another device
    return;
  }
  chat.receipts.set(userId, Math.max(readSeq, chat.receipts.get(userId) ?? 0));
  chat.delivered.set(userId, Math.max(deliveredSeq, readSeq, chat.delivered.get(userId) ?? 0));
}

/** Forgets everything of the signed-out user, so the next one starts clean in the same tab. */
export function forgetAll() {
  chats.clear();
  early.clear();
  pending.clear();
  presence.clear();
  blocked.clear();
  state.openChatId = null;
}

export const isUserId = text => /^[A-Za-z0-9_.\-@]{1,64}$/.test(text);

export const me = () => state.session?.userId;
export const isDirect = chat => chat.info.type === 'direct';
export const isOwner = chat => !isDirect(chat) && chat.info.ownerId === me();
export const isMuted = chat => Boolean(chat.info.muted)
  && !(chat.info.mutedUntil && Date.parse(chat.info.mutedUntil) <= Date.now());
export const peerOf = chat => (chat.info.members ?? []).find(m => m !== me()) ?? me();
export const titleOf = chat => isDirect(chat)
  ? peerOf(chat)
  : chat.info.title || (chat.info.members ?? []).filter(m => m !== me()).join(', ') || 'Group';
