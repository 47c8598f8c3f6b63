// The web client's copy of the library (WebSocketFrontend/wwwroot/lib/orleanschat-client/, committed so that the
// server needs no Node) is exactly a fresh build of src/, and loads in a browser as it is.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const copy = join(root, '..', '..', 'WebSocketFrontend', 'wwwroot', 'lib', 'orleanschat-client');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const jsFiles = dir => readdirSync(dir).filter(n => n.endsWith('.js')).sort();

it('The browser copy in wwwroot/lib is a fresh build of src, file for file', () => {
  const fresh = mkdtempSync(join(tmpdir(), 'orleanschat-jssdk-build-'));
  try {
    const build = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json'), '--outDir', fresh], { encoding: 'utf8' });
    assert.equal(build.status, 0, build.stdout + build.stderr);

    assert.deepEqual(jsFiles(copy), jsFiles(fresh));
    for (const name of jsFiles(fresh)) {
      assert.equal(readFileSync(join(copy, name), 'utf8'), readFileSync(join(fresh, name), 'utf8'), `${name} differs: run npm run build and commit`);
    }
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
});

it('The browser copy is committed as built: npm run build left nothing to commit', (t) => {
  const status = spawnSync('git', ['status', '--porcelain', '--', copy], { cwd: root, encoding: 'utf8' });
  if (status.status !== 0) {
    t.skip(`not a git checkout (${(status.stderr || status.error?.message || '').trim()})`);
    return;
  }
  assert.equal(status.stdout, '', 'the committed copy is not what npm run build writes: commit WebSocketFrontend/wwwroot/lib/');
});

it('Every module of the browser copy imports only its siblings, by relative path, and has at most 200 lines', () => {
  for (const name of jsFiles(copy)) {
    const source = readFileSync(join(copy, name), 'utf8');
    const specifiers = [...source.matchAll(/^(?:import|export)\b[^;]*?\bfrom '([^']+)';/gm)].map(m => m[1]);
    for (const specifier of specifiers) {
      assert.match(specifier, /^\.\/[a-z0-9-]+\.js$/, `${name} imports ${specifier}`);
      assert.ok(jsFiles(copy).includes(specifier.slice(2)), `${name} imports ${specifier}, which is not in the copy`);
    }
    const lines = source.trimEnd().split('\n').length;
    assert.ok(lines <= 200, `${name} has ${lines} lines; the web client's modules have at most 200`);
  }
});
