// @orleanschat/client (dist/, as built, and as `npm pack` packs it) against a real server: the Silo started by
// tests/server.mjs, once for the whole file (two starts would cost more than the tests).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { ChatClient } from '../dist/index.js';
import { testClient, users } from './clients.mjs';
import { Silo, next, recorder, tcpProxy, token } from './server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const HEARTBEAT_SECONDS = 2;
let silo;

before(async () => {
  // Sends and frames are limited per user and connection; the bursts here stay under the defaults' bursts anyway.
  silo = await Silo.start([`Gateway:HeartbeatSeconds=${HEARTBEAT_SECONDS}`]);
});

after(async () => {
  await silo?.stop();
});

const client = (userId, options) => testClient(silo.url, userId, options);

async function group(owner, members) {
  const chat = await owner.request('POST', '/chats', { title: 'Team', members });
  return chat.chatId;
}

/** The contents and seqs of one chat's message events, in the order the application saw them. */
function seen(messages, chatId) {
  return messages.filter(m => m.chatId === chatId).map(m => [m.seq, m.content]);
}

/** The README's use of the package, type-checked against the installed package's declarations. */
const PACKED_TYPES_CHECK = `
import { ChatClient, ChatError, type Ack, type Job, type MessageFrame, type ReplyProgress, type UploadedAttachment } from '@orleanschat/client';
const client = new ChatClient({ url: 'http://127.0.0.1:5000', token: async () => 'token' });
client.on('message', (m: MessageFrame) => m.seq + 1);
client.on('state', s => { const state: 'connecting' | 'connected' | 'offline' = s; return state; });
export async function use(chatId: string): Promise<Ack> {
  await client.connect();
  const ack = await client.send(chatId, 'hello');
  client.close();
  return ack;
}
export const isError = (e: unknown) => e instanceof ChatError && e.code === 'forbidden';
const events = new ChatClient({ url: 'http://127.0.0.1:5000', token: 'token', transport: 'sse' });
events.on('reply', (r: ReplyProgress) => r.text.length + r.attempt);
events.on('chunk', c => c.index + c.delta.length);
export async function later(chatId: string, file: Blob): Promise<[UploadedAttachment, Job, 'websocket' | 'sse']> {
  const uploaded = await events.upload(file, 'notes.txt');
  const ack = await events.send(chatId, '', { attachments: [uploaded.attachmentId] });
  await events.cancel(ack.jobId ?? '');
  return [uploaded, await events.job(ack.jobId ?? ''), events.transport];
}
`;

/** The installed package used from Node with ws, against the real server. */
const PACKED_NODE_CHECK = `
import { ChatClient } from '@orleanschat/client';
import WebSocket from WS_MODULE;
const client = new ChatClient({ url: process.env.CHAT_URL, token: async () => process.env.CHAT_TOKEN, WebSocket });
const welcome = await client.connect();
const chat = await client.request('POST', '/chats', { title: 'Packed', members: [] });
const ack = await client.send(chat.chatId, 'from the tarball');
client.close();
console.log(JSON.stringify({ userId: welcome.userId, seq: ack.seq }));
`;

function exec(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', d => { stdout += d; });
    child.stderr.on('data', d => { stderr += d; });
    child.on('error', reject);
    child.on('close', code => resolve({ code, stdout, stderr }));
  });
}

function range(from, count, prefix) {
  return Array.from({ length: count }, (_, i) => [from + i, `${prefix}${i}`]);
}

