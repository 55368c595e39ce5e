/* The ticket page's service worker: turns the server's Web Push messages into notifications, with the
   page closed and the screen locked, and opens the ticket's page when one is tapped. */
self.addEventListener("push", (event) => {
  let data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = { title: event.data.text() }; }
  const title = data.title || "Kezek";
  event.waitUntil(self.registration.showNotification(title, {
    body: data.body || "",
    tag: data.tag || "kezek",            // one notification per ticket: a newer message replaces the last
    renotify: true,
    requireInteraction: true,
    vibrate: [400, 200, 400, 200, 800],
    data: { url: data.url || "" },
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const wanted = (event.notification.data && event.notification.data.url) || "";
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((list) => {
    const page = list.find((c) => c.url.indexOf("/t/") !== -1);
    if (page) return page.focus();
    // Only a page of this server: the message says where, but never another site.
    if (wanted && new URL(wanted, self.location.origin).origin === self.location.origin) {
      return self.clients.openWindow(wanted);
    }
    return undefined;
  }));
});
