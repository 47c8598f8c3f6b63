// The events socket's reading of a stream (PROTOCOL.md 10) as other servers and proxies may write it: line ends of
// '\r\n' or '\r' as the event-stream format allows, split anywhere between reads, and comment lines. No Silo needed:
// a loopback server writes the stream in the pieces the test chooses.

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, it } from 'node:test';
import { EventStreamSocket } from '../dist/events.js';

let server;
let pieces = [];

before(async () => {
  server = createServer(async (request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const piece of pieces) {
      response.write(piece);
      await new Promise(resolve => setTimeout(resolve, 20)); // each piece its own read
    }
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
});

after(() => new Promise(resolve => { server.closeAllConnections(); server.close(resolve); }));

function frames(count) {
  const socket = new EventStreamSocket(`ws://127.0.0.1:${server.address().port}/ws?access_token=t`);
  const got = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { socket.close(); reject(new Error(`${got.length} of ${count} frames`)); }, 5000);
    socket.onmessage = ({ data }) => {
      got.push(JSON.parse(data));
      if (got.length === count) { clearTimeout(timer); socket.close(); resolve(got); }
    };
  });
}

it("reads events whose lines end in '\\r\\n' split between reads, and in '\\r', skipping comments", async () => {
  pieces = [
    'event: welcome\r',
    '\ndata: {"type":"welcome","heartbeatSeconds":25}\r\n\r',
    '\n: heartbeat\r\n\r\n',
    'event: message\rdata: {"type":"message",\r',
    '\ndata: "seq":1}\r\n\r\n',
    'data: {"type":"pong"}\n\n',
  ];
  assert.deepEqual(await frames(3), [
    { type: 'welcome', heartbeatSeconds: 25 },
    { type: 'message', seq: 1 },
    { type: 'pong' },
  ]);
});
