// An OpenAI-compatible chat completions server on loopback, for the assistant tests: the server under test is
// configured with `Assistant:Providers:0:Kind=OpenAI` and `Endpoint=<url>/v1`. Every request is answered with the
// deltas given to `reply()` (or the default ones) as `text/event-stream`: `data: {chat.completion.chunk}` lines at
// `intervalMs`, then `data: [DONE]`.

import { createServer } from 'node:http';

export async function standIn() {
  let deltas = ['Alpha ', 'beta ', 'gamma ', 'delta.'];
  let intervalMs = 50;
  let held = null; // { index, released }: answers wait before that delta until released
  const requests = [];
  const streams = new Set();
  const server = createServer((request, response) => {
    if (request.method !== 'POST' || !request.url.endsWith('/chat/completions')) {
      response.writeHead(404).end();
      return;
    }
    let body = '';
    request.on('data', d => { body += d; });
    request.on('end', () => void answer(JSON.parse(body || '{}'), response));
  });

  async function answer(body, response) {
    requests.push(body);
    const model = body.model ?? 'stand-in';
    const chunk = (delta, finish) => JSON.stringify({
      id: 'chatcmpl-standin', object: 'chat.completion.chunk', created: 1_700_000_000, model,
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    streams.add(response);
    const these = [...deltas];
    const hold = held;
    for (let i = 0; i < these.length && !response.destroyed; i++) {
      await new Promise(resolve => setTimeout(resolve, intervalMs));
      if (hold?.index === i) await hold.released;
      response.write(`data: ${chunk({ role: 'assistant', content: these[i] }, null)}\n\n`);
    }
    if (!response.destroyed) response.end(`data: ${chunk({}, 'stop')}\n\ndata: [DONE]\n\n`);
    streams.delete(response);
  }

  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    /** The deltas of every later answer, one every `everyMs`. */
    reply(next, everyMs = 50) {
      deltas = next;
      intervalMs = everyMs;
      held = null;
    },
    /** Later answers wait before their delta `index` until the function returned is called. */
    holdBefore(index) {
      let release;
      held = { index, released: new Promise(resolve => { release = resolve; }) };
      return release;
    },
    close() {
      for (const response of streams) response.destroy();
      return new Promise(resolve => server.close(resolve));
    },
  };
}
