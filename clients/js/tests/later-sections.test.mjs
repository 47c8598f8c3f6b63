// The later protocol sections through @orleanschat/client, against a real server (tests/server.mjs) whose assistant
// asks a stand-in OpenAI-compatible provider on loopback (tests/standin.mjs): server-sent events as the transport
// (PROTOCOL.md 10), chosen or fallen back to; assistant chunks, replies, cancel and jobs (9); uploads (7).

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ChatApiError, ChatClient } from '../dist/index.js';
import { testClient, users } from './clients.mjs';
import { Silo, next, recorder, tcpProxy, token } from './server.mjs';
import { standIn } from './standin.mjs';

const HEARTBEAT_SECONDS = 2;
let silo;
let provider;

before(async () => {
  provider = await standIn();
  silo = await Silo.start([
    `Gateway:HeartbeatSeconds=${HEARTBEAT_SECONDS}`,
    'Assistant:Providers:0:Kind=OpenAI',
    `Assistant:Providers:0:Endpoint=${provider.url}/v1`,
    'Assistant:Providers:0:Model=stand-in',
    'Assistant:Providers:0:Retries=0',
    'Assistant:MaxAttempts=1',
  ]);
});

after(async () => {
  await silo?.stop();
  await provider?.close();
});

const client = (userId, options) => testClient(silo.url, userId, options);

/** A WebSocket that a proxy refuses: it closes before it ever opens. */
class BlockedWebSocket {
  readyState = 0;
  onopen = null;
  onmessage = null;
  onclose = null;
  onerror = null;
  constructor() {
    setTimeout(() => {
      this.readyState = 3;
      this.onerror?.({});
      this.onclose?.({ code: 1006 });
    }, 10);
  }
  send() { throw new Error('not open'); }
  close() { this.readyState = 3; }
}

function seen(messages, chatId) {
  return messages.filter(m => m.chatId === chatId).map(m => [m.seq, m.content]);
}

/** Collects a job's 'reply' events until its stored reply (the message carrying its job id) arrives. */
function followReply(watcher, jobIdPromise) {
  const progress = [];
  const stored = new Promise((resolve, reject) => {
    const timer = setTimeout(() => { off(); offReply(); reject(new Error('no stored reply within 30 s')); }, 30_000);
    const offReply = watcher.on('reply', p => progress.push(p));
    const off = watcher.on('message', async m => {
      if (m.jobId === undefined || m.jobId !== await jobIdPromise) return;
      clearTimeout(timer);
      off();
      offReply();
      resolve(m);
    });
  });
  return { progress, stored };
}