describe('ChatClient against a real server', () => {
  it('Two clients connect, and a message one sends reaches the other once, with the ack the sender got', { timeout: 60_000 }, async () => {
    const [aliceId, bobId] = users('alice', 'bob');
    const alice = client(aliceId);
    const bob = client(bobId);
    const states = [];
    alice.on('state', s => states.push(s));
    const bobSees = recorder(bob);
    try {
      const welcome = await alice.connect();
      assert.equal(welcome.userId, aliceId);
      assert.equal(alice.state, 'connected');
      assert.deepEqual(states, ['connecting', 'connected']);
      await bob.connect();
      const chatId = await group(alice, [bobId]);

      const ack = await alice.send(chatId, 'hello');
      await bobSees.until(1);

      assert.equal(ack.chatId, chatId);
      assert.equal(ack.seq, 1);
      const [message] = bobSees.messages;
      assert.deepEqual(
        [message.chatId, message.seq, message.messageId, message.senderId, message.content, message.clientMsgId],
        [chatId, 1, ack.messageId, aliceId, 'hello', ack.clientMsgId]);
      assert.match(ack.clientMsgId, /^[0-9a-f-]{36}$/);
    } finally {
      alice.close();
      bob.close();
    }
    assert.equal(alice.state, 'offline');
  });

  it('Changes, replies, reads and delivered reports go out as PROTOCOL.md 6 writes them', { timeout: 60_000 }, async () => {
    const [aliceId, bobId] = users('alice', 'bob');
    const alice = client(aliceId);
    const bob = client(bobId);
    const bobSees = recorder(bob);
    try {
      await alice.connect();
      await bob.connect();
      const chatId = await group(alice, [bobId]);
      const first = await alice.send(chatId, 'frist');
      const delivered = next(alice, 'receipt', r => r.userId === bobId && r.deliveredSeq >= 1);
      await alice.edit(chatId, first.seq, 'first');
      await bob.react(chatId, first.seq, '👍');
      await bob.react(chatId, first.seq, '👍', { remove: true });
      await bob.reply(chatId, first.seq, 'yes');
      const doomed = await alice.send(chatId, 'oops');
      await alice.delete(chatId, doomed.seq);
      await bobSees.until(7);
      const read = next(alice, 'receipt', r => r.userId === bobId && r.readSeq === 7);
      bob.read(chatId, 7);

      assert.deepEqual(bobSees.messages.map(m => [m.seq, m.kind, m.target, m.content, m.replyTo, m.remove]), [
        [1, 'text', undefined, 'frist', undefined, undefined],
        [2, 'edit', 1, 'first', undefined, undefined],
        [3, 'reaction', 1, '👍', undefined, undefined],
        [4, 'reaction', 1, '👍', undefined, true],
        [5, 'text', undefined, 'yes', 1, undefined],
        [6, 'text', undefined, 'oops', undefined, undefined],
        [7, 'delete', 6, '', undefined, undefined],
      ]);
      assert.equal((await delivered).chatId, chatId);
      assert.deepEqual([(await read).readSeq, (await read).deliveredSeq], [7, 7]);
    } finally {
      alice.close();
      bob.close();
    }
  });

  it('Sending with the same clientMsgId twice stores one message: both sends get the same ack and the others see it once', { timeout: 60_000 }, async () => {
    const [aliceId, bobId] = users('alice', 'bob');
    const alice = client(aliceId);
    const bob = client(bobId);
    const bobSees = recorder(bob);
    try {
      await alice.connect();
      await bob.connect();
      const chatId = await group(alice, [bobId]);

      const first = await alice.send(chatId, 'once', { clientMsgId: 'k-1' });
      const again = await alice.send(chatId, 'once', { clientMsgId: 'k-1' });
      await alice.send(chatId, 'after');
      await bobSees.until(2);

      assert.deepEqual([again.messageId, again.seq], [first.messageId, first.seq]);
      assert.deepEqual(seen(bobSees.messages, chatId), [[1, 'once'], [2, 'after']]);
    } finally {
      alice.close();
      bob.close();
    }
  });

  it('Message frames that come twice or after a gap reach the application once and in seq order, the gap filled by a sync', { timeout: 60_000 }, async () => {
    const [aliceId, bobId] = users('alice', 'bob');
    // Bob's socket hands every message frame over twice and holds seq 2 back: 3 arrives before 2 was ever seen.
    const syncs = [];
    class Flaky extends WebSocket {
      set onmessage(handler) {
        super.onmessage = handler && (event => {
          const frame = JSON.parse(String(event.data));
          if (frame.type === 'message' && frame.seq === 2 && !this.dropped) { this.dropped = true; return; }
          handler(event);
          if (frame.type === 'message') handler(event);
        });
      }
      get onmessage() { return super.onmessage; }
      send(data) {
        if (JSON.parse(data).type === 'sync') syncs.push(JSON.parse(data));
        super.send(data);
      }
    }
    const alice = client(aliceId);
    const bob = client(bobId, { WebSocket: Flaky });
    const bobSees = recorder(bob);
    try {
      await alice.connect();
      await bob.connect();
      const chatId = await group(alice, [bobId]);

      for (let i = 0; i < 4; i++) await alice.send(chatId, `m${i}`);
      await bobSees.until(4);
      await alice.send(chatId, 'last');
      await bobSees.until(5);

      assert.deepEqual(seen(bobSees.messages, chatId), [...range(1, 4, 'm'), [5, 'last']]);
      assert.deepEqual(syncs.map(s => s.chats), [[{ chatId, afterSeq: 1 }]]);
      assert.equal(bob.lastSeq(chatId), 5);
    } finally {
      alice.close();
      bob.close();
    }
  });

  it('A connection cut in the middle of a burst of sends: the unacknowledged ones go again with their clientMsgId, and each message is seen once, in order', { timeout: 60_000 }, async () => {
    const [aliceId, bobId] = users('alice', 'bob');
    const proxy = await tcpProxy(silo.ports.http);
    const written = [];
    class Recording extends WebSocket {
      send(data) {
        const frame = JSON.parse(data);
        if (frame.type === 'send') written.push(frame.clientMsgId);
        super.send(data);
      }
    }
    const alice = new ChatClient({
      url: proxy.url, token: async () => token(aliceId), WebSocket: Recording, reconnect: { minDelayMs: 100, maxDelayMs: 1000 },
    });
    const bob = client(bobId);
    const aliceSees = recorder(alice);
    const bobSees = recorder(bob);
    const count = 40;
    try {
      // Bob makes the chat before Alice connects: no `chat` event tells her client of it, only her sends do.
      await bob.connect();
      const chatId = await group(bob, [aliceId]);
      await alice.connect();
      // The first answers to the burst are lost with the connection: sends stored but unacknowledged, and their
      // message frames with them.
      const cut = proxy.cutWhen(chunk => chunk.includes('"type":"ack"') || chunk.includes('"type":"message"'));
      const reconnected = next(alice, 'welcome');

      const acks = await Promise.all(range(0, count, 'burst').map(([i, content]) => alice.send(chatId, content, { clientMsgId: `burst-${aliceId}-${i}` })));
      await cut;
      await reconnected;
      await bobSees.until(count);
      await aliceSees.until(count);

      const resent = written.filter((id, i) => written.indexOf(id) !== i);
      assert.ok(resent.includes(`burst-${aliceId}-0`), `the first send, whose ack was lost, went again (again: ${resent.length})`);
      assert.deepEqual(acks.map(a => a.seq), range(1, count, '').map(([seq]) => seq));
      assert.deepEqual(seen(bobSees.messages, chatId), range(1, count, 'burst'));
      assert.deepEqual(seen(aliceSees.messages, chatId), range(1, count, 'burst'));
    } finally {
      alice.close();
      bob.close();
      await proxy.close();
    }
  });

  it('An idle connection lives on: the client pings at the heartbeat pace, gets its pongs, and stays connected', { timeout: 60_000 }, async () => {
    const [aliceId] = users('alice');
    const alice = client(aliceId);
    const states = [];
    let pongs = 0;
    try {
      await alice.connect();
      alice.on('state', s => states.push(s));
      // Three of the client's pings answered take three heartbeats, past the server's keep-alive timeout (two); the
      // server's own keep-alive pings are WebSocket control frames, which `ws` (like a browser) answers by itself.
      await new Promise(resolve => alice.on('frame', f => { if (f.type === 'pong' && ++pongs === 3) resolve(); }));

      assert.deepEqual(states, []);
      assert.equal(alice.state, 'connected');
    } finally {
      alice.close();
    }
  });

  it("When the browser says it is offline the client gives up its socket at once and says so, and on 'online' it reconnects and gets what it missed", { timeout: 60_000 }, async () => {
    const [aliceId, bobId] = users('alice', 'bob');
    const bob = client(bobId);
    const alice = client(aliceId);
    // Alice's browser window, as far as the client uses it: 'online' and 'offline' events on the global object.
    const window = new EventTarget();
    try {
      await bob.connect();
      globalThis.addEventListener = window.addEventListener.bind(window);
      globalThis.removeEventListener = window.removeEventListener.bind(window);
      await alice.connect();
      const chatId = await group(alice, [bobId]);
      alice.track(chatId);
      const got = recorder(alice);
      const states = [];
      alice.on('state', s => states.push(s));

      window.dispatchEvent(new Event('offline'));
      const missed = await bob.send(chatId, 'while you were away');

      assert.deepEqual(states, ['offline']);
      assert.equal(got.messages.length, 0);
      window.dispatchEvent(new Event('online'));
      await got.until(1);
      assert.deepEqual(states, ['offline', 'connecting', 'connected']);
      assert.deepEqual(seen(got.messages, chatId), [[missed.seq, 'while you were away']]);
    } finally {
      alice.close();
      bob.close();
      delete globalThis.addEventListener;
      delete globalThis.removeEventListener;
    }
  });

  it('When its token expires the server closes the connection, and the client reconnects with a new token and goes on', { timeout: 60_000 }, async () => {
    const [aliceId] = users('alice');
    const lifetimes = [3, 3600];
    const alice = client(aliceId, { token: async () => token(aliceId, lifetimes.shift() ?? 3600) });
    try {
      await alice.connect();
      const refused = next(alice, 'error', e => e.code === 'unauthorized');
      const welcomedAgain = next(alice, 'welcome');

      assert.equal((await refused).message, 'The token expired; connect again with a new one.');
      await welcomedAgain;
      const chatId = await group(alice, []);
      const ack = await alice.send(chatId, 'still here');

      assert.deepEqual(lifetimes, []);
      assert.equal(ack.seq, 1);
    } finally {
      alice.close();
    }
  });

  it('The server serves the committed browser copy of the library as JavaScript modules at /lib/orleanschat-client/', { timeout: 60_000 }, async () => {
    const copy = new URL('../../../WebSocketFrontend/wwwroot/lib/orleanschat-client/', import.meta.url);
    for (const name of ['index.js', 'client.js']) {
      const response = await fetch(`${silo.url}/lib/orleanschat-client/${name}`);

      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'text/javascript');
      assert.equal(await response.text(), readFileSync(new URL(name, copy), 'utf8'));
    }
  });

  it('npm pack makes a package that installs into an empty project, type-checks, and connects, sends and gets its ack from Node, with ws and without', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orleanschat-jssdk-pack-'));
    try {
      // dist/ is built already (npm run build); packing again would only rebuild it.
      const pack = await exec('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: root });
      assert.equal(pack.code, 0, pack.stderr);
      const [info] = JSON.parse(pack.stdout);
      const files = info.files.map(f => f.path);
      assert.equal(info.name, '@orleanschat/client');
      for (const file of ['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/client.js', 'dist/client.d.ts']) {
        assert.ok(files.includes(file), `the package holds ${file}`);
      }
      assert.deepEqual(files.filter(f => !f.startsWith('dist/') && f !== 'package.json' && f !== 'README.md'), []);

      const app = join(dir, 'app');
      mkdirSync(app);
      writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
      const install = await exec('npm', ['install', join(dir, info.filename), '--offline', '--no-audit', '--no-fund'], { cwd: app });
      assert.equal(install.code, 0, install.stdout + install.stderr);

      writeFileSync(join(app, 'check.ts'), PACKED_TYPES_CHECK);
      const typecheck = await exec(process.execPath, [
        join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--strict', '--target', 'es2022',
        '--module', 'nodenext', '--moduleResolution', 'nodenext', '--lib', 'es2022,dom', 'check.ts',
      ], { cwd: app });
      assert.equal(typecheck.code, 0, typecheck.stdout + typecheck.stderr);

      const ws = pathToFileURL(join(root, 'node_modules', 'ws', 'wrapper.mjs')).href;
      writeFileSync(join(app, 'check.mjs'), PACKED_NODE_CHECK.replace('WS_MODULE', JSON.stringify(ws)));
      const userId = `packed-${process.pid}`;
      const check = await exec(process.execPath, ['check.mjs'], {
        cwd: app, env: { ...process.env, CHAT_URL: silo.url, CHAT_TOKEN: token(userId) },
      });
      assert.equal(check.code, 0, check.stdout + check.stderr);
      assert.deepEqual(JSON.parse(check.stdout), { userId, seq: 1 });

      // The same from Node without any WebSocket implementation installed: it runs on server-sent events.
      writeFileSync(join(app, 'check-events.mjs'), PACKED_NODE_CHECK.replace(/^import WebSocket.*$/m, 'const WebSocket = undefined;')
        .replace('console.log(JSON.stringify({ userId: welcome.userId, seq: ack.seq }));',
          'console.log(JSON.stringify({ userId: welcome.userId, seq: ack.seq, transport: client.transport }));'));
      const eventsUser = `packed-events-${process.pid}`;
      const onEvents = await exec(process.execPath, ['check-events.mjs'], {
        cwd: app, env: { ...process.env, CHAT_URL: silo.url, CHAT_TOKEN: token(eventsUser) },
      });
      assert.equal(onEvents.code, 0, onEvents.stdout + onEvents.stderr);
      // (Node 22 has a WebSocket of its own, which 'auto' takes; Node 20 has none.)
      const expected = typeof globalThis.WebSocket === 'undefined' ? 'sse' : 'websocket';
      assert.deepEqual(JSON.parse(onEvents.stdout), { userId: eventsUser, seq: 1, transport: expected });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Across a server restart, a client that was away gets what was sent meanwhile once and in order, with a token asked anew', { timeout: 60_000 }, async () => {
    const [aliceId, bobId] = users('alice', 'bob');
    let bobTokens = 0;
    let away = null;
    const alice = client(aliceId);
    const bob = client(bobId, {
      token: async () => { bobTokens++; await away; return token(bobId); },
      syncLimit: 2, // what he missed comes in pages of two: hasMore is followed
    });
    const aliceSees = recorder(alice);
    const bobSees = recorder(bob);
    try {
      await alice.connect();
      await bob.connect();
      const chatId = await group(alice, [bobId]);
      await alice.send(chatId, 'before');
      await bobSees.until(1);

      let back;
      away = new Promise(resolve => { back = resolve; }); // Bob cannot reconnect until he is back
      const aliceDown = next(alice, 'state', s => s === 'connecting');
      await silo.kill();
      await aliceDown;
      // Sent while the server is down: they wait, and go once it is back.
      const sends = ['while down 0', 'while down 1', 'while down 2'].map(content => alice.send(chatId, content));
      await silo.launch();
      const acks = await Promise.all(sends);
      acks.push(await alice.send(chatId, 'while Bob away 3'), await alice.send(chatId, 'while Bob away 4'));
      back();
      await bobSees.until(6);
      await aliceSees.until(6);

      assert.deepEqual(acks.map(a => a.seq), [2, 3, 4, 5, 6]);
      const expected = [[1, 'before'], [2, 'while down 0'], [3, 'while down 1'], [4, 'while down 2'], [5, 'while Bob away 3'], [6, 'while Bob away 4']];
      assert.deepEqual(seen(bobSees.messages, chatId), expected);
      assert.deepEqual(seen(aliceSees.messages, chatId), expected);
      assert.ok(bobTokens >= 2, `a token for each connection (${bobTokens})`);
      assert.equal(bob.state, 'connected');
    } finally {
      alice.close();
      bob.close();
    }
  });
});
