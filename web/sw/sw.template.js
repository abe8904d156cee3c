/* Boucle service worker. Generated at build time from this template by vite.config.ts, which
   fills in the build's content hash (the cache version) and the list of shell files to
   precache. API calls (/api/...) are never handled nor cached here. */
const VERSION = __BOUCLE_VERSION__;
const PRECACHE = __BOUCLE_PRECACHE__;
const SHELL_CACHE = 'boucle-shell-' + VERSION;
const LAZY_CACHE = 'boucle-lazy-' + VERSION;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE)
      .then((cache) => cache.addAll(PRECACHE.map((p) => new Request(p, { cache: 'reload' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys
        .filter((k) => k.startsWith('boucle-') && k !== SHELL_CACHE && k !== LAZY_CACHE)
        .map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then((v) => { clearTimeout(timer); resolve(v); }, (e) => { clearTimeout(timer); reject(e); });
  });
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;          // map tiles and the like: network only
  if (url.pathname.startsWith('/api/') || url.pathname === '/healthz' || url.pathname === '/metrics') return;

  if (request.mode === 'navigate') {
    // The app routes by hash: every navigation is the shell. Network first (a fresh deploy
    // is picked up), falling back to the cached /index.html when offline or too slow.
    event.respondWith(
      withTimeout(fetch(request), 4000)
        .then((res) => (res.ok ? res : caches.match('/index.html', { ignoreVary: true }).then((c) => c || res)))
        .catch(() => caches.match('/index.html', { ignoreVary: true }).then((c) => c || Response.error())),
    );
    return;
  }

  // Shell assets: cache first. Lazy chunks (the manager app) are cached when first fetched.
  event.respondWith(
    caches.match(request, { ignoreVary: true }).then((hit) => {
      if (hit) return hit;
      return fetch(request).then((res) => {
        if (res.ok && url.pathname.startsWith('/assets/')) {
          const copy = res.clone();
          caches.open(LAZY_CACHE).then((cache) => cache.put(request, copy));
        }
        return res;
      });
    }),
  );
});
