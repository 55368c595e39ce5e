/* The hall display's service worker (served as /display/sw.js, scope /display/): the media files from Cache
   Storage (media.js puts them there), answering a video's range requests from the cached file; the page, its
   scripts and its content from the network, or from the cache while the server is away. */
"use strict";
const MEDIA = "kezek-media-v1";
const SHELL = "kezek-display-shell-v1";
const SHELL_PATHS = [/^\/display\/$/, /^\/display\/static\//, /^\/static\//, /^\/vendor\//,
                     /^\/api\/v1\/display\/content$/, /^\/audio\/chime\.wav$/];

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

async function ranged(request, response) {
  const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.get("range") || "");
  if (!range) return response;
  const blob = await response.blob();
  const start = range[1] ? Number(range[1]) : Math.max(0, blob.size - Number(range[2]));
  const end = range[1] && range[2] ? Math.min(Number(range[2]), blob.size - 1) : blob.size - 1;
  if (start >= blob.size || start > end) {
    return new Response(null, { status: 416, headers: { "Content-Range": "bytes */" + blob.size } });
  }
  return new Response(blob.slice(start, end + 1), { status: 206, headers: {
    "Content-Type": response.headers.get("Content-Type") || "application/octet-stream",
    "Content-Range": "bytes " + start + "-" + end + "/" + blob.size,
    "Content-Length": String(end - start + 1), "Accept-Ranges": "bytes" } });
}

async function media(request) {
  const cached = await caches.match(request.url, { cacheName: MEDIA });
  return cached ? ranged(request, cached) : fetch(request);
}

async function shell(request) {
  const cache = await caches.open(SHELL);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (e) {
    const cached = await cache.match(request, { ignoreSearch: new URL(request.url).pathname === "/display/" });
    if (cached) return cached;
    throw e;
  }
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (/^\/media\/[0-9a-f]{64}\.\w+$/.test(url.pathname)) event.respondWith(media(event.request));
  else if (SHELL_PATHS.some((p) => p.test(url.pathname))) event.respondWith(shell(event.request));
});
