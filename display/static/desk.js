/* The screen above a desk: the desk's name, the ticket called there (large), paused / closed (never a pause's
   reason; the office's lunch break is said, with its end),
   optionally the specialist's first name. Live over Socket.IO as the `desk-display` screen; it hears the
   hall's events and keeps its desk's, and asks for a fresh snapshot whenever its desk changes.
   Tests read window.kezekDesk (state, arrivals, snapshots). */
(function () {
  "use strict";
  const params = new URLSearchParams(location.search);
  const TOKEN_KEY = "kezek.desk-display.token";
  const RESYNC_MS = 60 * 1000;   // opening hours and a lunch break change the state with no event
  const $ = (id) => document.getElementById(id);
  const deskId = Number($("desk").dataset.desk);

  /* Pairing, as the hall display (Kezek.pairedToken). */
  let token = Kezek.pairedToken(TOKEN_KEY, params);

  const state = { desk: null, call: null, specialist: null, office: null, settings: {}, snapshots: 0 };
  const api = { state, arrivals: [] };
  window.kezekDesk = api;
  const name = (obj, field) => (obj && (obj[field + "_" + Kezek.lang] || obj[field + "_kk"])) || "";

  /* The wording alternates between the device's languages (settings.label_langs, kk and ru by default);
     ?lang= holds one. */
  let labelLang = null;
  const langs = () => {
    const wanted = Array.isArray(state.settings.label_langs) ? state.settings.label_langs : ["kk", "ru"];
    return params.get("lang") ? [] : wanted.filter((l) => ["kk", "ru", "en"].includes(l));
  };
  const t = (msgid, values) => Kezek.t(msgid, values, labelLang || Kezek.lang);

  function render() {
    const desk = state.desk || { state: "free" };
    const call = state.call;
    const root = $("desk");
    root.dataset.state = desk.state;
    if (desk.name) $("desk-name").textContent = desk.name;
    const showing = call && (desk.state === "called" || desk.state === "serving");
    $("desk-number").textContent = showing ? call.number : "";
    $("desk-number-label").hidden = !showing;
    $("desk-say").textContent = {
      called: t("Please come in"), serving: t("Now serving"), paused: t("Paused"),
      closed: desk.closed_for === "lunch" && desk.until
        ? t("Lunch break until %(time)s", { time: Kezek.timeUntil(desk.until, labelLang || Kezek.lang) }) : t("Closed"),
      free: t("Please wait for your number to be called") }[desk.state] || "";
    $("desk-service").textContent = showing ? [name(call, "group"), name(call, "name")].filter(Boolean)
      .filter((v, i, a) => a.indexOf(v) === i).join(" · ") : "";
    $("desk-specialist").textContent = showing && state.specialist ? t("Specialist: %(name)s", { name: state.specialist }) : "";
    document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
    renderClock();
  }

  function renderClock() {
    const zone = (state.office && state.office.timezone) || "Asia/Almaty";
    try {
      $("desk-clock").textContent = new Intl.DateTimeFormat("en-GB", {
        timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date());
    } catch (e) {
      $("desk-clock").textContent = new Date().toTimeString().slice(0, 5);
    }
  }

  function flash() {
    const root = $("desk");
    root.classList.remove("desk-flash");
    void root.offsetWidth;
    root.classList.add("desk-flash");
  }

  function onSnapshot(snap) {
    const before = state.call && state.call.number + "/" + state.call.recalls;
    state.snapshots += 1;
    api.snapshots = state.snapshots;
    Object.assign(state, { desk: snap.desk, call: snap.call, specialist: snap.specialist, office: snap.office,
                           settings: (snap.device && snap.device.settings) || {} });
    const wanted = params.get("lang") || state.settings.lang || (state.office && state.office.default_lang) || "kk";
    if (wanted !== Kezek.lang && ["kk", "ru", "en"].includes(wanted)) Kezek.setLang(wanted);
    render();
    const after = state.call && state.call.number + "/" + state.call.recalls;
    if (after && after !== before && state.snapshots > 1 && snap.desk.state === "called") flash();
  }

  let refreshTimer = null;
  function refresh() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => { if (socket.connected) socket.emit("snapshot", auth); }, 150);
  }

  function onCalled(payload) {
    if (payload.desk_id !== deskId) return;
    api.arrivals.push({ number: payload.number, at: Date.now() });
    if (api.arrivals.length > 500) api.arrivals.splice(0, api.arrivals.length - 500);   // weeks without a reload
    state.call = { ...(state.call && state.call.number === payload.number ? state.call : {}), ...payload };
    state.desk = { ...(state.desk || {}), state: "called" };
    render();
    flash();
    refresh();   // the service's names and the specialist come with the snapshot
  }

  function onTicket(payload) {
    if (payload.desk_id === deskId || (state.call && state.call.number === payload.number)) refresh();
  }

  function onDesk(payload) {
    if (payload.desk && payload.desk.id === deskId) refresh();
  }

  const auth = { screen: "desk-display", desk: deskId };
  if (token) auth.token = token;
  const handlers = { snapshot: onSnapshot, "ticket.called": onCalled, "ticket.recalled": onCalled,
                     "desk.changed": onDesk };
  ["ticket.started", "ticket.finished", "ticket.no_show", "ticket.returned", "ticket.transferred",
   "ticket.cancelled", "ticket.expired"].forEach((n) => { handlers[n] = onTicket; });
  const socket = Kezek.connect(auth, handlers, (online) => { document.body.classList.toggle("desk-offline", !online); });
  socket.on("connect_error", (err) => {
    if (err && err.message === "bad display token") {
      // A revoked or mistyped token: say so, and carry on as the desk's public screen.
      localStorage.removeItem(TOKEN_KEY);
      delete auth.token;
      $("notice").textContent = Kezek.t("Display is not paired: token refused");
      $("notice").hidden = false;
    }
    // A refusal by the server stops the client's own retries: try again a little later.
    if (!socket.active) setTimeout(() => socket.connect(), 3000);
  });
  setInterval(() => { if (socket.connected) socket.emit("snapshot", auth); }, RESYNC_MS);
  setInterval(renderClock, 5000);
  setInterval(() => {
    const list = langs();
    if (list.length < 2) return;
    labelLang = list[(list.indexOf(labelLang || Kezek.lang) + 1) % list.length];
    render();
  }, 8000);
  api.socket = socket;
  render();
})();
