// A real OrleansChat server for the tests: the Silo's Release build (built by scripts/test.mjs) run as a child
// process on loopback ports of its own, SQLite in a data directory of its own, signing tokens with a known key;
// stopped or killed by its PID. Also what the tests use around it: tokens, a TCP proxy that can cut connections,
// and waiting for events.

import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const siloDll = process.env.ORLEANSCHAT_SILO_DLL
  ?? join(repo, 'Silo', 'bin', 'Release', 'net10.0', 'OrleansChat.Silo.dll');

/** The server's Auth:SigningKey: tokens are minted here as any issuer sharing the key would (HS256). */
export const SIGNING_KEY = 'jssdk-tests-signing-key-0123456789-abcdefghij';

export function token(userId, lifetimeSeconds = 3600) {
  const now = Math.floor(Date.now() / 1000);
  const part = value => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: userId, iat: now - 60, nbf: now - 60, exp: now + lifetimeSeconds })}`;
  return `${body}.${createHmac('sha256', SIGNING_KEY).update(body).digest('base64url')}`;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const running = new Set();
process.on('exit', () => { for (const child of running) child.kill('SIGKILL'); });

export class Silo {
  #child = null;
  #output = '';

  constructor(dataDir, ports, settings) {
    this.dataDir = dataDir;
    this.ports = ports;
    this.settings = settings;
    this.url = `http://127.0.0.1:${ports.http}`;
  }

  /** Starts a server on a fresh data directory and free ports; `settings` are extra `Key=value` configuration. */
  static async start(settings = []) {
    const dataDir = mkdtempSync(join(tmpdir(), 'orleanschat-jssdk-'));
    const ports = { http: await freePort(), silo: await freePort(), gateway: await freePort() };
    const silo = new Silo(dataDir, ports, settings);
    await silo.launch();
    return silo;
  }

  get pid() { return this.#child?.pid; }

  /** Starts the process (again, on the same data directory and ports) and waits until /health/ready answers 200. */
  async launch() {
    const args = [
      siloDll,
      `--urls=${this.url}`,
      `--Storage:DataDirectory=${this.dataDir}`,
      `--Orleans:SiloPort=${this.ports.silo}`,
      `--Orleans:GatewayPort=${this.ports.gateway}`,
      `--Auth:SigningKey=${SIGNING_KEY}`,
      '--Logging:LogLevel:Default=Warning',
      ...this.settings.map(s => `--${s}`),
    ];
    const child = spawn('dotnet', args, { cwd: dirname(siloDll), stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    running.add(child);
    this.#output = '';
    child.stdout.on('data', d => { this.#output += d; });
    child.stderr.on('data', d => { this.#output += d; });
    const exited = new Promise(resolve => child.once('exit', code => { running.delete(child); resolve(code); }));
    this.exited = exited;
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      const code = await Promise.race([exited, ready(this.url)]);
      if (code === true) return;
      if (typeof code === 'number' || code === null) throw new Error(`the server exited (${code}):\n${this.#output}`);
    }
    throw new Error(`the server was not ready within 90 s:\n${this.#output}`);
  }

  /** SIGKILL: a crash, nothing flushed or closed politely. */
  async kill() {
    const child = this.#child;
    if (!child || child.exitCode !== null) return;
    child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM (sockets closed with 1001), then the data directory goes. */
  async stop() {
    const child = this.#child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await this.exited;
      clearTimeout(timer);
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

async function ready(url) {
  try {
    const response = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2000) });
    if (response.ok) return true;
  } catch { /* not listening yet */ }
  await new Promise(resolve => setTimeout(resolve, 200));
  return false;
}

/**
 * A TCP proxy to `port`: `cut()` ends every connection through it at once, mid-frame if need be; `cutWhen(test)` does
 * so when a chunk from the server passes `test`, and that chunk is lost. (The server's frames are neither masked nor
 * compressed, so a chunk shows the JSON it carries.)
 */
export async function tcpProxy(port) {
  const pairs = new Set();
  let cutting = false;
  let trigger = null;
  const server = createServer(downstream => {
    const upstream = tcpConnect(port, '127.0.0.1');
    const pair = { downstream, upstream };
    pairs.add(pair);
    const end = () => { pairs.delete(pair); downstream.destroy(); upstream.destroy(); };
    downstream.on('data', chunk => { if (!cutting) upstream.write(chunk); });
    upstream.on('data', chunk => {
      if (trigger?.test(chunk)) {
        const { done } = trigger;
        trigger = null;
        proxy.cut();
        done();
        return;
      }
      if (!cutting) downstream.write(chunk);
    });
    downstream.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  const proxy = {
    url: `http://127.0.0.1:${server.address().port}`,
    cutWhen(test) {
      return new Promise(done => { trigger = { test, done }; });
    },
    cut() {
      cutting = true;
      for (const { downstream, upstream } of pairs) { downstream.destroy(); upstream.destroy(); }
      pairs.clear();
      cutting = false;
    },
    close: () => new Promise(resolve => { for (const p of pairs) { p.downstream.destroy(); p.upstream.destroy(); } server.close(resolve); }),
  };
  return proxy;
}

/** Resolves with the first `event` of `client` for which `predicate` holds; fails after `timeoutMs`. */
export function next(client, event, predicate = () => true, timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { off(); reject(new Error(`no '${event}' within ${timeoutMs} ms`)); }, timeoutMs);
    const off = client.on(event, value => {
      if (!predicate(value)) return;
      clearTimeout(timer);
      off();
      resolve(value);
    });
  });
}

/** Every message event of `client`, and a way to wait until `count` have come. */
export function recorder(client) {
  const messages = [];
  const waiters = [];
  client.on('message', m => {
    messages.push(m);
    for (const w of [...waiters]) if (messages.length >= w.count) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); }
  });
  return {
    messages,
    until(count, timeoutMs = 30_000) {
      if (messages.length >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const waiter = { count, resolve: () => { clearTimeout(timer); resolve(); } };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`${messages.length} of ${count} messages within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
  };
}
