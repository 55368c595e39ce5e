/* The ticket page on the visitor's phone: place in line, the call, rating, cancel. */
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);

  // Language buttons work on the not-found page too.
  let render = () => {};
  document.querySelectorAll(".tk-langs [data-lang]").forEach((button) => {
    button.addEventListener("click", () => {
      Kezek.setLang(button.dataset.lang);
      document.querySelectorAll(".tk-langs [data-lang]").forEach((b) => {
        b.setAttribute("aria-pressed", String(b === button));
      });
      // A reload keeps the visitor's choice.
      const url = new URL(window.location.href);
      url.searchParams.set("lang", button.dataset.lang);
      history.replaceState(null, "", url.pathname + url.search);
      render();
    });
  });

  const dataEl = $("ticket-data");
  if (!dataEl) return;
  const boot = JSON.parse(dataEl.textContent);
  const token = boot.ticket.token;
  let ticket = boot.ticket;
  let rated = boot.rated;
  let transferred = false;
  let lastAlert = ticket.status === "called" ? ticket.called_at : null;
  let seenQueue = null;

  const t = Kezek.t;
  const ENDED = {
    no_show: ["You did not come when called", "Please take a new ticket at the kiosk."],
    cancelled: ["Your ticket has been cancelled", ""],
    expired: ["This ticket has expired", "Valid today only"],
  };

  function show(id, visible) { $(id).hidden = !visible; }

  function serviceName() {
    const names = boot.services[ticket.service_id] || {};
    return names[Kezek.lang] || names.kk || "";
  }

  // A number keeps the word after it on its line ("4 адам", "5 мин"): never "4" at a line's end, "адам" below.
  function together(text) { return text.replace(/(\d) (?=\S)/g, "$1\u00a0"); }

  function deskName() { return ticket.desk || ticket.desk_id || ""; }

  render = function () {
    const status = ticket.status;
    $("ticket").dataset.status = status;
    document.body.classList.toggle("tk-is-called", status === "called");
    $("office").textContent = boot.office[Kezek.lang] || "";
    $("number").textContent = ticket.number;
    $("service").textContent = serviceName();
    $("issued").textContent = t("Issued at %(time)s", { time: ticket.issued_time });
    show("view-waiting", status === "waiting");
    show("view-called", status === "called");
    show("view-serving", status === "serving");
    show("view-done", status === "done");
    show("view-ended", status in ENDED);
    if (status === "waiting") {
      const ahead = ticket.people_ahead || 0;
      const minutes = Math.ceil((ticket.estimated_wait_s || 0) / 60);   // as printed on the ticket
      $("ahead").textContent = together(t("People ahead of you: %(count)s", { count: ahead }));
      $("wait").textContent = together(minutes > 0 ? t("Estimated wait: %(minutes)s min", { minutes })
        : t("Estimated wait: less than a minute"));
      $("now-serving").textContent = ticket.now_serving ? t("Now serving: %(number)s", { number: ticket.now_serving }) : "";
      show("now-serving", Boolean(ticket.now_serving));
      $("waiting-status").textContent = ahead === 0 ? t("You are next") : t("Please wait to be called");
      show("transferred", transferred);
      // The office's lunch break: nobody is called until it ends (the page says until when, not "closed").
      $("lunch").textContent = ticket.lunch_until
        ? t("Lunch break until %(time)s: calls go on after it.", { time: Kezek.timeUntil(ticket.lunch_until) }) : "";
      show("lunch", Boolean(ticket.lunch_until));
      show("wait", !ticket.lunch_until);   // the estimate counts no lunch break: no figure while it lasts
      renderNotify();
    }
    $("go").textContent = t("Please go to desk %(desk)s", { desk: deskName() });
    $("serving").textContent = t("You are being served at desk %(desk)s", { desk: deskName() });
    show("rate", status === "done" && !rated);
    show("rated", status === "done" && rated);
    if (ENDED[status]) {
      $("ended-title").textContent = t(ENDED[status][0]);
      $("ended-hint").textContent = ENDED[status][1] ? t(ENDED[status][1]) : "";
    }
    document.title = (status === "called" ? "▶ " + t("Please go to desk %(desk)s", { desk: deskName() })
      : ticket.number + " — " + t("Ticket"));
    document.querySelectorAll(".tk-star-name").forEach((name) => {
      name.textContent = t("%(stars)s of 5", { stars: name.parentNode.dataset.stars });
    });
    renderStars();
  };

  function apply(update) {
    const before = ticket;
    ticket = Object.assign({}, ticket, update);
    if (ticket.status !== "waiting") transferred = false;
    if (ticket.status === "called" && ticket.called_at && ticket.called_at !== lastAlert) {
      lastAlert = ticket.called_at;
      alertCall();
    }
    if (before.status !== ticket.status) closeConfirm();
    render();
  }

  /* ---- the call: sound, vibration, notification ---- */
  let audio = null;
  function unlockAudio() {
    // Browsers allow sound only after the visitor touched the page once.
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return;
    if (!audio) audio = new Ctx();
    if (audio.state === "suspended") audio.resume();
  }
  document.addEventListener("pointerdown", unlockAudio, { passive: true });

  function beep() {
    if (!audio || audio.state !== "running") return;
    const start = audio.currentTime + 0.05;
    [0, 0.35, 0.7].forEach((offset) => {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.4, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.25);
      osc.connect(gain).connect(audio.destination);
      osc.start(start + offset);
      osc.stop(start + offset + 0.3);
    });
  }

  function alertCall() {
    try { if (navigator.vibrate) navigator.vibrate([400, 200, 400, 200, 800]); } catch (e) { /* not allowed */ }
    try { beep(); } catch (e) { /* no sound on this phone */ }
    notify();
  }

  const canNotify = "Notification" in window && window.isSecureContext;
  let worker = null;

  // "Notify me" (push, Telegram, SMS) is ticket-notify.js's; this page only shows the call while open.
  function renderNotify() {}

  async function registerWorker() {
    // Android shows notifications only through a service worker; it need not control the page.
    if (!("serviceWorker" in navigator) || worker) return;
    try { worker = await navigator.serviceWorker.register("/ticket/static/ticket-sw.js"); } catch (e) { worker = null; }
  }

  function notify() {
    if (!canNotify || Notification.permission !== "granted") return;
    const title = t("Ticket %(number)s", { number: ticket.number });
    // The same tag as the server's push for this ticket: one notification, not two.
    const options = { body: t("Please go to desk %(desk)s", { desk: deskName() }), tag: "kezek-" + ticket.number,
                      renotify: true, requireInteraction: true };
    if (worker) {
      worker.showNotification(title, options).catch(() => {});
      return;
    }
    try { new Notification(title, options); } catch (e) { /* this browser needs a worker */ }
  }

  $("notify").addEventListener("click", unlockAudio);
  if (canNotify && Notification.permission === "granted") registerWorker();

  /* ---- people ahead: refetched after queue changes ---- */
  let refetchTimer = null;
  function refetch(delayMs) {
    if (refetchTimer) return;
    // Spread the phones of a whole hall over a second or two.
    refetchTimer = setTimeout(async () => {
      refetchTimer = null;
      try {
        const answer = await Kezek.api("GET", "/api/v1/tickets/" + encodeURIComponent(token));
        if (answer.status === 200) apply(answer.data);
        else if (answer.status === 429) refetch(20000);
      } catch (e) { /* offline: the next snapshot brings the truth */ }
    }, delayMs === undefined ? 700 + Math.random() * 1500 : delayMs);
  }

  function queueChanged(data) {
    if (ticket.status !== "waiting") return;
    const mine = (data.services || []).find((s) => s.id === ticket.service_id);
    const key = mine ? mine.waiting + ":" + mine.estimated_wait_s : "";
    if (key !== seenQueue) refetch();
    seenQueue = key;
  }

  const handlers = {
    snapshot: (data) => { if (data && data.ticket) apply(data.ticket); },
    "queue.changed": queueChanged,
    "ticket.transferred": (data) => { transferred = true; apply(data); refetch(0); },
    "ticket.returned": (data) => { apply(data); refetch(0); },
  };
  ["ticket.called", "ticket.recalled", "ticket.started", "ticket.finished", "ticket.no_show",
   "ticket.cancelled", "ticket.expired"].forEach((name) => { handlers[name] = apply; });
  const socket = Kezek.connect({ screen: "ticket", token }, handlers);
  // A connection the server refused (e.g. too many lookups from a shared address) is not
  // retried by Socket.IO itself: try again a little later.
  const retryLater = () => setTimeout(() => { if (!socket.connected) socket.connect(); }, 30000);
  socket.on("connect_error", () => { if (!socket.active) retryLater(); });
  socket.on("disconnect", (reason) => { if (reason === "io server disconnect") retryLater(); });

  /* ---- cancel, with confirmation ---- */
  function closeConfirm() {
    show("cancel-confirm", false);
    show("cancel", true);
  }
  $("cancel").addEventListener("click", () => {
    show("cancel", false);
    show("cancel-confirm", true);
    $("cancel-no").focus();
  });
  $("cancel-no").addEventListener("click", closeConfirm);
  $("cancel-yes").addEventListener("click", async () => {
    $("cancel-yes").disabled = true;
    try {
      const answer = await Kezek.api("POST", "/api/v1/tickets/" + encodeURIComponent(token) + "/cancel", {});
      if (answer.status === 200) apply(answer.data);
      else refetch(0);
    } catch (e) {
      window.alert(t("Something went wrong. Please try again."));
    } finally {
      $("cancel-yes").disabled = false;
      closeConfirm();
    }
  });

  /* ---- rating: choose the stars (shown in words), comment if you like, then send ---- */
  const STAR_WORDS = ["Very bad", "Bad", "Okay", "Good", "Excellent"];
  function chosenStars() {
    const checked = document.querySelector(".tk-star input:checked");
    return checked ? Number(checked.value) : 0;
  }
  function renderStars() {
    const stars = chosenStars();
    document.querySelectorAll(".tk-star").forEach((label) => {
      label.classList.toggle("tk-star-on", Number(label.dataset.stars) <= stars);
    });
    $("rate-chosen").textContent = stars ? t("%(stars)s of 5", { stars }) + " — " + t(STAR_WORDS[stars - 1]) : "";
  }
  document.querySelectorAll(".tk-star input").forEach((input) => {
    input.addEventListener("change", () => { $("rate-error").hidden = true; renderStars(); });
  });
  $("rate").addEventListener("submit", async (event) => {
    event.preventDefault();
    const stars = chosenStars();
    const comment = $("comment").value.trim();
    const error = $("rate-error");
    const send = $("rate-send");
    error.hidden = true;
    if (!stars) {
      error.textContent = t("Please choose from 1 to 5 stars.");
      error.hidden = false;
      return;
    }
    send.disabled = true;
    try {
      const answer = await Kezek.api("POST", "/api/v1/tickets/" + encodeURIComponent(token) + "/rating",
                                     comment ? { stars, comment } : { stars });
      if (answer.status === 201 || (answer.status === 409 && answer.data && answer.data.error.code === "already_rated")) {
        rated = true;
      } else if (answer.status === 409) {
        refetch(0);
      } else {
        error.textContent = t(answer.status === 422 ? "Please choose from 1 to 5 stars." : "Something went wrong. Please try again.");
        error.hidden = false;
      }
    } catch (e) {
      error.textContent = t("Something went wrong. Please try again.");
      error.hidden = false;
    } finally {
      send.disabled = false;
      render();
    }
  });

  render();
})();
