/* The open board: fetch today's figures, refetch whenever the queue changes (live). */
(function () {
  "use strict";
  const root = document.getElementById("board");
  const office = root.dataset.office || "";
  const query = office ? "?office=" + encodeURIComponent(office) : "";
  let data = null;
  let slots = null;     // GET /api/v1/slots/today: bookable services' free times left today
  let timer = null;

  function minutes(seconds) {
    if (seconds === null || seconds === undefined) return "—";
    if (seconds < 60) return Kezek.t("%(n)s min", { n: "< 1" });
    return Kezek.t("%(n)s min", { n: Math.round(seconds / 60) });
  }

  function cell(text, cls, label) {
    const td = document.createElement("td");
    if (cls) td.className = cls;
    if (label) td.dataset.label = Kezek.t(label);   // shown above the figure on a phone (CSS ::before)
    td.textContent = text;
    return td;
  }

  /* Search: one spelling for Kazakh, Russian and Latin letters, any case ("паспорт", "ПАСПОРТ", "pasport";
     "әділет", "адилет", "ädılet"), so a visitor finds a service however their phone's keyboard writes. */
  const LATIN = { а: "a", ә: "a", б: "b", в: "v", г: "g", ғ: "g", д: "d", е: "e", ё: "e", ж: "zh", з: "z", и: "i",
    й: "i", і: "i", к: "k", қ: "k", л: "l", м: "m", н: "n", ң: "n", о: "o", ө: "o", п: "p", р: "r", с: "s", т: "t",
    у: "u", ұ: "u", ү: "u", ф: "f", х: "h", һ: "h", ц: "ts", ч: "ch", ш: "sh", щ: "sh", ъ: "", ы: "y", ь: "",
    э: "e", ю: "yu", я: "ya" };
  function fold(text) {
    return String(text || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[а-яёәғқңөұүһі]/g, (c) => (c in LATIN ? LATIN[c] : c))
      .replace(/ı/g, "i").replace(/q/g, "k").replace(/j/g, "zh").replace(/x/g, "ks").replace(/w/g, "v")
      .replace(/[^a-z0-9]+/g, " ").trim();
  }
  function haystack(s) {
    return fold(["kk", "ru", "en"].map((l) => [s["name_" + l], s["group_" + l]].join(" ")).join(" ") + " " + s.prefix);
  }

  function bodyName(s, lang) { return s["group_" + lang] || s.group_kk || ""; }

  function render() {
    if (!data) return;
    const lang = Kezek.lang;
    document.getElementById("office-name").textContent = data.office["name_" + lang] || data.office.name_kk;
    const rows = document.getElementById("rows");
    rows.replaceChildren();
    let waiting = 0, served = 0;
    // Services under their body (the service's main group), bodies in the order their first service comes.
    const bodies = new Map();
    data.services.forEach((s) => {
      const key = s.group_kk || "";
      if (!bodies.has(key)) bodies.set(key, []);
      bodies.get(key).push(s);
    });
    const headed = bodies.size > 1 || !bodies.has("");
    bodies.forEach((services, key) => {
      if (headed) {
        const tr = document.createElement("tr");
        tr.className = "body-head";
        tr.dataset.body = key;
        const th = document.createElement("th");
        th.colSpan = 4;
        th.scope = "colgroup";
        th.textContent = key ? bodyName(services[0], lang) : Kezek.t("Other services");
        tr.append(th);
        rows.append(tr);
      }
      services.forEach((s) => {
        waiting += s.waiting;
        served += s.served;
        const tr = document.createElement("tr");
        tr.className = "service-row";
        tr.dataset.body = key;
        tr.dataset.find = haystack(s);
        const name = document.createElement("td");
        const prefix = document.createElement("span");
        prefix.className = "prefix";
        prefix.textContent = s.prefix;
        name.append(prefix, s["name_" + lang] || s.name_kk);
        tr.append(name, cell(String(s.waiting), "num", "Waiting now"),
                  cell(minutes(s.wait_mean_s), "num" + (s.wait_mean_s > 1800 ? " wait-long" : ""), "Average wait today"),
                  cell(String(s.served), "num", "Served today"));
        rows.append(tr);
      });
    });
    const totals = document.getElementById("totals");
    totals.replaceChildren();
    if (data.services.length) {
      const tr = document.createElement("tr");
      tr.append(cell(Kezek.t("Total")), cell(String(waiting), "num", "Waiting now"), cell("", "num blank"),
                cell(String(served), "num", "Served today"));
      totals.append(tr);
    }
    document.getElementById("empty").hidden = data.services.length > 0;
    // The search helps only where there is a lot to look through.
    document.getElementById("find").hidden = data.services.length < 8;
    applySearch(false);
    renderSlots(lang);
    renderLog();
    // The office's clock, not the viewer's: a phone abroad or a TV set to UTC shows office time.
    const time = new Date().toLocaleTimeString(lang === "en" ? "en-GB" : lang,
      { hour: "2-digit", minute: "2-digit", timeZone: (data.office && data.office.timezone) || undefined });
    document.getElementById("updated").textContent = Kezek.t("Updated at %(time)s", { time });
    document.querySelectorAll(".langs button").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.lang === lang)));
    paginate();
  }

  /* On a TV (the wide layout) a table taller than the screen pages by itself, as the hall display's
     queues do: as many rows as fit, a body's heading never left at the foot of a page (and repeated
     above the rest of its body on the next), "2 / 9" shown, a page every PAGE_MS.
     A phone or a search scrolls instead. */
  const PAGE_MS = 10000;
  const tv = window.matchMedia("(min-width: 100rem)");
  const paging = { page: 0, pages: [] };

  function searching() { return fold(document.getElementById("find-input").value) !== ""; }

  function paginate() {
    const rows = document.getElementById("rows");
    rows.querySelectorAll("tr.repeat").forEach((tr) => tr.remove());
    rows.querySelectorAll("tr.off-page").forEach((tr) => tr.classList.remove("off-page"));
    const pager = document.getElementById("pager");
    paging.pages = [];
    pager.hidden = true;
    root.classList.remove("paged");
    const doc = document.documentElement;
    if (!tv.matches || searching() || doc.scrollHeight <= window.innerHeight) return;
    root.classList.add("paged");        // the compact TV layout: the booking times beside the table
    pager.hidden = false;               // its own line counts against the room
    document.getElementById("page-of").textContent = "1 / 1";
    const room = window.innerHeight - (doc.scrollHeight - rows.getBoundingClientRect().height) - 2;
    const all = Array.from(rows.children);
    const height = (tr) => tr.getBoundingClientRect().height;
    let page = [], used = 0, heading = null;
    const close = () => { if (page.length) paging.pages.push(page); page = []; used = 0; };
    all.forEach((tr, i) => {
      const h = height(tr);
      if (tr.classList.contains("body-head")) {
        heading = tr;
        // A heading goes with at least its first service: else it starts the next page.
        const first = all[i + 1] && !all[i + 1].classList.contains("body-head") ? height(all[i + 1]) : 0;
        if (used + h + first > room) close();
        page.push(tr);
        used += h;
        return;
      }
      if (used + h > room && page.length) {
        close();
        if (heading) {                  // the body goes on: its heading again above the rest
          const again = heading.cloneNode(true);
          again.classList.add("repeat");
          tr.before(again);
          page.push(again);
          used += height(heading);
        }
      }
      page.push(tr);
      used += h;
    });
    close();
    if (paging.pages.length < 2) {
      rows.querySelectorAll("tr.repeat").forEach((tr) => tr.remove());
      paging.pages = [];
      pager.hidden = true;
      root.classList.remove("paged");
      return;
    }
    paging.page %= paging.pages.length;
    showPage();
  }

  function showPage() {
    const shown = new Set(paging.pages[paging.page]);
    document.querySelectorAll("#rows tr").forEach((tr) => tr.classList.toggle("off-page", !shown.has(tr)));
    document.getElementById("page-of").textContent = (paging.page + 1) + " / " + paging.pages.length;
  }

  function nextPage() {
    if (paging.pages.length < 2) return;
    paging.page = (paging.page + 1) % paging.pages.length;
    showPage();
  }
  setInterval(nextPage, PAGE_MS);
  document.getElementById("next-page").addEventListener("click", nextPage);
  tv.addEventListener("change", paginate);
  window.addEventListener("resize", () => { clearTimeout(paging.resized); paging.resized = setTimeout(paginate, 200); });

  /* Show only the services (and their bodies' headings) whose names in any language hold every word typed. */
  function applySearch(typed) {
    const words = fold(document.getElementById("find-input").value).split(" ").filter(Boolean);
    const shownBodies = new Set();
    let found = 0;
    document.querySelectorAll("#rows tr.service-row").forEach((tr) => {
      const match = words.every((w) => tr.dataset.find.includes(w));
      tr.hidden = !match;
      if (match) { found += 1; shownBodies.add(tr.dataset.body); }
    });
    document.querySelectorAll("#rows tr.body-head").forEach((tr) => { tr.hidden = !shownBodies.has(tr.dataset.body); });
    const searching = words.length > 0;
    document.getElementById("totals").hidden = searching;
    document.getElementById("find-count").textContent = searching ? Kezek.t("Services found: %(n)s", { n: found }) : "";
    document.getElementById("nothing-found").hidden = !(searching && found === 0);
    document.getElementById("board-table").hidden = searching && found === 0;
    if (typed !== false) paginate();    // a search shows every match at once; cleared, the pages come back
  }
  document.getElementById("find-input").addEventListener("input", applySearch);

  /* Free booking times today, per service that takes bookings; hidden when none does. */
  function renderSlots(lang) {
    const section = document.getElementById("booking");
    section.hidden = !(slots && slots.services.length);
    if (section.hidden) return;
    const body = document.getElementById("slots");
    body.replaceChildren();
    slots.services.forEach((s) => {
      const tr = document.createElement("tr");
      tr.dataset.service = s.service_id;
      const name = document.createElement("td");
      const prefix = document.createElement("span");
      prefix.className = "prefix";
      prefix.textContent = s.prefix;
      name.append(prefix, s["name_" + lang] || s.name_kk);
      const next = s.next_free ? s.next_free : Kezek.t("none left today");
      tr.append(name, cell(String(s.free_slots), "num free", "Free times"),
                cell(next, "num next" + (s.next_free ? "" : " none-left"), "Next free time"));
      body.append(tr);
    });
    const link = document.getElementById("book-link");
    link.href = "/book/" + query;
    link.textContent = location.host + "/book/";
  }

  /* The latest signed checkpoint of the office's log: its short form and a QR code of the whole note. */
  function renderLog() {
    const section = document.getElementById("log");
    const cp = data.checkpoint;
    section.hidden = !cp;
    if (!cp) return;
    document.getElementById("log-short").textContent = Kezek.t("Checkpoint %(short)s", { short: cp.short });
    const img = document.getElementById("log-qr");
    img.alt = Kezek.t("QR code of the office's latest log checkpoint");
    const src = "/board/" + encodeURIComponent(data.office.id) + "/checkpoint.svg?size=" + cp.size;
    if (img.getAttribute("src") !== src) img.src = src;
  }

  async function refresh() {
    try {
      const [answer, free] = await Promise.all([Kezek.api("GET", "/api/v1/board" + query),
                                                Kezek.api("GET", "/api/v1/slots/today" + query)]);
      if (free.status === 200) slots = free.data;
      if (answer.status === 200) {
        data = answer.data;
        render();
      }
    } catch (e) { /* offline: the banner shows it and the next event refetches */ }
  }

  function soon() {
    // Many changes arrive together at a busy moment: one fetch for all of them.
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  }

  document.querySelectorAll(".langs button").forEach((b) => b.addEventListener("click", () => {
    Kezek.setLang(b.dataset.lang);
    render();
  }));
  const auth = { screen: "board" };
  if (office) auth.office = office;
  Kezek.connect(auth, { snapshot: soon, "queue.changed": soon });
  refresh();
  // Averages, served counts and free booking times change without queue.changed too: refetch now and then.
  setInterval(refresh, 30000);
})();
