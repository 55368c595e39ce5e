/* The hall display: live calls, waiting counts, clock, ticker, and the voice queue.
   Tests and the bench read window.kezekDisplay (announced, queueLength(), arrivals …). */
(function () {
  "use strict";
  const params = new URLSearchParams(location.search);
  const TOKEN_KEY = "kezek.display.token";
  // After a short outage, calls made meanwhile are announced; after a long one only shown,
  // so a TV that was unplugged for an hour does not read out stale calls.
  const ANNOUNCE_AFTER_OFFLINE_MS = 120000;
  const MAX_CATCH_UP = 4;
  const RESYNC_MS = 10 * 60 * 1000;  // a fresh snapshot now and then: a new office day, any missed event
  const CALLED = ["called", "serving", "done", "no_show"];
  const LOCALES = { ru: "ru-RU", en: "en-GB" };
  const $ = (id) => document.getElementById(id);

  /* Pairing (Kezek.pairedToken). */
  let token = Kezek.pairedToken(TOKEN_KEY, params);

  const state = {
    office: null, services: [], desks: [], calls: [], device: null, settings: {},
    lastSeen: "", disconnectedAt: null, snapshots: 0,
  };
  const api = {
    announced: [],   // {number, desk, lang, test, startedAt, endedAt} in play order
    skipped: [],     // announcements not played because sound is off
    arrivals: [],    // {number, called_at, at (Date.now()), perf} of each live call event
    state,
    queueLength: () => voiceQueue.length,
    soundOn: () => Boolean(audio.ctx && audio.ctx.state === "running"),
    speech: () => audio.speechOk,
    testCall: () => testCall(),
    // The seam for display/static/media.js (docs/display.md): kezekDisplay.on("call" | "sound", fn).
    listeners: { call: [], sound: [] },
    on: (name, fn) => { (api.listeners[name] || []).push(fn); },
  };
  window.kezekDisplay = api;
  api.renderOffice = () => renderOffice();   // media.js: the ticker again when a notice starts or ends

  /* ---- what this display shows (device settings) ---- */
  const shows = (call) => {
    const s = state.settings;
    if (Array.isArray(s.services) && s.services.length && !s.services.includes(call.service_id)) return false;
    if (Array.isArray(s.desks) && s.desks.length && !s.desks.includes(call.desk_id)) return false;
    return true;
  };
  const voiceLangs = () => {
    const wanted = Array.isArray(state.settings.voice) ? state.settings.voice : ["kk", "ru"];
    return wanted.filter((l) => ["kk", "ru", "en"].includes(l));
  };
  const name = (obj, field) => obj[field + "_" + Kezek.lang] || obj[field + "_kk"] || "";

  function applyLang() {
    const wanted = params.get("lang") || state.settings.lang || (state.office && state.office.default_lang) || "kk";
    if (wanted !== Kezek.lang && ["kk", "ru", "en"].includes(wanted)) Kezek.setLang(wanted);
  }

  /* ---- rendering ---- */
  function deskSay(desk) {
    const text = String(desk == null ? "" : desk);
    const lang = labelLang || Kezek.lang;
    return /^\d+$/.test(text) ? Kezek.t("Please go to desk %(desk)s", { desk: text }, lang)
      : Kezek.t("Please go to %(desk)s", { desk: text }, lang);
  }

  function fitCall() {
    // Shrink a long number or desk name (both alike) until the call fits its box; on a portrait TV a call
    // that would shrink much goes on two lines instead (the number, then → the desk), as large as it was.
    const row = $("now-call"), number = $("now-number"), desk = $("now-desk"), box = $("now");
    const set = (px) => { number.style.fontSize = desk.style.fontSize = px ? px + "px" : ""; };
    set(0);
    row.classList.remove("display-now-stacked");
    const base = parseFloat(getComputedStyle(number).fontSize);
    const floor = legiblePx();
    const shrink = () => {
      let size = base;
      // Its width, and its height: the call never spills over the queues below it.
      while ((row.scrollWidth > row.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1) && size * 0.9 >= floor) {
        size *= 0.9;
        set(size);
      }
      return size;
    };
    if (shrink() < base * 0.8 && innerHeight > innerWidth) {
      row.classList.add("display-now-stacked");
      set(0);
      shrink();
    }
  }

  const serviceOf = (call) => state.services.find((s) => s.id === call.service_id);
  // The body (state body / group) a call's service belongs to, else the service's own name.
  const bodyOf = (call) => {
    const s = serviceOf(call);
    return s ? (name(s, "group") || name(s, "name")) : "";
  };

  function renderCalls() {
    const visible = state.calls.filter(shows);
    const newest = visible[0];
    $("now-call").hidden = !newest;
    $("now-empty").hidden = Boolean(newest);
    $("now").classList.toggle("display-now-none", !newest);
    $("now-say").textContent = newest ? deskSay(newest.desk) : "";
    $("now-body").textContent = newest ? bodyOf(newest) : "";
    const list = $("recent");
    list.textContent = "";
    const count = Number(state.settings.recent) || 8;
    const older = visible.slice(1, 1 + count);
    // Before the second call there is nothing to list: the call takes the whole width, no empty black box.
    $("display").classList.toggle("display-solo", !older.length);
    $("display").classList.remove("display-recent-wide");   // put back below if a row is cramped
    if (newest) {
      $("now-number").textContent = newest.number;
      $("now-desk").textContent = newest.desk;
      $("now").dataset.number = newest.number;
      fitCall();
    }
    older.forEach((call) => {
      const li = document.createElement("li");
      li.className = "display-recent-item" + (call.freshUntil > Date.now() ? " display-recent-fresh" : "");
      li.dataset.number = call.number;
      const n = document.createElement("span");
      n.className = "display-recent-number";
      n.textContent = call.number;
      const b = document.createElement("span");
      b.className = "display-recent-body";
      b.textContent = bodyOf(call);
      const d = document.createElement("span");
      d.className = "display-recent-desk";
      d.textContent = call.desk;
      li.append(n, b, d);
      list.append(li);
    });
    document.querySelector(".display-recent").classList.toggle("display-recent-none", !list.children.length);
    // A body's name only where a row has room for a few words of it; else none on any row (they line up).
    const bodies = Array.from(list.querySelectorAll(".display-recent-body"));
    if (bodies.some((b) => b.textContent && b.clientWidth < 7 * parseFloat(getComputedStyle(b).fontSize))) {
      bodies.forEach((b) => { b.textContent = ""; b.hidden = true; });
    }
    // A recent call's number and desk are never cut: when a row is too narrow for them at the legible size
    // (a far hall, long numbers), the recent calls get a wider column and the call shrinks to make room.
    if (Array.from(list.children).some((li) => li.scrollWidth > li.clientWidth + 1)) {
      $("display").classList.add("display-recent-wide");
      if (newest) fitCall();
    }
    // Only whole rows: a row cut in half by the screen's edge is hard to read.
    const bottom = list.getBoundingClientRect().bottom;
    Array.from(list.children).forEach((li) => {
      if (li.getBoundingClientRect().bottom > bottom + 1) li.remove();
    });
  }

  const inZone = (s) => {
    const ids = state.settings.services;
    return !Array.isArray(ids) || !ids.length || ids.includes(s.id);
  };
  const legiblePx = () => parseFloat(getComputedStyle(document.documentElement).getPropertyValue("--legible")) || 20;
  let waiting = null;

  /* Only services with people waiting, paged or summarised per body within the band's share (waiting.js). */
  function renderWaiting() {
    const section = document.querySelector(".display-waiting");
    const heightBefore = section.getBoundingClientRect().height;
    if (!waiting) waiting = window.KezekWaiting.create($("waiting"), $("waiting-page"));
    section.classList.remove("display-waiting-none");   // measured below: it must be laid out
    const title = section.querySelector(".display-waiting-head");
    const pad = parseFloat(getComputedStyle(section).paddingBottom) || 0;
    const budget = parseFloat(getComputedStyle(section).maxHeight) - title.getBoundingClientRect().height - pad - 8;
    const legible = legiblePx();
    const u = Math.min(innerWidth, innerHeight) / 100;
    const portrait = innerHeight > innerWidth;
    const columns = Math.max(portrait ? 1 : 2, Math.min(portrait ? 2 : 4, Math.floor(innerWidth / (legible * 3.4))));
    // The room a cell has for its name below the letter and count (a line of the legible size, the padding).
    const room = budget - legible - u * 1.6;
    const view = waiting.render(state.services.filter(inZone).sort(byBody), {
      name, columns, budget, legible, room, floor: Math.max(u * 2.2, legible * 0.35) });
    api.waiting = { ...view };
    section.classList.toggle("display-waiting-none", !view.items);
    return heightBefore !== section.getBoundingClientRect().height;  // its height changed
  }

  const byBody = (a, b) => (a.group_kk || "").localeCompare(b.group_kk || "", "kk")
    || (a.sort_order || 0) - (b.sort_order || 0) || a.id - b.id;

  function renderOffice() {
    if (!state.office) return;
    $("office-name").textContent = name(state.office, "name");
    // A TV with a zone says its name, the one the tickets of its services print ("Zone: Hall B").
    const s = state.settings;
    const zoned = (Array.isArray(s.services) && s.services.length) || (Array.isArray(s.desks) && s.desks.length);
    const zone = zoned && state.device && state.device.name ? Kezek.t("Zone: %(zones)s", { zones: state.device.name }) : "";
    $("zone-name").textContent = zone;
    $("zone-name").hidden = !zone;
    // The office's ticker, then the notices current now (media.js: kezekDisplay.notices).
    const text = [name(state.office, "ticker"), ...(api.notices ? api.notices() : [])].filter(Boolean).join("  •  ");
    const ticker = $("ticker");
    ticker.hidden = !text;
    const span = $("ticker-text");
    if (span.textContent !== text) {
      span.textContent = text;
      // About 9 characters a second, whatever the length, so it reads at the same pace.
      span.style.animationDuration = Math.max(15, Math.round(text.length / 9 + 12)) + "s";
    }
    renderClock();
  }

  // Chromium's own locale data often lacks Kazakh month and day names: they are spelled here.
  const KK_MONTHS = ["қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз",
                     "қыркүйек", "қазан", "қараша", "желтоқсан"];
  const KK_DAYS = { Mon: "дүйсенбі", Tue: "сейсенбі", Wed: "сәрсенбі", Thu: "бейсенбі", Fri: "жұма",
                    Sat: "сенбі", Sun: "жексенбі" };

  function kkDate(now, zone) {
    const parts = {};
    new Intl.DateTimeFormat("en-US", { timeZone: zone, weekday: "short", day: "numeric", month: "numeric" })
      .formatToParts(now).forEach((p) => { parts[p.type] = p.value; });
    return parts.day + " " + KK_MONTHS[Number(parts.month) - 1] + ", " + KK_DAYS[parts.weekday];
  }

  function renderClock() {
    const zone = (state.office && state.office.timezone) || "Asia/Almaty";
    const now = new Date();
    try {
      $("clock-time").textContent = new Intl.DateTimeFormat("en-GB", {
        timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(now);
      $("clock-date").textContent = Kezek.lang === "kk" ? kkDate(now, zone)
        : new Intl.DateTimeFormat(LOCALES[Kezek.lang], { timeZone: zone, weekday: "long", day: "numeric",
                                                        month: "long" }).format(now);
    } catch (e) {
      $("clock-time").textContent = now.toTimeString().slice(0, 5);
    }
  }

  /* ---- legible from the hall: capitals of 11 mm per metre of viewing distance (55 mm at 5 m, 86 mm at 8 m) ---- */
  const CAP_MM_PER_M = 11;
  let capRatio = 0;
  function fontCapRatio() {
    // The font's capital height over its size, from the browser's own metrics of "H" (DejaVu Sans Bold ≈ 0.73).
    if (!capRatio) {
      const ctx = document.createElement("canvas").getContext("2d");
      ctx.font = "bold 200px 'DejaVu Sans', sans-serif";
      capRatio = ctx.measureText("H").actualBoundingBoxAscent / 200 || 0.73;
    }
    return capRatio;
  }

  /* The smallest font a visitor's element may have: from the TV's size (settings.screen_in, default 43")
     and the viewing distance (settings.viewing_m, default 5 m); ?screen_in= and ?viewing_m= override. */
  function applyLegibility() {
    const viewing = Number(params.get("viewing_m") || state.settings.viewing_m) || 5;
    const inches = Number(params.get("screen_in") || state.settings.screen_in) || 55;
    const panelMm = inches * 25.4 * 16 / Math.hypot(16, 9);           // the long side of a 16:9 panel
    const mmPerPx = panelMm / Math.max(innerWidth, innerHeight);
    const capPx = CAP_MM_PER_M * viewing / mmPerPx;
    const fontPx = capPx / fontCapRatio();
    document.documentElement.style.setProperty("--legible", fontPx.toFixed(1) + "px");
    Object.assign($("display").dataset, { viewingM: String(viewing), screenIn: String(inches),
      mmPerPx: mmPerPx.toFixed(4), capRatio: fontCapRatio().toFixed(3) });
    // Fewer, wider queue cells follow when the letters must be large (renderWaiting).
  }

  /* The hall's labels and the desk instruction in the device's languages in turn (settings.label_langs,
     kk and ru by default), every 8 s; the rest of the screen keeps its language. ?lang= holds one language. */
  const LABELS = ".display-brand [data-i18n], .display-now-labels [data-i18n], .display-recent-head [data-i18n],"
    + " .display-section-title[data-i18n], .display-section-title [data-i18n], .display-empty [data-i18n]";
  let labelLang = null;
  function labelLangs() {
    const wanted = Array.isArray(state.settings.label_langs) ? state.settings.label_langs : ["kk", "ru"];
    return params.get("lang") ? [] : wanted.filter((l) => ["kk", "ru", "en"].includes(l));
  }
  function renderLabels() {
    const lang = labelLang || Kezek.lang;
    document.querySelectorAll(LABELS).forEach((el) => { el.textContent = Kezek.t(el.dataset.i18n, null, lang); });
  }
  function alternateLabels() {
    const langs = labelLangs();
    if (langs.length < 2) return;
    labelLang = langs[(langs.indexOf(labelLang || Kezek.lang) + 1) % langs.length];
    renderLabels();
    renderCalls();
  }

  function render() {
    applyLegibility();
    renderLabels();
    renderOffice();
    renderWaiting();  // first: its height decides how many recent calls fit
    renderCalls();
    renderSound();
  }

  function flash() {
    // Restart the blink even when the previous one is still running (a quick second call).
    const now = $("now");
    now.classList.remove("display-flash");
    void now.offsetWidth;
    now.classList.add("display-flash");
  }

  /* ---- live state ---- */
  const keyOf = (call) => call.number;

  function remember(call) {
    if (call.called_at && call.called_at > state.lastSeen) state.lastSeen = call.called_at;
  }

  function upsertCall(call) {
    state.calls = [call, ...state.calls.filter((c) => keyOf(c) !== keyOf(call))].slice(0, 30);
  }

  // A TV runs for weeks without a reload: its records keep the last RECORDS entries, not every call since.
  const RECORDS = 500;
  function keep(list, entry) {
    list.push(entry);
    if (list.length > RECORDS) list.splice(0, list.length - RECORDS);
  }

  function onCalled(payload) {
    keep(api.arrivals, { number: payload.number, called_at: payload.called_at, at: Date.now(),
                         perf: performance.now() });
    const call = { ...payload, status: payload.status || "called", freshUntil: Date.now() + 8000 };
    const isNew = !call.called_at || call.called_at > state.lastSeen;
    upsertCall(call);
    remember(call);
    renderCalls();
    if (isNew && shows(call)) {
      flash();
      announce(call);
      api.listeners.call.forEach((fn) => fn(call));
    }
  }

  function onStatusChange(payload) {
    const call = state.calls.find((c) => keyOf(c) === payload.number);
    if (call) call.status = payload.status;
  }

  function onBackInQueue(payload) {
    const before = state.calls.length;
    state.calls = state.calls.filter((c) => keyOf(c) !== payload.number);
    if (state.calls.length !== before) renderCalls();
  }

  function onQueue(payload) {
    (payload.services || []).forEach((u) => {
      const s = state.services.find((x) => x.id === u.id);
      if (s) Object.assign(s, u);
    });
    if (renderWaiting()) renderCalls();
  }

  function onDesk(payload) {
    const d = payload.desk;
    const desk = d && state.desks.find((x) => x.id === d.id);
    if (desk) Object.assign(desk, d);
  }

  function onSnapshot(snap) {
    const offlineFor = state.disconnectedAt === null ? Infinity : Date.now() - state.disconnectedAt;
    const first = state.snapshots === 0;
    state.disconnectedAt = null;
    state.snapshots += 1;
    state.office = snap.office;
    state.services = snap.services || [];
    state.desks = snap.desks || [];
    state.device = snap.device || null;
    state.settings = (snap.device && snap.device.settings) || {};
    const calls = (snap.calls || []).filter((c) => CALLED.includes(c.status));
    // Calls made while the display was away: newer than anything it has seen.
    const missed = first ? [] : calls.filter((c) => c.called_at > state.lastSeen).reverse();
    missed.forEach((c) => { c.freshUntil = Date.now() + 8000; });
    state.calls = calls;
    calls.forEach(remember);
    applyLang();
    render();
    const heard = missed.filter(shows);
    if (heard.length) {
      flash();
      if (offlineFor < ANNOUNCE_AFTER_OFFLINE_MS) heard.slice(-MAX_CATCH_UP).forEach(announce);
    }
  }

  function onOnline(online) {
    if (!online && state.disconnectedAt === null) state.disconnectedAt = Date.now();
    document.body.classList.toggle("display-offline", !online);
  }

  /* ---- voice: one queue, never two sounds at once ---- */
  const voiceQueue = [];
  let pumping = false;
  const audio = { ctx: null, gain: null, buffers: new Map(), speechOk: null };

  function audioContext() {
    if (!audio.ctx) {
      const Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) return null;
      audio.ctx = new Ctx();
      audio.gain = audio.ctx.createGain();
      audio.gain.connect(audio.ctx.destination);
      audio.ctx.onstatechange = renderSound;
    }
    const volume = Number(state.settings.volume);
    audio.gain.gain.value = volume > 0 && volume <= 1 ? volume : 1;
    return audio.ctx;
  }

  /* Fetch and decode a sound once; resolves null when the server cannot give it (503: no espeak-ng). */
  function sound(url) {
    if (!audio.buffers.has(url)) {
      if (audio.buffers.size > 60) audio.buffers.clear();
      const loading = fetch(url).then(async (response) => {
        if (!response.ok) {
          if (response.status === 503) audio.speechOk = false;
          audio.buffers.delete(url);
          return null;
        }
        const data = await response.arrayBuffer();
        return await audioContext().decodeAudioData(data);
      }).catch(() => { audio.buffers.delete(url); return null; });
      audio.buffers.set(url, loading);
    }
    return audio.buffers.get(url);
  }

  const callUrl = (item, lang) => "/audio/call.wav?" + new URLSearchParams(
    { number: item.number, desk: String(item.desk), lang }).toString();

  function play(buffer) {
    return new Promise((resolve) => {
      const source = audio.ctx.createBufferSource();
      source.buffer = buffer;
      source.connect(audio.gain);
      // If the audio device never reports the end, the queue still moves on.
      const timer = setTimeout(resolve, buffer.duration * 1000 + 3000);
      source.onended = () => { clearTimeout(timer); resolve(); };
      source.start();
    });
  }

  function announce(call, test) {
    const item = { number: call.number, desk: call.desk, langs: voiceLangs(), test: Boolean(test) };
    // Start fetching at once, so the voice follows the chime without a gap.
    if (api.soundOn()) item.langs.forEach((lang) => sound(callUrl(item, lang)));
    voiceQueue.push(item);
    pump();
  }

  async function pump() {
    if (pumping) return;
    pumping = true;
    try {
      while (voiceQueue.length) {
        await playItem(voiceQueue[0]);
        voiceQueue.shift();
      }
    } finally {
      pumping = false;
      renderSound();
    }
  }

  async function playItem(item) {
    const ctx = audioContext();
    if (!ctx || ctx.state !== "running") {
      api.skipped.push({ number: item.number, desk: item.desk, test: item.test });
      renderSound();
      return;
    }
    api.listeners.sound.forEach((fn) => fn(true, item));    // media.js lowers its sound for the call
    const chime = await sound("/audio/chime.wav");
    if (chime) await play(chime);
    for (const lang of item.langs) {
      const buffer = await sound(callUrl(item, lang));
      if (!buffer) continue;
      audio.speechOk = true;
      const entry = { number: item.number, desk: String(item.desk), lang, test: item.test,
                      startedAt: performance.now(), endedAt: null };
      keep(api.announced, entry);
      await play(buffer);
      entry.endedAt = performance.now();
    }
    api.listeners.sound.forEach((fn) => fn(false, item));
    renderSound();
  }

  function testCall() {
    const shown = state.services.filter((s) => {
      const ids = state.settings.services;
      return !Array.isArray(ids) || !ids.length || ids.includes(s.id);
    });
    const desks = state.desks.filter((d) => {
      const ids = state.settings.desks;
      return !Array.isArray(ids) || !ids.length || ids.includes(d.id);
    });
    const prefix = shown.length ? shown[0].prefix : "А";
    announce({ number: prefix + "000", desk: desks.length ? desks[0].name : "1" }, true);
  }

  function enableSound() {
    const ctx = audioContext();
    const done = () => { renderSound(); testCall(); };
    if (ctx && ctx.state !== "running") ctx.resume().then(done, renderSound);
    else done();
  }

  function renderSound() {
    const on = api.soundOn();
    $("sound").classList.toggle("display-sound-off", !on);
    $("sound-state").textContent = Kezek.t(on ? "Sound on" : "Sound off") +
      (audio.speechOk === false ? " · " + Kezek.t("Voice unavailable: chime only") : "");
    $("sound-enable").hidden = on;
    $("sound-test").hidden = !on;
    // The hall sees only a small sign while sound is blocked; the controls are for staff (the long press).
    $("sound-sign").hidden = on;
    $("sound-sign-text").textContent = Kezek.t("Sound off");
  }

  /* ---- for staff: a long press anywhere (or ?staff) opens the sound controls and what this TV can show ---- */
  const LONG_PRESS_MS = 1500;
  const STAFF_OPEN_MS = 60000;
  let pressTimer = null, staffTimer = null;
  function openStaff() {
    const w = api.waiting || {};
    $("staff-fit").textContent = Kezek.t("Shows %(cells)s queues at a time, %(pages)s page(s) now; "
      + "capitals of %(mm)s mm for %(metres)s m.", {
        cells: w.perPage || 0, pages: w.pages || 1,
        mm: Math.round(CAP_MM_PER_M * Number($("display").dataset.viewingM || 5)),
        metres: $("display").dataset.viewingM || 5 });
    $("staff").hidden = false;
    renderSound();
    clearTimeout(staffTimer);
    staffTimer = setTimeout(closeStaff, STAFF_OPEN_MS);   // never left open over the hall's screen
  }
  function closeStaff() {
    $("staff").hidden = true;
    clearTimeout(staffTimer);
  }
  api.openStaff = openStaff;

  /* ---- start ---- */
  $("sound-enable").addEventListener("click", enableSound);
  $("sound-test").addEventListener("click", enableSound);
  $("staff-close").addEventListener("click", closeStaff);
  // Any touch on the TV counts as the gesture browsers wait for before they allow sound.
  document.addEventListener("pointerdown", (event) => {
    const ctx = audioContext();
    if (ctx && ctx.state !== "running") ctx.resume().then(renderSound, renderSound);
    if (!$("staff").contains(event.target)) {
      clearTimeout(pressTimer);
      pressTimer = setTimeout(openStaff, LONG_PRESS_MS);
    }
  });
  ["pointerup", "pointercancel", "pointerleave"].forEach((name) =>
    document.addEventListener(name, () => clearTimeout(pressTimer)));
  document.addEventListener("keydown", (event) => { if (event.key === "Escape") closeStaff(); });
  const originalSetLang = Kezek.setLang;
  Kezek.setLang = function (lang) { originalSetLang(lang); render(); };
  audioContext();
  setInterval(renderClock, 5000);
  setInterval(alternateLabels, 8000);
  setInterval(() => { if (waiting) { waiting.turn(); api.waiting = { ...waiting.view }; } }, window.KezekWaiting.PAGE_MS);
  window.addEventListener("resize", () => { applyLegibility(); renderWaiting(); renderCalls(); });

  const auth = { screen: "display" };
  if (token) auth.token = token;
  if (params.get("office")) auth.office = params.get("office");
  const handlers = {
    snapshot: onSnapshot,
    "ticket.called": onCalled,
    "ticket.recalled": onCalled,
    "ticket.started": onStatusChange,
    "ticket.finished": onStatusChange,
    "ticket.no_show": onStatusChange,
    "ticket.returned": onBackInQueue,
    "ticket.transferred": onBackInQueue,
    "ticket.cancelled": onBackInQueue,
    "ticket.expired": onBackInQueue,
    "queue.changed": onQueue,
    "desk.changed": onDesk,
  };
  const socket = Kezek.connect(auth, handlers, onOnline);
  socket.on("connect_error", (err) => {
    if (err && err.message === "bad display token") {
      // A revoked or mistyped token: say so, and carry on as the public display of the office.
      localStorage.removeItem(TOKEN_KEY);
      delete auth.token;
      const notice = $("notice");
      notice.textContent = Kezek.t("Display is not paired: token refused");
      notice.hidden = false;
    }
    // A refusal by the server stops the client's own retries: try again a little later.
    if (!socket.active) setTimeout(() => socket.connect(), 3000);
  });
  setInterval(() => { if (socket.connected) socket.emit("snapshot", auth); }, RESYNC_MS);
  api.socket = socket;
  render();
  if (params.has("staff")) openStaff();
})();
