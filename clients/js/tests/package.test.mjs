// `npm pack` makes a package that installs into an empty project, type-checks there as the README uses it, and
// talks to a real server from Node.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Silo, token } from './server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let silo;
let dir;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'orleanschat-jssdk-pack-'));
  silo = await Silo.start();
});

after(async () => {
  await silo?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function run(command, args, options = {}) {
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

it('npm pack makes a package that installs into an empty project, type-checks, and connects, sends and gets its ack from Node', { timeout: 120_000 }, async () => {
  // dist/ is built already (npm run build); packing again would only rebuild it.
  const pack = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: root });
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
  const install = await run('npm', ['install', join(dir, info.filename), '--offline', '--no-audit', '--no-fund'], { cwd: app });
  assert.equal(install.code, 0, install.stdout + install.stderr);

  writeFileSync(join(app, 'check.ts'), `
import { ChatClient, ChatError, type Ack, type MessageFrame } from '@orleanschat/client';
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
`);
  const typecheck = await run(process.execPath, [
    join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--strict', '--target', 'es2022',
    '--module', 'nodenext', '--moduleResolution', 'nodenext', '--lib', 'es2022,dom', 'check.ts',
  ], { cwd: app });
  assert.equal(typecheck.code, 0, typecheck.stdout + typecheck.stderr);

  writeFileSync(join(app, 'check.mjs'), `
import { ChatClient } from '@orleanschat/client';
import WebSocket from ${JSON.stringify(pathToFileURL(join(root, 'node_modules', 'ws', 'wrapper.mjs')).href)};
const client = new ChatClient({ url: process.env.CHAT_URL, token: async () => process.env.CHAT_TOKEN, WebSocket });
const welcome = await client.connect();
const chat = await client.request('POST', '/chats', { title: 'Packed', members: [] });
const ack = await client.send(chat.chatId, 'from the tarball');
client.close();
console.log(JSON.stringify({ userId: welcome.userId, seq: ack.seq }));
`);
  const userId = `packed-${process.pid}`;
  const check = await run(process.execPath, ['check.mjs'], {
    cwd: app, env: { ...process.env, CHAT_URL: silo.url, CHAT_TOKEN: token(userId) },
  });
  assert.equal(check.code, 0, check.stdout + check.stderr);
  assert.deepEqual(JSON.parse(check.stdout), { userId, seq: 1 });
});
