// The tests' clients: user ids of their own per test, and a ChatClient (dist/, as built) on `ws` that reconnects quickly.

import WebSocket from 'ws';
import { ChatClient } from '../dist/index.js';
import { token } from './server.mjs';

let run = 0;

/** User ids of their own per test, so that tests never see each other's chats. */
export function users(...names) {
  run++;
  return names.map(name => `${name}-${run}-${process.pid}`);
}

/** A client of the server at `url` as `userId`, on `ws`, reconnecting quickly; `options` override any of that. */
export function testClient(url, userId, options = {}) {
  return new ChatClient({
    url,
    token: async () => token(userId),
    WebSocket,
    reconnect: { minDelayMs: 100, maxDelayMs: 1000 },
    ...options,
  });
}
