// What carries the page's frames: a WebSocket, or, when none can be opened (a proxy may block them), server-sent events
// with REST actions (event-socket.js). The SDK makes its sockets with `new`; `socketType` makes each one of the kind
// chosen now, and the last one made is kept for the frames the SDK has no call for (`cancel`).

import { EventSocket } from './event-socket.js';

export class Transport {
  /** `websocket` or `sse`: the one in use, or being tried. */
  kind = 'websocket';
  #socket = null;
  #rest;

  /** `rest(method, path, body)`: a REST call under /api/v1 with the session's token. */
  constructor(rest) {
    this.#rest = rest;
    const transport = this;
    this.socketType = function Socket(url) {
      transport.#socket = transport.kind === 'sse' ? new EventSocket(url, rest) : new WebSocket(url);
      return transport.#socket;
    };
  }

  /** A first connection failed before its welcome: true when another kind is worth trying at once. */
  failed() {
    if (this.kind === 'websocket' && globalThis.navigator?.onLine !== false) {
      this.kind = 'sse';
      return true;
    }
    this.kind = 'websocket'; // then both in turn, with the caller's backoff
    return false;
  }

  /** Stops an assistant reply (PROTOCOL.md 9): the `cancel` frame on an open WebSocket, DELETE /jobs/{jobId} otherwise. */
  cancel(jobId, welcomed) {
    const socket = this.#socket;
    if (this.kind === 'websocket' && welcomed && socket?.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ type: 'cancel', jobId }));
      return Promise.resolve();
    }
    return this.#rest('DELETE', `/jobs/${encodeURIComponent(jobId)}`);
  }
}
