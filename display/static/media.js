/* The hall display's media: the playlist of videos, pictures and "what to bring" slides beside the queue or
   full screen, the call taking over for call_s seconds, the sound ducked under the chime and the voice, the
   ticker's notices between their times, and the files kept in Cache Storage (display-sw.js) so that the
   media goes on through a network drop or a server restart.
   Tests and the bench read window.__mediaVolumeLog and window.kezekMedia. */
(function () {
  "use strict";
  const display = window.kezekDisplay;
  if (!display || !display.on) return;   // the seam in display.js (docs/display.md)
  const $ = (id) => document.getElementById(id);
  const CACHE = "kezek-media-v1", SHELL = "kezek-display-shell-v1";   // as display-sw.js
  const TOKEN_KEY = "kezek.display.token";
  const DUCKED = 0.12, DUCK_MS = 160, FADE_MS = 800, FADE_STEPS = 8;
  const volumeLog = [];
  window.__mediaVolumeLog = volumeLog;
  const state = { content: null, index: -1, timer: null, callTimer: null, volume: 1, fade: null, speaking: false,
                  played: [], playedCount: 0, errors: 0, cached: [] };
  window.kezekMedia = state;

  /* ---- the panel: one video, one picture and one slide element, reused for every item ---- */
  const panel = $("media");
  if (!panel) return;
  panel.setAttribute("aria-hidden", "true");   // moving pictures; the calls are what the hall must read
  const video = document.createElement("video");
  video.className = "media-video";
  video.playsInline = true;
  video.preload = "auto";
  const picture = document.createElement("img");
  picture.className = "media-image";
  picture.alt = "";
  const slide = document.createElement("div");
  slide.className = "media-info";
  panel.append(video, picture, slide);

  const lang = () => Kezek.lang || "kk";
  const text = (values) => (values && (values[lang()] || values.kk)) || "";

  function log(why) {
    volumeLog.push({ at: performance.now(), volume: Number(video.volume.toFixed(3)), muted: video.muted, why });
    if (volumeLog.length > 500) volumeLog.splice(0, volumeLog.length - 500);   // a TV runs for months
  }

  /* ---- layout ---- */
  function applyLayout() {
    const layout = (state.content && state.content.items.length) ? state.content.layout : "queue";
    const root = $("display");
    ["queue", "beside", "full"].forEach((l) => root.classList.toggle("display-layout-" + l, l === layout));
    panel.hidden = layout === "queue";
    if (layout === "queue") stop();
  }

  /* ---- the playlist ---- */
  function show(kind) {
    video.hidden = kind !== "video";
    picture.hidden = kind !== "image";
    slide.hidden = kind !== "info";
  }

  function stop() {
    clearTimeout(state.timer);
    video.pause();
    show("none");
  }

  function next() {
    clearTimeout(state.timer);
    const items = state.content ? state.content.items : [];
    if (!items.length || panel.hidden) return;
    state.index = (state.index + 1) % items.length;
    playItem(items[state.index]);
  }

  function playItem(item) {
    state.playedCount += 1;
    state.played.push({ url: item.url || "info:" + item.service_id, at: Date.now() });
    if (state.played.length > 200) state.played.splice(0, 100);
    if (item.kind === "video") {
      show("video");
      if (video.getAttribute("src") !== item.url) video.src = item.url;
      else video.currentTime = 0;
      video.volume = state.speaking ? DUCKED * state.volume : state.volume;
      const started = video.play();
      if (started) started.catch(() => {
        // No gesture yet and no autoplay flag: play without sound rather than not at all.
        if (!video.muted) { video.muted = true; log("muted: autoplay refused"); video.play().catch(() => {}); }
      });
      // A video that never ends (a stalled network, a broken file) still hands over.
      state.timer = setTimeout(next, ((item.duration_s || item.seconds) + 5) * 1000);
    } else if (item.kind === "image") {
      show("image");
      picture.src = item.url;
      video.pause();
      state.timer = setTimeout(next, item.seconds * 1000);
    } else {
      show("info");
      video.pause();
      renderInfo(item);
      state.timer = setTimeout(next, item.seconds * 1000);
    }
  }

  function renderInfo(item) {
    slide.textContent = "";
    const head = document.createElement("div");
    head.className = "media-info-head";
    const prefix = document.createElement("span");
    prefix.className = "media-info-prefix";
    prefix.textContent = item.prefix;
    const title = document.createElement("span");
    title.textContent = text(item.name);
    head.append(prefix, title);
    const about = document.createElement("p");
    about.className = "media-info-about";
    about.textContent = text(item.description);
    const label = document.createElement("div");
    label.className = "media-info-label";
    label.textContent = Kezek.t("What to bring");
    const list = document.createElement("ul");
    list.className = "media-info-docs";
    (item.documents || []).forEach((doc) => {
      const li = document.createElement("li");
      li.textContent = text(doc);
      list.append(li);
    });
    slide.append(head, about);
    if (list.children.length) slide.append(label, list);
  }

  video.addEventListener("ended", next);
  video.addEventListener("error", () => { state.errors += 1; clearTimeout(state.timer); state.timer = setTimeout(next, 1000); });
  picture.addEventListener("error", () => { state.errors += 1; clearTimeout(state.timer); state.timer = setTimeout(next, 1000); });

  /* ---- sound: down for the chime and the voice, back up after ---- */
  function fadeTo(target, why, ms) {
    clearInterval(state.fade);
    const from = video.volume;
    let step = 0;
    log(why + ": from");
    state.fade = setInterval(() => {
      step += 1;
      video.volume = Math.max(0, Math.min(1, from + (target - from) * step / FADE_STEPS));
      if (step >= FADE_STEPS) { clearInterval(state.fade); log(why); }
    }, ms / FADE_STEPS);
  }

  display.on("sound", (speaking) => {
    state.speaking = speaking;
    if (panel.hidden) return;
    // Down quickly (the chime starts at once), back up slowly after the last word.
    if (speaking) fadeTo(DUCKED * state.volume, "duck", DUCK_MS);
    else fadeTo(state.volume, "restore", FADE_MS);
  });

  /* ---- a call takes over for call_s seconds ---- */
  display.on("call", () => {
    if (panel.hidden || !state.content) return;
    const root = $("display");
    root.classList.add("display-call-showing");
    clearTimeout(state.callTimer);
    state.callTimer = setTimeout(() => root.classList.remove("display-call-showing"),
                                 (state.content.call_s || 10) * 1000);
  });

  // A touch lets the browser play sound: a video muted for want of one gets its sound back.
  document.addEventListener("pointerdown", () => {
    if (video.muted) { video.muted = false; log("unmuted: a touch"); }
  });

  /* ---- notices: in the ticker only between their start and end ---- */
  function currentNotices() {
    const now = new Date().toISOString();
    return ((state.content && state.content.notices) || [])
      .filter((n) => n.starts_at <= now && now < n.ends_at)
      .map((n) => n["text_" + lang()] || n.text_kk);
  }
  display.notices = currentNotices;
  let shownNotices = "";
  function renderNotices() {
    const now = JSON.stringify(currentNotices());
    if (now === shownNotices) return;
    shownNotices = now;
    if (display.renderOffice) display.renderOffice();
  }

  /* ---- content: fetched on start, on every (re)connect and on media.changed; the files into the cache ---- */
  async function keepOffline(items) {
    if (!("caches" in window)) return;
    try {
      const cache = await caches.open(CACHE);
      const wanted = new Set(items.filter((i) => i.url).map((i) => new URL(i.url, location.href).href));
      for (const url of wanted) {
        if (!(await cache.match(url))) await cache.add(url);
      }
      for (const request of await cache.keys()) {
        if (!wanted.has(request.url)) await cache.delete(request);
      }
      state.cached = Array.from(wanted);
    } catch (e) { /* offline now: the next fetch tries again */ }
  }

  /* The page itself and what it loads, so that a TV whose browser restarts while the server is away comes back. */
  async function keepShell() {
    if (!("caches" in window)) return;
    const urls = [location.pathname, ...Array.from(document.scripts).map((s) => s.src),
                  ...Array.from(document.querySelectorAll("link[rel=stylesheet]")).map((l) => l.href)]
      .filter((u) => u && new URL(u, location.href).origin === location.origin);
    try { await (await caches.open(SHELL)).addAll(urls); } catch (e) { /* the next start tries again */ }
  }

  async function load() {
    const token = localStorage.getItem(TOKEN_KEY);
    const office = new URLSearchParams(location.search).get("office");
    const url = "/api/v1/display/content" + (office ? "?office=" + encodeURIComponent(office) : "");
    let response = null;
    try {
      response = await fetch(url, { headers: token ? { Authorization: "Bearer " + token } : {} });
    } catch (e) { response = null; }
    try {
      if (response && response.ok && "caches" in window) await (await caches.open(SHELL)).put(url, response.clone());
      else if ("caches" in window) response = (await caches.match(url, { cacheName: SHELL })) || response;
    } catch (e) { /* no Cache Storage here: the live copy only */ }
    if (!response || !response.ok) return;   // the server is away and nothing kept: play on what there is
    const content = await response.json();
    const volume = Number((display.state.settings || {}).volume);
    state.volume = volume > 0 && volume <= 1 ? volume : 1;
    if (state.content && state.content.version === content.version) return;
    const before = state.content ? JSON.stringify(state.content.items) : "";
    state.content = content;
    applyLayout();
    renderNotices();
    if (JSON.stringify(content.items) !== before) {
      state.index = -1;
      next();
      keepOffline(content.items);
    }
  }

  if (display.socket) {
    display.socket.on("media.changed", load);
    display.socket.on("connect", load);
  }
  setInterval(renderNotices, 15000);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/display/sw.js", { scope: "/display/" }).catch(() => {});
  }
  load();
  keepShell();
})();
