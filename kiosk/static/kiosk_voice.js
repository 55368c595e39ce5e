/* The kiosk's voice guide and keypad: each screen and option spoken in the visitor's language (the server's
   espeak-ng, cached), a USB numeric keypad alone (docs/kiosk.md), larger text and high contrast. */
(function () {
  "use strict";
  const root = document.getElementById("kiosk");
  const spoken = [];                    // the page's own record of what it played, oldest first
  window.kezekKioskSpoken = spoken;
  const KEYS = {
    Numpad8: "prev", Numpad4: "prev", ArrowUp: "prev", ArrowLeft: "prev",
    Numpad2: "next", Numpad6: "next", ArrowDown: "next", ArrowRight: "next",
    Numpad5: "repeat", NumpadEnter: "choose", Numpad0: "keys", NumpadDecimal: "back",
    NumpadMultiply: "call", NumpadDivide: "voice", NumpadAdd: "large", NumpadSubtract: "contrast",
  };
  const G = { on: false, token: null, ctx: null, source: null, queue: [], running: false, seq: 0,
              cause: 0, buffers: new Map(), hooks: {} };

  /* ---- sound: one phrase at a time; a new key or touch interrupts ---- */

  function context() {
    if (!G.ctx) G.ctx = new AudioContext();
    if (G.ctx.state === "suspended") G.ctx.resume().catch(() => {});
    return G.ctx;
  }

  function address(clip) {
    const q = new URLSearchParams({ lang: clip.lang || Kezek.lang });
    if (clip.service) q.set("service", String(clip.service));
    else if (clip.number) q.set("number", clip.number);
    else if (clip.body) q.set("body", clip.body);            // a state body's name (kiosk_find.js)
    else if (clip.letter) q.set("letter", clip.letter);      // a key of the on-screen keyboard, a letter of A–Z
    else {
      q.set("phrase", clip.phrase);
      Object.entries(clip.values || {}).forEach(([k, v]) => q.set(k, String(v)));
    }
    return "/audio/kiosk.wav?" + q.toString();
  }

  function load(clip) {
    const url = address(clip);
    if (G.buffers.has(url)) return G.buffers.get(url);
    const promise = (async () => {
      const answer = await fetch(url, { headers: { Authorization: "Bearer " + G.token } });
      if (!answer.ok) throw new Error("audio " + answer.status);
      const said = decodeURIComponent(answer.headers.get("X-Kezek-Spoken") || "");
      const buffer = await context().decodeAudioData(await answer.arrayBuffer());
      return { buffer, said };
    })();
    G.buffers.set(url, promise);
    promise.catch(() => G.buffers.delete(url));
    if (G.buffers.size > 200) G.buffers.delete(G.buffers.keys().next().value);
    return promise;
  }

  function stop() {
    G.seq += 1;
    G.queue = [];
    if (G.source) {
      try { G.source.onended = null; G.source.stop(); } catch (e) { /* already ended */ }
      G.source = null;
    }
    if (G.resolve) G.resolve();   // the interrupted phrase's wait ends now: the next one starts at once
  }

  function play(buffer) {
    return new Promise((resolve) => {
      G.resolve = resolve;
      const source = context().createBufferSource();
      source.buffer = buffer;
      source.connect(G.ctx.destination);
      source.onended = resolve;
      G.source = source;
      source.start();
      setTimeout(resolve, buffer.duration * 1000 + 400);   // a muted or suspended output never stalls the guide
    });
  }

  async function run() {
    if (G.running) return;
    G.running = true;
    while (G.queue.length) {
      const seq = G.seq;
      const clip = G.queue.shift();
      let sound = null;
      try { sound = await load(clip); } catch (e) { spoken.push({ text: clip.text, lang: clip.lang, error: String(e) }); }
      if (seq !== G.seq) continue;
      if (!sound) continue;
      const entry = { text: clip.text, said: sound.said, lang: clip.lang || Kezek.lang, screen: root.dataset.screen };
      if (G.cause) { entry.after_input_ms = Math.round(performance.now() - G.cause); G.cause = 0; }
      spoken.push(entry);
      await play(sound.buffer);
    }
    G.running = false;
  }

  /* Say `clips` now (interrupting), or after what is being said (`append`). */
  function say(clips, append) {
    if (!G.on) return;
    if (!append) stop();
    G.queue.push(...clips.filter(Boolean).map((c) => ({ lang: Kezek.lang, ...c })));
    run();
  }

  function prefetch(clips) {
    if (G.on) clips.forEach((c) => load({ lang: Kezek.lang, ...c }).catch(() => {}));
  }

  /* ---- what a screen and an option say ---- */

  function phrase(msgid, values, lang) {
    return { phrase: msgid, values, lang: lang || Kezek.lang, text: Kezek.t(msgid, values, lang) };
  }

  function optionClips(btn) {
    if (!btn) return [];
    const own = G.hooks.optionClips && G.hooks.optionClips(btn);
    if (own) return own;
    const lang = btn.dataset.lang || btn.dataset.setLang;
    if (lang) return [phrase(btn.textContent.trim(), null, lang)];
    if (btn.dataset.serviceId && G.hooks.serviceClips) return G.hooks.serviceClips(Number(btn.dataset.serviceId));
    if (btn.dataset.group !== undefined && G.hooks.groupClips) return G.hooks.groupClips(btn.dataset.group);
    if (btn.dataset.key && /^\d$/.test(btn.dataset.key)) return [phrase("%(n)s", { n: btn.dataset.key })];
    const parts = btn.querySelectorAll("[data-i18n]");
    const ids = parts.length ? Array.from(parts, (el) => el.dataset.i18n)
      : [btn.dataset.say || btn.dataset.i18n || btn.dataset.i18nAll || btn.dataset.i18nLabel].filter(Boolean);
    const clips = ids.map((id) => phrase(id));
    if (btn.disabled) clips.push(phrase("Unavailable"));
    return clips;
  }

  function heading() {
    const overlay = openOverlay();
    if (overlay) return overlay.querySelector("h1, h2, p");
    const screen = document.getElementById("screen-" + root.dataset.screen);
    return screen && screen.querySelector("h1");
  }

  function screenClips() {
    const own = G.hooks.screenClips && G.hooks.screenClips(root.dataset.screen, openOverlay());
    if (own) return own;
    const h = heading();
    if (!h) return [];
    const id = h.dataset.i18n || h.dataset.i18nAll;
    return id ? [phrase(id)] : [];
  }

  function openOverlay() {
    return Array.from(root.querySelectorAll(".overlay-dialog")).find((el) => !el.hidden) || null;
  }

  function options() {
    const scope = openOverlay() || document.getElementById("screen-" + root.dataset.screen);
    const inScope = scope ? Array.from(scope.querySelectorAll("button")) : [];
    const tools = openOverlay() ? [] : Array.from(document.querySelectorAll("#kiosk-tools button"));
    return inScope.concat(tools).filter((b) => !b.disabled && b.getClientRects().length);
  }

  /* ---- focus: each new screen's heading, announced ---- */

  function screenShown() {
    const h = heading();
    if (h) {
      if (!h.hasAttribute("tabindex")) h.setAttribute("tabindex", "-1");
      h.focus({ preventScroll: true });
      document.getElementById("announce").textContent = h.textContent.trim();
    }
    if (G.on) {
      say(screenClips());
      prefetch(options().slice(0, 8).flatMap(optionClips));
    }
  }

  function move(step) {
    const list = options();
    if (!list.length) return;
    const at = list.indexOf(document.activeElement);
    const next = list[at < 0 ? (step > 0 ? 0 : list.length - 1) : (at + step + list.length) % list.length];
    next.focus({ preventScroll: true });
    say(optionClips(next));
  }

  function turnOn() {
    G.on = true;
    context();
    setPressed("voice", true);
    say([phrase("Voice guide on."), phrase("Keys: 2 next, 8 previous, Enter choose, 5 repeat, dot back, star calls a staff member, 0 this help."), ...screenClips()]);
    if (G.hooks.modeChanged) G.hooks.modeChanged();
  }

  function turnOff() {
    stop();
    G.on = false;
    setPressed("voice", false);
    if (G.hooks.modeChanged) G.hooks.modeChanged();
  }

  function setPressed(mode, on) {
    const btn = document.querySelector(`#kiosk-tools [data-mode="${mode}"]`);
    if (btn) btn.setAttribute("aria-pressed", String(on));
  }

  function toggleMode(mode) {
    const cls = mode === "large" ? "large-text" : "high-contrast";
    const on = !document.documentElement.classList.contains(cls);
    document.documentElement.classList.toggle(cls, on);
    setPressed(mode, on);
    if (G.hooks.modeChanged) G.hooks.modeChanged();
  }

  function onKey(event) {
    const action = KEYS[event.code];
    if (!action || event.ctrlKey || event.altKey) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    G.cause = performance.now();
    if (G.hooks.activity && G.hooks.activity()) return;
    if (root.dataset.screen === "booking" && /^Numpad\d$/.test(event.code) && G.on && G.hooks.typeDigit) {
      const digit = event.code.slice(6);
      G.hooks.typeDigit(digit);
      say([phrase("%(n)s", { n: digit })]);
      return;
    }
    if (action === "voice") { if (G.on) turnOff(); else turnOn(); return; }
    if (!G.on) { turnOn(); if (action !== "call") return; }   // the first key starts the guide (star calls help too)
    if (action === "prev") move(-1);
    else if (action === "next") move(1);
    else if (action === "repeat") say(screenClips().concat(options().includes(document.activeElement) ? optionClips(document.activeElement) : []));
    else if (action === "keys") say([phrase("Keys: 2 next, 8 previous, Enter choose, 5 repeat, dot back, star calls a staff member, 0 this help.")]);
    else if (action === "choose") {
      const btn = document.activeElement;
      if (btn && btn.tagName === "BUTTON" && options().includes(btn)) btn.click();
      else move(1);
    } else if (action === "back") {
      if (root.dataset.screen === "booking" && G.hooks.erase) { G.hooks.erase(); say([phrase("Erase")]); return; }
      const scope = openOverlay() || document.getElementById("screen-" + root.dataset.screen);
      const back = scope && scope.querySelector('[data-action="back"], [data-action="home"], [data-action="dismiss"], [data-action="more-time"]');
      if (back) back.click();
    } else if (action === "call") document.getElementById("btn-help").click();
    else if (action === "large") toggleMode("large");
    else if (action === "contrast") toggleMode("contrast");
  }

  function onTool(event) {
    const btn = event.target.closest("#kiosk-tools button[data-mode]");
    if (!btn) return;
    if (btn.dataset.mode === "voice") { if (G.on) turnOff(); else turnOn(); } else toggleMode(btn.dataset.mode);
  }

  /* The next visitor starts with the plain kiosk. */
  function reset() {
    turnOff();
    ["large-text", "high-contrast"].forEach((cls) => document.documentElement.classList.remove(cls));
    setPressed("large", false);
    setPressed("contrast", false);
  }

  document.addEventListener("keydown", onKey, true);
  document.addEventListener("pointerdown", () => { G.cause = performance.now(); stop(); }, true);
  root.addEventListener("click", onTool);
  window.KioskGuide = {
    hooks: G.hooks, say, stop, phrase, screenShown, reset, optionClips,
    get on() { return G.on; },
    set token(value) { G.token = value; },
  };
})();