describe('server-sent events (PROTOCOL.md 10)', () => {
  it('a client on events receives in order, sends, counts for presence and reaches others with typing and read', async () => {
    const [aliceId, bobId] = users('alice', 'bob');
    // No WebSocket implementation given: this client lives on events only.
    const alice = new ChatClient({ url: silo.url, token: async () => token(aliceId), transport: 'sse' });
    const bob = client(bobId);
    try {
      const welcome = await alice.connect();
      assert.equal(welcome.userId, aliceId);
      assert.equal(alice.transport, 'sse');
      await bob.connect();
      const online = next(bob, 'presence', p => p.userId === aliceId);
      bob.watchPresence([aliceId]);
      assert.equal((await online).status, 'online');

      const { chatId } = await bob.request('POST', '/chats', { title: 'Events', members: [aliceId] });
      const got = recorder(alice);
      alice.track(chatId);
      for (const content of ['one', 'two', 'three']) await bob.send(chatId, content);
      await got.until(3);
      assert.deepEqual(seen(got.messages, chatId), [[1, 'one'], [2, 'two'], [3, 'three']]);

      const heard = next(bob, 'message', m => m.chatId === chatId && m.senderId === aliceId);
      const ack = await alice.send(chatId, 'from events');
      assert.equal(ack.seq, 4);
      assert.equal(ack.chatId, chatId);
      assert.equal((await heard).content, 'from events');

      const typing = next(bob, 'typing', t => t.userId === aliceId);
      assert.equal(alice.typing(chatId, 'start'), true);
      assert.equal((await typing).state, 'start');
      const receipt = next(bob, 'receipt', r => r.userId === aliceId && r.readSeq === 3);
      alice.read(chatId, 3);
      await receipt;

      const refused = await alice.send('no-such-chat', 'x').then(() => null, e => e);
      assert.ok(['forbidden', 'not_found'].includes(refused?.code), `refused with ${refused?.code}`);
    } finally {
      alice.close();
      bob.close();
    }
  });

  it('auto: when no WebSocket can be opened the client goes on over events at once', async () => {
    const [aliceId, bobId] = users('alice', 'bob');
    const alice = client(aliceId, { WebSocket: BlockedWebSocket });
    const bob = client(bobId);
    try {
      assert.equal(alice.transport, 'websocket');
      await alice.connect();
      assert.equal(alice.transport, 'sse');
      await bob.connect();
      assert.equal(bob.transport, 'websocket');
      const { chatId } = await bob.request('POST', '/chats', { title: 'Fallback', members: [aliceId] });
      alice.track(chatId);
      const got = recorder(alice);
      await bob.send(chatId, 'over the fallback');
      await got.until(1);
      assert.deepEqual(seen(got.messages, chatId), [[1, 'over the fallback']]);
    } finally {
      alice.close();
      bob.close();
    }
  });

  it('a stream cut mid-burst reconnects and syncs what it lost, each message once and in order', async () => {
    const [aliceId, bobId] = users('alice', 'bob');
    const proxy = await tcpProxy(silo.ports.http);
    const alice = new ChatClient({
      url: proxy.url, token: async () => token(aliceId), transport: 'sse', reconnect: { minDelayMs: 100, maxDelayMs: 500 },
    });
    const bob = client(bobId);
    try {
      await alice.connect();
      await bob.connect();
      const { chatId } = await bob.request('POST', '/chats', { title: 'Cut', members: [aliceId] });
      alice.track(chatId);
      const got = recorder(alice);
      const cut = proxy.cutWhen(chunk => chunk.includes('"content":"m3"'));
      const contents = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6'];
      for (const content of contents) await bob.send(chatId, content);
      await cut;
      await got.until(6);
      assert.deepEqual(seen(got.messages, chatId), contents.map((content, i) => [i + 1, content]));
      assert.equal(alice.transport, 'sse');
    } finally {
      alice.close();
      bob.close();
      await proxy.close();
    }
  });

  it('when its token expires the stream ends, and the client comes back with a new token and goes on', async () => {
    const [aliceId] = users('alice');
    const lifetimes = [3, 3600];
    const alice = client(aliceId, { transport: 'sse', token: async () => token(aliceId, lifetimes.shift() ?? 3600) });
    try {
      await alice.connect();
      const refused = next(alice, 'error', e => e.code === 'unauthorized');
      const welcomedAgain = next(alice, 'welcome');
      await refused;
      await welcomedAgain;
      const { chatId } = await alice.request('POST', '/chats', { title: 'Later', members: [] });
      const ack = await alice.send(chatId, 'still here');
      assert.deepEqual(lifetimes, []);
      assert.equal(ack.seq, 1);
      assert.equal(alice.transport, 'sse');
    } finally {
      alice.close();
    }
  });

  it('an unknown transport is refused when the client is made', () => {
    assert.throws(() => client('x', { transport: 'carrier-pigeon' }), TypeError);
  });
});

