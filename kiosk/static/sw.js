/* Kiosk service worker: keeps the app shell and the survey available offline.
   The server replaces __VERSION__ with a hash of the kiosk files, so a new release
   installs a new cache and drops the old one. */
var VERSION = '__VERSION__';
var CACHE = 'kto-kiosk-' + VERSION;
var SHELL = ['/kiosk/', '/kiosk/static/kiosk.js?v=' + VERSION,
  '/kiosk/static/kiosk.css?v=' + VERSION];

self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(CACHE).then(function (c) { return c.addAll(SHELL); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    var old = keys.filter(function (k) { return k.indexOf('kto-kiosk-') === 0 && k !== CACHE; });
    return Promise.all(old.map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

/* Network first, the cached copy when the network fails or the server has trouble. */
function fresh(request, key) {
  return caches.open(CACHE).then(function (cache) {
    return fetch(request).then(function (res) {
      if (res.ok) { cache.put(key, res.clone()); return res; }
      if (res.status < 500) return res;
      return cache.match(key).then(function (hit) { return hit || res; });
    }, function (error) {
      return cache.match(key).then(function (hit) { if (hit) return hit; throw error; });
    });
  });
}

self.addEventListener('fetch', function (event) {
  var request = event.request, url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== location.origin) return;
  if (url.pathname === '/kiosk/' && request.mode === 'navigate') {
    event.respondWith(fresh(request, '/kiosk/'));
  } else if (url.pathname === '/kiosk/api/config') {
    event.respondWith(fresh(request, '/kiosk/api/config'));
  } else if (SHELL.slice(1).indexOf(url.pathname + url.search) >= 0) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
  }
});
