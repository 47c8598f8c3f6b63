// Shared by the three scenarios: configuration from the environment, tokens, REST calls, and the seq checks.
import http from 'k6/http';
import crypto from 'k6/crypto';
import encoding from 'k6/encoding';
import { Counter } from 'k6/metrics';

export const BASE_URL = (__ENV.BASE_URL || 'http://localhost:5000').replace(/\/$/, '');
export const WS_URL = (__ENV.WS_URL || BASE_URL.replace(/^http/, 'ws')) + '/ws';
export const RUN_ID = __ENV.RUN_ID || `k6${Date.now().toString(36)}`;
export const SIGNING_KEY = __ENV.SIGNING_KEY || '';

export function num(name, fallback) {
  const value = __ENV[name];
  return value === undefined || value === '' ? fallback : Number(value);
}

// PROTOCOL.md 3.3: within one chat a connection receives message frames in strictly increasing seq, without gaps.
export const seqGaps = new Counter('chat_seq_gaps');
export const seqDuplicates = new Counter('chat_seq_duplicates');
export const seqReorders = new Counter('chat_seq_reorders');
export const sendErrors = new Counter('chat_send_errors');

function b64url(text) {
  return encoding.b64encode(text, 'rawurl');
}

// An HS256 token with `sub`, signed with the cluster's Auth:SigningKey, or a development token from the server.
export function tokenFor(userId) {
  if (SIGNING_KEY) {
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = b64url(JSON.stringify({ sub: userId, iat: now - 60, nbf: now - 60, exp: now + 4 * 3600 }));
    const signature = crypto.hmac('sha256', SIGNING_KEY, `${header}.${payload}`, 'base64rawurl');
    return `${header}.${payload}.${signature}`;
  }
  const response = http.post(`${BASE_URL}/api/v1/auth/dev-token`, JSON.stringify({ userId }), {
    headers: { 'content-type': 'application/json' },
  });
  if (response.status !== 200) {
    throw new Error(`dev-token answered ${response.status}: set SIGNING_KEY for a cluster without development tokens`);
  }
  return response.json('accessToken');
}

export function post(userId, path, body) {
  const response = http.post(`${BASE_URL}/api/v1/${path}`, JSON.stringify(body), {
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenFor(userId)}` },
  });
  if (response.status !== 200 && response.status !== 201) {
    throw new Error(`POST ${path} answered ${response.status}: ${response.body}`);
  }
  return response.json();
}

export function socketUrl(userId) {
  return `${WS_URL}?access_token=${encodeURIComponent(tokenFor(userId))}`;
}

// Per chat: the last seq seen and the seqs skipped; counts gaps, duplicates and reorderings.
export class SeqChecker {
  constructor() {
    this.last = {};
    this.missing = {};
  }

  observe(chatId, seq) {
    const last = this.last[chatId] || 0;
    const missing = this.missing[chatId] || (this.missing[chatId] = new Set());
    if (seq === last + 1) {
      this.last[chatId] = seq;
    } else if (seq > last + 1) {
      for (let s = last + 1; s < seq; s++) missing.add(s);
      this.last[chatId] = seq;
    } else if (missing.delete(seq)) {
      seqReorders.add(1);
    } else {
      seqDuplicates.add(1);
    }
  }

  // At the end: what was skipped and never came is a gap.
  finish() {
    for (const chatId of Object.keys(this.missing)) {
      if (this.missing[chatId].size > 0) seqGaps.add(this.missing[chatId].size);
    }
  }
}

// PROTOCOL.md 6.2/6.3: the fields a message frame, a sync result or a history item may carry, with their defaults.
export function readMessage(frame) {
  return {
    chatId: frame.chatId,
    seq: frame.seq,
    kind: frame.kind || 'text',
    senderId: frame.senderId,
    content: frame.content || '',
    target: frame.target,
    replyTo: frame.replyTo,
    remove: frame.remove === true,
    mentions: frame.mentions || [],
    editedAt: frame.editedAt,
    deleted: frame.deleted === true,
    reactions: frame.reactions || [],
  };
}

// A traffic mix, MIX=text=80,edit=10,reaction=10 (weights; a kind left out weighs 0). Empty: texts only.
export function parseMix(spec) {
  const mix = { text: 0, edit: 0, reaction: 0 };
  if (!spec) return { text: 1, edit: 0, reaction: 0 };
  const seen = new Set();
  for (const part of spec.split(',')) {
    const [kind, weight, extra] = part.trim().split('=').map((x) => x.trim());
    if (!(kind in mix) || seen.has(kind) || extra !== undefined || !/^[0-9]+$/.test(weight || '')) {
      throw new Error(`MIX: '${part}' is not text=N, edit=N or reaction=N (each kind once)`);
    }
    seen.add(kind);
    mix[kind] = Number(weight);
  }
  if (mix.text === 0) throw new Error('MIX: text needs a weight above 0 (edits and reactions change earlier texts)');
  return mix;
}

// One sender's kinds in smooth weighted round robin, as the .NET generator chooses them: within every
// text+edit+reaction sends each kind comes exactly its weight's times, spread out.
export class MixChooser {
  constructor(mix) {
    this.kinds = ['text', 'edit', 'reaction'];
    this.weights = this.kinds.map((k) => mix[k]);
    this.current = [0, 0, 0];
  }

  next() {
    let total = 0;
    let best = 0;
    for (let i = 0; i < this.weights.length; i++) {
      this.current[i] += this.weights[i];
      total += this.weights[i];
      if (this.current[i] > this.current[best]) best = i;
    }
    this.current[best] -= total;
    return this.kinds[best];
  }
}

// A sender's change targets: its own acked texts (edits) and the peer's received texts (reactions), the last 16 of
// each. A kind without a target yet is sent as a text.
export class ChangeTargets {
  constructor(userId) {
    this.userId = userId;
    this.own = [];
    this.peer = [];
  }

  ownTextAcked(seq) {
    this.own.push(seq);
    if (this.own.length > 16) this.own.shift();
  }

  received(message) {
    if (message.kind !== 'text' || message.senderId === this.userId) return;
    this.peer.push(message.seq);
    if (this.peer.length > 16) this.peer.shift();
  }

  pick(kind) {
    const pool = kind === 'edit' ? this.own : kind === 'reaction' ? this.peer : [];
    if (pool.length === 0) return { kind: 'text' };
    return { kind, target: pool[Math.floor(Math.random() * pool.length)] };
  }
}

export const correctnessThresholds = {
  chat_seq_gaps: ['count==0'],
  chat_seq_duplicates: ['count==0'],
  chat_seq_reorders: ['count==0'],
  chat_send_errors: ['count==0'],
};