describe('the assistant (PROTOCOL.md 9)', () => {
  for (const transport of ['websocket', 'sse']) {
    it(`a reply streams as chunks in index order over ${transport} and ends with the stored reply`, async () => {
      const [aliceId] = users('alice');
      provider.reply(['Alpha ', 'beta ', 'gamma ', 'delta.'], 20);
      // The reply cannot be stored before the first three chunks have reached the client (chunks are best effort and a
      // slow one may come after the stored reply, which ends the reply events).
      const release = provider.holdBefore(3);
      const alice = client(aliceId, { transport });
      try {
        await alice.connect();
        const chat = await alice.request('POST', '/chats/direct', { userId: 'assistant' });
        alice.track(chat.chatId);
        const chunks = [];
        alice.on('chunk', c => chunks.push(c));
        let ackJob;
        const jobId = new Promise(resolve => { ackJob = resolve; });
        const { progress, stored } = followReply(alice, jobId);
        const lastChunk = next(alice, 'chunk', c => c.index === 3);
        const ack = await alice.send(chat.chatId, 'Tell me something');
        assert.ok(ack.jobId, 'the ack carries the job id');
        ackJob(ack.jobId);
        const three = await next(alice, 'reply', p => p.jobId === ack.jobId && p.chunks === 3);
        assert.equal(three.text, 'Alpha beta gamma ');
        release();
        const reply = await stored;
        assert.equal(reply.content, 'Alpha beta gamma delta.');
        assert.equal(reply.senderId, 'assistant');
        // The last chunk may come after the stored reply: on loopback it comes.
        await lastChunk;
        assert.ok(chunks.every(c => c.jobId === ack.jobId && c.chatId === chat.chatId && c.attempt === 1));
        const byIndex = [...chunks].sort((a, b) => a.index - b.index);
        assert.deepEqual(byIndex.map(c => c.index), [0, 1, 2, 3]);
        assert.equal(byIndex.map(c => c.delta).join(''), reply.content);
        assert.ok(progress.length > 0, 'reply events while it streamed');
        for (const p of progress) {
          assert.equal(p.jobId, ack.jobId);
          // Held chunks without a hole are the start of the reply, whatever order they came in.
          if (p.chunks === p.highestIndex + 1) assert.ok(reply.content.startsWith(p.text), `'${p.text}' starts the reply`);
        }

        const job = await alice.job(ack.jobId);
        assert.equal(job.status, 'completed');
        assert.equal(job.resultSeq, reply.seq);
        await alice.cancel(ack.jobId); // stopping a finished job changes nothing
        assert.equal((await alice.job(ack.jobId)).status, 'completed');
      } finally {
        alice.close();
      }
    });
  }

  it('cancel mid-stream over events stores the text so far, stopped, and the job says cancelled', async () => {
    const [aliceId] = users('alice');
    provider.reply(Array.from({ length: 60 }, (_, i) => `w${i} `), 100);
    const alice = client(aliceId, { transport: 'sse' });
    try {
      await alice.connect();
      const chat = await alice.request('POST', '/chats/direct', { userId: 'assistant' });
      alice.track(chat.chatId);
      let ackJob;
      const jobId = new Promise(resolve => { ackJob = resolve; });
      const { stored } = followReply(alice, jobId);
      const firstChunks = next(alice, 'reply', p => p.chunks >= 2);
      const ack = await alice.send(chat.chatId, 'Talk for a while');
      ackJob(ack.jobId);
      await firstChunks;
      await alice.cancel(ack.jobId);
      const reply = await stored;
      assert.equal(reply.stopped, true);
      assert.match(reply.content, /^w0 w1 /);
      assert.ok(reply.content.length < 60 * 3, 'stopped before the end');
      const job = await alice.job(ack.jobId);
      assert.equal(job.status, 'cancelled');
      assert.equal(job.resultSeq, reply.seq);
    } finally {
      alice.close();
    }
  });

  it('a job of a chat one is not in is not found', async () => {
    const [aliceId, eveId] = users('alice', 'eve');
    provider.reply(['Short.'], 10);
    const alice = client(aliceId);
    const eve = client(eveId);
    try {
      await alice.connect();
      const chat = await alice.request('POST', '/chats/direct', { userId: 'assistant' });
      const ack = await alice.send(chat.chatId, 'hello');
      const refused = await eve.job(ack.jobId).then(() => null, e => e);
      assert.ok(refused instanceof ChatApiError);
      assert.equal(refused.status, 404);
      await assert.rejects(eve.cancel(ack.jobId), e => e instanceof ChatApiError && e.status === 404);
    } finally {
      alice.close();
      eve.close();
    }
  });
});

describe('attachments (PROTOCOL.md 7)', () => {
  it('an upload is carried by a send and reaches the other member with the message', async () => {
    const [aliceId, bobId] = users('alice', 'bob');
    const alice = client(aliceId);
    const bob = client(bobId);
    try {
      await alice.connect();
      await bob.connect();
      const { chatId } = await alice.request('POST', '/chats', { title: 'Files', members: [bobId] });
      bob.track(chatId);
      const bytes = 'meeting notes\n';
      const uploaded = await alice.upload(new Blob([bytes], { type: 'text/plain' }), 'notes.txt');
      assert.equal(uploaded.name, 'notes.txt');
      assert.equal(uploaded.contentType, 'text/plain');
      assert.equal(uploaded.size, bytes.length);
      assert.equal(uploaded.sha256, createHash('sha256').update(bytes).digest('hex'));
      const heard = next(bob, 'message', m => m.chatId === chatId);
      await alice.send(chatId, '', { attachments: [uploaded.attachmentId] });
      const message = await heard;
      assert.deepEqual(message.attachments?.map(a => [a.attachmentId, a.name, a.size]), [[uploaded.attachmentId, 'notes.txt', bytes.length]]);

      await assert.rejects(alice.upload(new Blob([]), 'empty.txt'), e => e instanceof ChatApiError && e.status === 400);
    } finally {
      alice.close();
      bob.close();
    }
  });
});
