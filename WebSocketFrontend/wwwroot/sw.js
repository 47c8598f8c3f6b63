// The page's service worker, for one thing only: an attachment's bytes (PROTOCOL.md 7) need the bearer token, which
// an <img>, a link or a new tab cannot send. Requests for /api/v1/attachments/... get the Authorization header of
// a signed-in tab of this origin; everything else goes to the network untouched. The token is asked for each time,
// never kept here: a worker may be stopped at any moment, and a signed-out tab has none to give.

const ATTACHMENTS = '/api/v1/attachments/';
const ASK_TIMEOUT_MS = 3000;

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', event => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', event => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin || !url.pathname.startsWith(ATTACHMENTS)) return;
  if (event.request.headers.has('Authorization')) return; // the page's own fetches carry it already
  event.respondWith(withToken(event));
});

async function withToken(event) {
  const token = await askToken(event.clientId);
  const headers = new Headers();
  if (token) headers.set('Authorization', `Bearer ${token}`);
  const range = event.request.headers.get('Range');
  if (range) headers.set('Range', range);
  // A new request, not the page's: an <img>'s request is `no-cors`, which may carry no Authorization header.
  return fetch(event.request.url, { headers, mode: 'same-origin', credentials: 'omit', cache: 'no-store' });
}

/** The token of the tab that asked, else of any tab of this origin that has one. */
async function askToken(clientId) {
  const asking = clientId ? await self.clients.get(clientId) : null;
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  for (const client of [asking, ...windows.filter(w => w.id !== clientId)]) {
    if (!client) continue;
    const token = await ask(client);
    if (token) return token;
  }
  return null;
}

function ask(client) {
  return new Promise(resolve => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => resolve(null), ASK_TIMEOUT_MS);
    channel.port1.onmessage = event => {
      clearTimeout(timer);
      resolve(typeof event.data?.token === 'string' ? event.data.token : null);
    };
    client.postMessage({ type: 'token?' }, [channel.port2]);
  });
}
