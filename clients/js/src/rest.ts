// REST calls under /api/v1 (PROTOCOL.md 4) with the client's token, and client message ids.

import { ChatApiError } from './errors.js';

export async function restCall<T>(
  base: string, token: () => Promise<string>, method: string, path: string, body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${await token()}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const init = { method, headers, body: body === undefined ? undefined : JSON.stringify(body) };
  return answer<T>(await fetch(apiUrl(base, path), init));
}

/** `POST /api/v1/attachments` (PROTOCOL.md 7): the file as the one `file` part of a multipart form. */
export async function restUpload<T>(base: string, token: () => Promise<string>, file: Blob, name: string): Promise<T> {
  const form = new FormData();
  form.append('file', file, name);
  const headers = { authorization: `Bearer ${await token()}` };
  return answer<T>(await fetch(apiUrl(base, '/attachments'), { method: 'POST', headers, body: form }));
}

function apiUrl(base: string, path: string): URL {
  const root = (base.endsWith('/') ? base : `${base}/`).replace(/^ws/, 'http');
  return new URL(`api/v1/${path.replace(/^\//, '')}`, root);
}

async function answer<T>(response: Response): Promise<T> {
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text; // not JSON (a proxy's error page, say)
  }
  if (!response.ok) throw new ChatApiError(response.status, typeof json === 'object' ? json as Record<string, unknown> : undefined);
  return json as T;
}

export function newId(): string {
  const crypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (crypto?.randomUUID) return crypto.randomUUID();
  // randomUUID needs a secure context in browsers: a page over plain http gets a random id all the same.
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[Math.floor(Math.random() * 4)]}${hex(3)}-${hex(12)}`;
}
