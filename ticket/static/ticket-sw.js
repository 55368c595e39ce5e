/* The ticket page's service worker: only so that Android can show the "go to desk" notification. */
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((list) => {
    const page = list.find((c) => c.url.indexOf("/t/") !== -1);
    return page ? page.focus() : undefined;
  }));
});
