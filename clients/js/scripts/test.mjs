// `npm test`: makes sure the Silo's Release build is there (dotnet build, unless ORLEANSCHAT_SILO_BUILT=1 says the
// caller just built it), then runs tests/*.test.mjs with the Node test runner, one file at a time (each starts a
// server of its own). Expects `npm run build` to have made dist/.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { siloDll } from '../tests/server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const repo = join(root, '..', '..');

if (!existsSync(join(root, 'dist', 'index.js'))) {
  console.error('dist/ is missing: run `npm run build` first.');
  process.exit(1);
}
if (process.env.ORLEANSCHAT_SILO_BUILT !== '1' || !existsSync(siloDll)) {
  const build = spawnSync('dotnet', ['build', join(repo, 'Silo', 'Silo.csproj'), '-c', 'Release', '-v', 'q', '-nologo'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const tests = readdirSync(join(root, 'tests')).filter(n => n.endsWith('.test.mjs')).sort().map(n => join('tests', n));
const run = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...process.argv.slice(2), ...tests], { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
