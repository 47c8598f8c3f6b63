// The REST side of the protocol client (PROTOCOL.md 4): calls under /api/v1 with the bearer token and a new token
// when the old one is refused, errors with the protocol's codes, a token's claims, and development tokens.

/** An answer of the REST API that is not a success, with PROTOCOL.md's code. */
export class ChatApiError extends Error {
  constructor(status, code, message) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
  }
}

/** Reads the claims of a JWT without checking it (the server checks): `sub` is the user id, `exp` the expiry. */
export function tokenClaims(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = decodeURIComponent(Array.from(atob(part), c => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')).join(''));
    return JSON.parse(json);
  } catch {
    return null;
  }
}

/** Asks the development token endpoint for a token; a 404 means development tokens are off on this server. */
export async function requestDevToken(baseUrl, userId, displayName) {
  const response = await fetch(new URL('/api/v1/auth/dev-token', baseUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ userId, displayName: displayName || userId }),
  });
  if (!response.ok) {
    throw await problemOf(response);
  }
  return response.json();
}

async function problemOf(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // not JSON: the status says enough
  }
  return new ChatApiError(response.status, body?.code, body?.detail || body?.title);
}

/** The access token, and a new one when the server refuses it; `refused` runs when there is none. */
export class Credentials {
  #token;
  #refresh;
  #refused;

  constructor(token, refresh, refused) {
    this.#token = token;
    this.#refresh = refresh;
    this.#refused = refused;
  }

  get token() { return this.#token; }

  /** Resolves false, after `refused`, when there is no new token. */
  async renew() {
    let token = null;
    try {
      token = await this.#refresh();
    } catch {
      token = null;
    }
    if (!token) {
      this.#refused();
      return false;
    }
    this.#token = token;
    return true;
  }
}

/** The routes the client uses. */
export class ChatApi {
  #baseUrl;
  #credentials;

  constructor(baseUrl, credentials) {
    this.#baseUrl = baseUrl;
    this.#credentials = credentials;
  }

  async call(method, path, body, signal) {
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(new URL(`/api/v1${path}`, this.#baseUrl), {
        method,
        signal,
        headers: {
          Authorization: `Bearer ${this.#credentials.token}`,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (response.status === 401 && attempt === 0 && await this.#credentials.renew()) continue;
      if (!response.ok) throw await problemOf(response);
      return response.status === 204 ? null : response.json();
    }
  }

  listChats() { return this.call('GET', '/me/chats').then(r => r.chats); }

  getChat(chatId) { return this.call('GET', `/chats/${encodeURIComponent(chatId)}`); }

  createGroup(title, members) { return this.call('POST', '/chats', { title, members }); }

  openDirect(userId) { return this.call('POST', '/chats/direct', { userId }); }

  /** A page of history: `{messages, hasMore}` in seq order. */
  history(chatId, { beforeSeq, afterSeq, limit = 50 } = {}) {
    const query = new URLSearchParams({ limit: String(limit) });
    if (beforeSeq !== undefined) query.set('beforeSeq', String(beforeSeq));
    if (afterSeq !== undefined) query.set('afterSeq', String(afterSeq));
    return this.call('GET', `/chats/${encodeURIComponent(chatId)}/messages?${query}`);
  }

  /** PROTOCOL.md 8: `{results, next}`, newest first; `signal` cancels a search overtaken by the next keystroke. */
  search(q, { before, limit, signal } = {}) {
    const query = new URLSearchParams({ q });
    if (before !== undefined) query.set('before', before);
    if (limit !== undefined) query.set('limit', String(limit));
    return this.call('GET', `/search?${query}`, undefined, signal);
  }
}
