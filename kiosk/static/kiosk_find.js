/* Finding one service among 120 (docs/kiosk.md): the most asked first, search on an on-screen kk/ru/en
   keyboard (names in three languages and the admin's synonyms), A–Z, state bodies (a service may be under
   several), and pages that say "page n of m" instead of clipping. kiosk.js draws the cards and tickets. */
(function () {
  "use strict";
  const FLAT_LIMIT = 12;               // this many services or fewer: one list, as a small office has
  const MIN_SCALE = 0.6;               // text never shrinks below this to fit: the page holds fewer cards
  const COMMON_SCALE = 0.75;           // a page's cards share a scale down to this; a longer name alone goes lower
  const LAYOUTS = {
    kk: ["әіңғүұқөһ", "йцукенгшщзх", "фывапролджэ", "ячсмитьбюъё"],
    ru: ["йцукенгшщзхъ", "фывапролджэ", "ячсмитьбюё"],
    en: ["qwertyuiop", "asdfghjkl", "zxcvbnm"],
  };
  const LANG_NAMES = { kk: "Қазақша", ru: "Русский", en: "English" };
  const LANG_SHORT = { kk: "Қаз", ru: "Рус", en: "Eng" };
  const $ = (id) => document.getElementById(id);
  const F = {
    ctx: null, catalogue: { synonyms: {}, bodies: {}, most_asked: [] },
    view: "home", trail: [], body: null, letter: null, page: 0, pageSize: {}, query: "", keyboard: null,
    searchPage: 0,
  };

  /* ---- what the services are and where they are listed ---- */

  function services() { return F.ctx.services(); }
  function lang() { return Kezek.lang; }
  function big() { return services().length > FLAT_LIMIT; }
  function sorted(list) { return list.slice().sort((a, b) => (a.sort_order - b.sort_order) || (a.id - b.id)); }
  // Paused, closed or switched-off services stay listed, greyed with the reason (docs/kiosk.md).
  function shown() { return sorted(services()); }

  function bodyKey(b) { return b.group_kk || b.group_ru || b.group_en || ""; }

  /* The bodies a service is listed under: its main one (services.group_*), then the admin's others. */
  function bodiesOf(s) {
    const out = [];
    if (bodyKey(s)) out.push({ key: bodyKey(s), names: s });
    (F.catalogue.bodies[String(s.id)] || []).forEach((b) => {
      if (bodyKey(b) && !out.some((o) => o.key === bodyKey(b))) out.push({ key: bodyKey(b), names: b });
    });
    return out;
  }

  function bodies() {
    const map = new Map();
    shown().forEach((s) => bodiesOf(s).forEach((b) => {
      if (!map.has(b.key)) map.set(b.key, { key: b.key, names: b.names, members: [] });
      map.get(b.key).members.push(s);
    }));
    return Array.from(map.values());
  }

  function bodyName(body) { return F.ctx.local(body.names, "group"); }

  function mostAsked() {
    const byId = new Map(shown().map((s) => [s.id, s]));
    return F.catalogue.most_asked.map((id) => byId.get(id)).filter(Boolean);
  }

  function firstLetter(s) {
    const m = F.ctx.local(s, "name").match(/\p{L}/u);
    return m ? m[0].toLocaleUpperCase(lang()) : "";
  }

  function collator() { return new Intl.Collator(lang(), { sensitivity: "base" }); }

  function letters() {
    const found = new Set(shown().map(firstLetter).filter(Boolean));
    return Array.from(found).sort(new Intl.Collator(lang()).compare);
  }

  function byName(list) {
    const c = collator();
    return list.slice().sort((a, b) => c.compare(F.ctx.local(a, "name"), F.ctx.local(b, "name")));
  }

  /* ---- search: every word typed is found in a name (kk, ru, en), a synonym or a body; case and ё do not matter ---- */

  function fold(text) {
    return (text || "").toLocaleLowerCase().replace(/ё/g, "е").replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  }

  function search(query) {
    const words = fold(query).split(" ").filter(Boolean);
    if (!words.length) return [];
    const found = [];
    shown().forEach((s) => {
      const names = ["kk", "ru", "en"].map((l) => fold(s["name_" + l]));
      const synonyms = (F.catalogue.synonyms[String(s.id)] || []).map(fold);
      const places = bodiesOf(s).flatMap((b) => ["kk", "ru", "en"].map((l) => fold(b.names["group_" + l])));
      const all = " " + names.concat(synonyms, places).join(" | ") + " ";
      if (!words.every((w) => all.includes(w))) return;
      const own = " " + fold(F.ctx.local(s, "name"));
      const wordStart = (text) => words.every((w) => (" " + text).includes(" " + w));
      const rank = own.startsWith(" " + words[0]) ? 0
        : wordStart(names.join(" ")) || synonyms.some((y) => wordStart(y)) ? 1 : 2;
      found.push({ s, rank });
    });
    found.sort((a, b) => (a.rank - b.rank) || (a.s.sort_order - b.s.sort_order) || (a.s.id - b.s.id));
    return found.map((f) => f.s);
  }

  /* ---- the services screen's views: home (most asked), bodies, one body, A–Z, one letter ---- */

  function items() {
    if (!big()) return { kind: "services", list: shown() };
    if (F.view === "home") {
      const top = mostAsked();
      return top.length ? { kind: "services", list: top } : { kind: "bodies", list: bodies() };
    }
    if (F.view === "bodies") return { kind: "bodies", list: bodies() };
    if (F.view === "body") {
      const body = bodies().find((b) => b.key === F.body);
      return { kind: "services", list: body ? body.members : [] };
    }
    if (F.view === "az") return { kind: "letters", list: letters() };
    if (F.view === "letter") return { kind: "services", list: byName(shown().filter((s) => firstLetter(s) === F.letter)) };
    return { kind: "services", list: [] };
  }

  function title() {
    if (!big() || F.view === "home") return { msgid: "Select a service" };
    if (F.view === "bodies") return { msgid: "Choose a state body" };
    if (F.view === "body") {
      const body = bodies().find((b) => b.key === F.body);
      return { text: body ? bodyName(body) : "", body: body ? bodyName(body) : "" };
    }
    if (F.view === "az") return { msgid: "Choose the first letter" };
    return { text: Kezek.t("A–Z") + ": " + F.letter, letter: F.letter };
  }

  function subTitle(kind) {
    if (!big() || F.view !== "home") return null;
    return kind === "services" ? "Most asked" : "Choose a state body";
  }

  function landscape() { return innerWidth > innerHeight; }

  function columns(kind) {
    if (kind === "letters") return landscape() ? 8 : 5;
    if (kind === "bodies") return landscape() ? 3 : 2;
    if (kind === "services" && !big() && !landscape()) return shown().length > 8 ? 2 : 1;
    if (kind === "services" && !big()) return shown().length > 6 ? 3 : 2;
    return landscape() ? 2 : 1;
  }

  /* How many cards a page holds: as many rows as fit at a legible card height; fewer if a name still overflows. */
  function guessSize(box, kind, cols) {
    const vmin = Math.min(innerWidth, innerHeight);
    const large = document.documentElement.classList.contains("large-text") ? 1.3 : 1;
    const minH = (kind === "letters" ? 0.1 : kind === "bodies" ? 0.16 : 0.13) * vmin * large;
    const gap = parseFloat(getComputedStyle(box).rowGap) || 0;
    const rows = Math.max(1, Math.floor((box.clientHeight + gap) / (minH + gap)));
    return rows * cols;
  }

  function span(cls, text) {
    const el = document.createElement("span");
    el.className = cls;
    el.textContent = text;
    return el;
  }

  function bodyCard(body) {
    const btn = document.createElement("button");
    btn.type = "button";
    btn.className = "btn service group";
    btn.dataset.group = body.key;
    const inner = span("svc-body", "");
    inner.appendChild(span("svc-name", bodyName(body)));
    // What the body holds, in words: its count and its first services' names.
    const names = [];
    let length = 0;
    for (const s of body.members) {
      const name = F.ctx.local(s, "name");
      if (names.length && length + name.length > 70) break;
      names.push(name);
      length += name.length + 2;
    }
    let line = names.join(", ");
    if (names.length < body.members.length) line += " " + Kezek.t("and more");
    inner.appendChild(span("svc-meta svc-count", Kezek.t("Services: %(n)s", { n: body.members.length })));
    inner.appendChild(span("svc-meta svc-holds", line));
    btn.appendChild(inner);
    return btn;
  }

  function letterCard(letter) {
    const btn = document.createElement("button");
    btn.type = "button";
    btn.className = "btn letter";
    btn.dataset.letter = letter;
    btn.textContent = letter;
    return btn;
  }

  function serviceCard(s) {
    const btn = document.createElement("button");
    btn.type = "button";
    btn.className = "btn service";
    btn.dataset.serviceId = String(s.id);
    F.ctx.fillCard(btn, s);
    return btn;
  }

  function card(kind, item) {
    return kind === "bodies" ? bodyCard(item) : kind === "letters" ? letterCard(item) : serviceCard(item);
  }

  /* The largest text scale (1 down to MIN_SCALE) at which a card's content fits inside it; 0 if none does. */
  function fitScale(btn) {
    if (!btn.getClientRects().length) return 1;
    const over = () => btn.scrollHeight > btn.clientHeight + 1 || btn.scrollWidth > btn.clientWidth + 1;
    let scale = 1;
    btn.style.fontSize = "";
    while (over() && scale > MIN_SCALE + 0.001) {
      scale -= 0.05;
      btn.style.fontSize = scale + "rem";
    }
    return over() ? 0 : scale;
  }

  /* One scale for the cards of a page (they read as one list), down to COMMON_SCALE; a card that needs
     less has its own. False if a card does not fit even at MIN_SCALE. */
  function fitAll(cards) {
    const scales = cards.map(fitScale);
    if (scales.some((x) => !x)) return false;
    const common = Math.min(1, ...scales.filter((x) => x >= COMMON_SCALE - 0.001));
    cards.forEach((btn, i) => {
      const scale = Math.min(scales[i], common);
      btn.style.fontSize = scale < 1 ? scale + "rem" : "";
    });
    return true;
  }

  function fitCard(btn) { return fitScale(btn) > 0; }

  function fill(box, kind, items, rows, cols) {
    box.textContent = "";
    items.forEach((item) => box.appendChild(card(kind, item)));
    box.style.gridTemplateRows = "repeat(" + rows + ", minmax(0, 1fr))";
    return fitAll(Array.from(box.children));
  }

  /* Where the pages of `list` begin and end: as many cards as fit at a legible height; a page with a name
     too long for that holds fewer, taller cards (the others keep theirs). */
  function paginate(box, pager, kind, list, cols, paged) {
    pager.hidden = !paged;
    box.textContent = "";
    let size = Math.max(cols, guessSize(box, kind, cols));
    if (list.length > size && !paged) {   // pages: the pager takes its room first, then the rows are counted
      pager.hidden = false;
      size = Math.max(cols, guessSize(box, kind, cols));
    }
    // A big office's pages keep their rows (two results are two cards of the usual height, not two halves);
    // a page cut short for a long name spreads its cards over its rows.
    const slices = [];
    let at = 0;
    do {
      const full = Math.min(size, list.length - at);
      let count = full;
      let rows = Math.ceil((big() ? size : full) / cols);
      while (!fill(box, kind, list.slice(at, at + count), rows, cols)) {
        if (rows > Math.ceil(count / cols)) rows = Math.ceil(count / cols);   // the same cards, taller
        else if (count > cols) { count -= cols; rows = Math.ceil(count / cols); }
        else break;
      }
      slices.push([at, at + count, rows]);
      at += Math.max(count, 1);
    } while (at < list.length);
    return slices;
  }

  /* Draw one page of `list` in `box`; the pager says which page of how many (found once per list and screen). */
  function drawPages(box, pager, kind, list, pageKey, pageOf) {
    const cols = Math.min(columns(kind), Math.max(list.length, 1));
    box.style.gridTemplateColumns = "repeat(" + cols + ", minmax(0, 1fr))";
    box.dataset.kind = kind;
    if (!box.getClientRects().length) return { page: 0, pages: 1 };   // hidden: measured when shown
    const large = document.documentElement.classList.contains("large-text");
    const key = [kind, innerWidth, innerHeight, large, Kezek.lang, list.map((x) => (x.id || x.key || x)).join(",")].join("|");
    if (!F.pageSize[pageKey] || F.pageSize[pageKey].key !== key) {
      let slices = paginate(box, pager, kind, list, cols, false);
      if (slices.length > 1 && pager.hidden) slices = paginate(box, pager, kind, list, cols, true);
      F.pageSize[pageKey] = { key, slices };
    }
    const slices = F.pageSize[pageKey].slices;
    const pages = slices.length;
    const page = Math.max(0, Math.min(pageOf(), pages - 1));
    pageOf(page);
    pager.hidden = pages < 2;
    const [from, to, rows] = slices[page];
    fill(box, kind, list.slice(from, to), rows, cols);
    setPager(pager, page, pages);
    return { page, pages };
  }

  function setPager(pager, page, pages) {
    const status = pager.querySelector(".page-status");
    status.dataset.n = String(page + 1);
    status.dataset.m = String(pages);
    status.textContent = Kezek.t("Page %(n)s of %(m)s", { n: page + 1, m: pages });
    pager.setAttribute("aria-label", status.textContent);
    const [prev, next] = pager.querySelectorAll("button");
    prev.disabled = page === 0;
    next.disabled = page >= pages - 1;
  }

  function render() {
    const { kind, list } = items();
    const heading = title();
    const h = $("services-title");
    if (heading.msgid) { h.dataset.i18n = heading.msgid; h.textContent = Kezek.t(heading.msgid); }
    else { delete h.dataset.i18n; h.textContent = heading.text; }
    $("find-nav").hidden = !(big() && F.view === "home");
    $("find-nav").querySelector('[data-nav="bodies"]').hidden = kind === "bodies";
    const sub = subTitle(kind);
    $("services-sub").hidden = !sub;
    if (sub) { $("services-sub").dataset.i18n = sub; $("services-sub").textContent = Kezek.t(sub); }
    $("btn-booking-services").hidden = big() && F.view !== "home";
    $("screen-services").dataset.home = big() && F.view === "home" ? "1" : "0";
    const box = $("services");
    box.dataset.view = big() ? F.view : "all";
    const done = drawPages(box, $("pager"), kind, list, "services", (p) => (p === undefined ? F.page : (F.page = p)));
    box.dataset.count = String(list.length);
    return done;
  }

  /* ---- the search screen and its keyboard ---- */

  function drawKeyboard() {
    const board = $("keyboard");
    const layout = F.keyboard || (LAYOUTS[lang()] ? lang() : "kk");
    F.keyboard = layout;
    board.textContent = "";
    board.dataset.layout = layout;
    LAYOUTS[layout].forEach((row) => {
      const line = document.createElement("div");
      line.className = "key-row";
      Array.from(row).forEach((ch) => {
        const key = document.createElement("button");
        key.type = "button";
        key.className = "btn kbd-key";
        key.dataset.char = ch;
        key.lang = layout;
        key.textContent = ch.toLocaleUpperCase(layout);
        line.appendChild(key);
      });
      board.appendChild(line);
    });
    const controls = document.createElement("div");
    controls.className = "key-row key-controls";
    const control = (cls, data, msgid, text) => {
      const key = document.createElement("button");
      key.type = "button";
      key.className = "btn kbd-key " + cls;
      Object.assign(key.dataset, data);
      if (msgid) { key.dataset.i18n = msgid; key.textContent = Kezek.t(msgid); } else key.textContent = text;
      controls.appendChild(key);
      return key;
    };
    control("kbd-space", { char: " " }, "Space bar");
    const erase = control("kbd-erase", { kbd: "erase" }, null, "⌫");
    erase.dataset.i18nLabel = "Erase";
    erase.setAttribute("aria-label", Kezek.t("Erase"));
    control("kbd-clear", { kbd: "clear" }, "Clear");
    ["kk", "ru", "en"].filter((l) => l !== layout).forEach((l) => {
      const key = control("kbd-layout", { layout: l }, null, LANG_SHORT[l]);
      key.lang = l;
    });
    board.appendChild(controls);
  }

  function renderSearch() {
    const query = $("search-query");
    query.textContent = F.query || Kezek.t("Type a word from the name of the service");
    query.classList.toggle("empty", !F.query);
    const list = search(F.query);
    const status = $("search-status");
    status.textContent = !F.query.trim() ? "" : list.length ? Kezek.t("Found: %(n)s", { n: list.length })
      : Kezek.t("Nothing found. Try another word or choose by state body.");
    status.hidden = !status.textContent;
    const done = drawPages($("search-results"), $("search-pager"), "services", list, "search",
      (p) => (p === undefined ? F.searchPage : (F.searchPage = p)));
    return { ...done, found: list.length };
  }

  function type(ch) {
    F.query = (F.query + ch).replace(/^ +/, "").replace(/ {2,}/g, " ").slice(0, 40);
    F.searchPage = 0;
    return renderSearch();
  }

  /* ---- for kiosk.js ---- */

  function open(view, extra) {
    F.trail.push({ view: F.view, body: F.body, letter: F.letter, page: F.page });
    F.view = view;
    F.page = 0;
    Object.assign(F, extra || {});
  }

  /* A touch on one of the finder's buttons; returns what happened, or null if it is not the finder's. */
  function tap(btn) {
    if (btn.dataset.nav === "search") {
      F.query = "";
      F.searchPage = 0;
      F.keyboard = null;
      return { screen: "search" };
    }
    if (btn.dataset.nav) { open(btn.dataset.nav); return { view: true }; }
    if (btn.dataset.group !== undefined) { open("body", { body: btn.dataset.group }); return { view: true }; }
    if (btn.dataset.letter) { open("letter", { letter: btn.dataset.letter }); return { view: true }; }
    if (btn.dataset.page) {
      const search = Boolean(btn.closest("#screen-search"));
      if (search) F.searchPage += Number(btn.dataset.page); else F.page += Number(btn.dataset.page);
      return { page: search ? renderSearch() : render() };
    }
    if (btn.dataset.char !== undefined) return { typed: btn.dataset.char, search: type(btn.dataset.char) };
    if (btn.dataset.kbd === "erase") { F.query = F.query.slice(0, -1); F.searchPage = 0; return { search: renderSearch() }; }
    if (btn.dataset.kbd === "clear") { F.query = ""; F.searchPage = 0; return { search: renderSearch() }; }
    if (btn.dataset.layout) { F.keyboard = btn.dataset.layout; drawKeyboard(); return { keyboard: F.keyboard }; }
    return null;
  }

  /* Back inside the finder: true if it went up a level, false if the services screen should be left. */
  function back() {
    if (!F.trail.length) return false;
    Object.assign(F, F.trail.pop());
    return true;
  }

  function reset() {
    Object.assign(F, { view: "home", trail: [], body: null, letter: null, page: 0, query: "", searchPage: 0, keyboard: null });
  }

  async function load(token) {
    try {
      const answer = await Kezek.api("GET", "/api/v1/kiosk/catalogue", undefined, { token });
      if (answer.status === 200 && answer.data) {
        F.catalogue = { synonyms: answer.data.synonyms || {}, bodies: answer.data.bodies || {},
          most_asked: answer.data.most_asked || [] };
        return true;
      }
    } catch (e) { /* the services still list; search misses only the synonyms */ }
    return false;
  }

  /* What the voice guide says of the finder's own buttons (null: not one of them). */
  function clips(btn) {
    const p = window.KioskGuide.phrase;
    if (btn.dataset.char === " ") return [p("Space bar")];
    if (btn.dataset.char) return [{ letter: btn.dataset.char, text: btn.textContent, lang: btn.lang || lang() }];
    if (btn.dataset.letter) return [{ letter: btn.dataset.letter, text: btn.dataset.letter }];
    if (btn.dataset.layout) return [p(LANG_NAMES[btn.dataset.layout], null, btn.dataset.layout)];
    if (btn.dataset.group !== undefined) {
      const body = bodies().find((b) => b.key === btn.dataset.group);
      if (!body) return [];
      return [{ body: bodyName(body), text: bodyName(body) }, p("Services: %(n)s", { n: Math.min(body.members.length, 999) })];
    }
    return null;
  }

  function pageClips(pager) {
    const status = pager.querySelector(".page-status");
    if (pager.hidden) return [];
    return [window.KioskGuide.phrase("Page %(n)s of %(m)s", { n: Number(status.dataset.n), m: Number(status.dataset.m) })];
  }

  /* What the voice guide says as a finder's screen opens. */
  function screenClips(screen) {
    const p = window.KioskGuide.phrase;
    if (screen === "search") {
      const found = F.query ? search(F.query).length : null;
      return [p("Search"), found === null ? p("Type a word from the name of the service") : p("Found: %(n)s", { n: Math.min(found, 999) })];
    }
    if (screen !== "services" || !big()) return null;
    const heading = title();
    const first = heading.body ? { body: heading.body, text: heading.body }
      : heading.letter ? { letter: heading.letter, text: heading.letter } : p(heading.msgid);
    const out = heading.letter ? [p("A–Z"), first] : [first];
    const sub = subTitle(items().kind);
    if (sub && sub !== heading.msgid) out.push(p(sub));
    return out.concat(pageClips($("pager")));
  }

  window.KioskFind = {
    init(ctx) { F.ctx = ctx; },
    big, render, renderSearch, drawKeyboard, tap, back, reset, load, clips, screenClips, pageClips,
    search, bodies, letters, fitCard, fitAll,
    get view() { return F.view; },
    get query() { return F.query; },
  };
})();
