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

export const correctnessThresholds = {
  chat_seq_gaps: ['count==0'],
  chat_seq_duplicates: ['count==0'],
  chat_seq_reorders: ['count==0'],
  chat_send_errors: ['count==0'],
};
