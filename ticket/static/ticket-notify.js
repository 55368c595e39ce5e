/* The ticket page's "Notify me": Web Push through the service worker, or Telegram, or SMS, when the page is closed. */
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const dataEl = $("ticket-data");
  if (!dataEl || !$("notify-panel")) return;
  const token = JSON.parse(dataEl.textContent).ticket.token;
  const api = "/api/v1/tickets/" + encodeURIComponent(token);
  const t = Kezek.t;
  const pushSupported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  let offer = null;
  let busy = false;

  function show(id, visible) { $(id).hidden = !visible; }

  // Why Web Push cannot be offered here, if it cannot: the page then says so and offers the others.
  function reason() {
    if (!window.isSecureContext) return "Notifications with the page closed need a secure (https) connection. Use Telegram or SMS instead, or keep this page open.";
    if (!pushSupported) return "This browser cannot notify you with the page closed. Use Telegram or SMS instead, or keep this page open.";
    if (offer && !offer.push_key) return "Push notifications are not set up on this server.";
    if (Notification.permission === "denied") return "Notifications are blocked in this browser's settings.";
    return "";
  }

  function render() {
    if (!offer) return;
    const following = offer.following || {};
    const why = reason();
    show("notify", !why && !following.push);
    show("notify-on", !!following.push || !!following.telegram);
    show("notify-off", !!following.push);
    show("notify-why", !!why && !following.push);
    $("notify-why").textContent = why ? t(why) : "";
    show("telegram", !!offer.telegram && !following.telegram);
    show("sms", !!offer.sms && !following.sms);
    show("sms-on", !!following.sms);
    $("notify").disabled = busy;
    $("notify-off").disabled = busy;
  }

  function keyBytes(text) {
    const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
    const raw = atob(b64);
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  }

  // The worker's scope (/ticket/static/) does not hold the page, so serviceWorker.ready never comes: wait for it here.
  function activated(registration) {
    const worker = registration.installing || registration.waiting;
    if (registration.active || !worker) return Promise.resolve(registration);
    return new Promise((resolve) => {
      worker.addEventListener("statechange", () => { if (worker.state === "activated") resolve(registration); });
    });
  }

  function ahead() { return Number($("notify-ahead").value); }

  async function load() {
    try {
      const answer = await Kezek.api("GET", api + "/notify");
      if (answer.status !== 200) return;
      offer = answer.data;
      $("notify-ahead").value = String(offer.ahead_default);
      if (offer.telegram) {
        $("telegram-link").href = offer.telegram;
        $("telegram-qr").src = api + "/telegram.svg";
      }
      render();
    } catch (e) { /* offline: the page still shows the call while open */ }
  }

  async function subscribe() {
    busy = true;
    render();
    try {
      const permission = await Notification.requestPermission();
      if (permission !== "granted") return;
      const registration = await activated(await navigator.serviceWorker.register("/ticket/static/ticket-sw.js"));
      let subscription = await registration.pushManager.getSubscription();
      if (!subscription) {
        subscription = await registration.pushManager.subscribe({
          userVisibleOnly: true, applicationServerKey: keyBytes(offer.push_key) });
      }
      const answer = await Kezek.api("POST", api + "/push",
                                     { subscription: subscription.toJSON(), ahead: ahead(), lang: Kezek.lang });
      if (answer.status === 201) offer.following = answer.data.following;
      else window.alert(t("Something went wrong. Please try again."));
    } catch (e) {
      window.alert(t("Something went wrong. Please try again."));
    } finally {
      busy = false;
      render();
    }
  }

  async function unsubscribe() {
    busy = true;
    render();
    try {
      // Only the server forgets it: the browser's subscription may serve another ticket on this phone.
      const answer = await Kezek.api("DELETE", api + "/push");
      if (answer.status === 200) offer.following = answer.data.following;
    } catch (e) { /* try again later */ } finally {
      busy = false;
      render();
    }
  }

  $("notify").addEventListener("click", subscribe);
  $("notify-off").addEventListener("click", unsubscribe);
  $("notify-ahead").addEventListener("change", () => {
    if (offer && offer.following && offer.following.push) subscribe();   // the new number counts from now
  });
  $("sms").addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = $("sms-error");
    error.hidden = true;
    $("sms-send").disabled = true;
    try {
      const answer = await Kezek.api("POST", api + "/sms", { phone: $("phone").value, ahead: ahead(), lang: Kezek.lang });
      if (answer.status === 201) {
        offer.following = answer.data.following;
        $("phone").value = "";
      } else {
        error.textContent = t(answer.status === 422 ? "That is not a phone number." : "Something went wrong. Please try again.");
        error.hidden = false;
      }
    } catch (e) {
      error.textContent = t("Something went wrong. Please try again.");
      error.hidden = false;
    } finally {
      $("sms-send").disabled = false;
      render();
    }
  });
  document.querySelectorAll(".tk-langs [data-lang]").forEach((b) => b.addEventListener("click", render));
  load();
})();
