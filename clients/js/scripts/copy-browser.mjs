// Copies the ES module build (dist/*.js) to the web client's wwwroot/lib/orleanschat-client/, which is committed,
// so the server serves the client library without Node being installed where it runs.
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const browserCopy = join(root, '..', '..', 'WebSocketFrontend', 'wwwroot', 'lib', 'orleanschat-client');
const dist = join(root, 'dist');

rmSync(browserCopy, { recursive: true, force: true });
mkdirSync(browserCopy, { recursive: true });
for (const name of readdirSync(dist).filter(n => n.endsWith('.js')).sort()) {
  copyFileSync(join(dist, name), join(browserCopy, name));
}
