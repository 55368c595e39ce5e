/* The hall display's waiting part: only the services people wait for, in their bodies' order (services.group_*),
   as many as the band holds at the legible size, paged visibly ("1 / 3") when they do not fit; when even
   paging would take too long, one cell per body (its letters and its total) instead of one per service.
   The band never grows past its share of the screen (display.css), so the call keeps its space. */
(function () {
  "use strict";
  const MAX_SERVICE_PAGES = 3;   // more pages than this and a visitor waits too long for theirs: per body
  const PAGE_MS = 8000;

  function create(list, pageLabel) {
    const view = { mode: "services", page: 0, pages: 1, perPage: 0, columns: 0, rows: 0, items: 0,
                   nameFont: 0, nameCap: Infinity };
    let last = null;   // the last call's arguments, to turn the page

    const span = (cls, text) => {
      const el = document.createElement("span");
      el.className = cls;
      el.textContent = text;
      return el;
    };

    function serviceCell(s, name) {
      const li = document.createElement("li");
      li.className = "display-waiting-item";
      li.dataset.service = s.id;
      li.append(span("display-waiting-prefix", s.prefix), span("display-waiting-count", String(s.waiting)),
                span("display-waiting-name", name(s, "name")));
      return li;
    }

    function bodyCell(b) {
      const li = document.createElement("li");
      li.className = "display-waiting-item display-waiting-body";
      li.dataset.body = b.key;
      li.append(span("display-waiting-letters", b.prefixes.join(" ")), span("display-waiting-count", String(b.waiting)),
                span("display-waiting-name", b.name));
      return li;
    }

    function bodies(services, name) {
      const out = new Map();
      services.forEach((s) => {
        const key = s.group_kk || "service:" + s.id;
        if (!out.has(key)) out.set(key, { key, name: name(s, "group") || name(s, "name"), prefixes: [], waiting: 0 });
        const b = out.get(key);
        b.prefixes.push(s.prefix);
        b.waiting += s.waiting;
      });
      return Array.from(out.values());
    }

    /* Names as large as the cell's width allows for the longest one in two lines, up to 60 % of the legible
       size (the letters and counts have all of it), never below `floor`; one size for the whole page, so the
       cells line up. Two lines where the band has room for them, else one, else none. Never so large that
       fewer rows fit than with names at `floor` (`cap`: larger names must not cost a visitor their queue). */
    function sizeNames(o, cap) {
      const names = Array.from(list.querySelectorAll(".display-waiting-name"));
      if (!names.length) return;
      const width = names[0].getBoundingClientRect().width || 1;
      const longest = Math.max(...names.map((n) => n.textContent.length), 1);
      const fits = (width * 2) / (0.58 * longest);   // DejaVu Sans averages ≈ 0.58 em a letter
      view.nameFont = Math.max(o.floor, Math.min(o.legible * 0.6, fits, cap === undefined ? view.nameCap : cap));
      view.nameLines = Math.max(0, Math.min(2, Math.floor(o.room / (view.nameFont * 1.15))));
      list.style.setProperty("--name-font", view.nameFont.toFixed(1) + "px");
      list.style.setProperty("--name-lines", String(Math.max(1, view.nameLines)));
      list.classList.toggle("display-waiting-nameless", view.nameLines === 0);
    }

    /* services: the zone's services with their counts; budget: the band's height for cells, in px. */
    function render(services, opts) {
      last = [services, opts];
      const { name, columns, budget } = opts;
      const waiting = services.filter((s) => s.waiting > 0);
      list.style.gridTemplateColumns = "repeat(" + columns + ", minmax(0, 1fr))";
      view.columns = columns;
      list.textContent = "";
      let items = waiting.map((s) => serviceCell(s, name));
      view.mode = "services";
      const measure = (cells) => {
        list.textContent = "";
        cells.slice(0, columns).forEach((c) => list.append(c));
        sizeNames(opts, opts.floor);
        const tallest = Math.max(0, ...Array.from(list.children, (c) => c.getBoundingClientRect().height));
        const gap = parseFloat(getComputedStyle(list).rowGap) || 0;
        const rows = Math.max(1, Math.floor((budget + gap) / (tallest + gap)));
        // The height each row may still grow by, shared by the name's two lines.
        view.nameCap = opts.floor + Math.max(0, (budget + gap) / rows - gap - tallest) / (2 * 1.15);
        return rows;
      };
      if (items.length) {
        view.rows = measure(items);
        const groups = bodies(waiting, name);
        if (Math.ceil(items.length / (view.rows * columns)) > MAX_SERVICE_PAGES && groups.length > 1) {
          view.mode = "bodies";
          items = groups.map(bodyCell);
          view.rows = measure(items);
        }
      } else {
        view.rows = 0;
      }
      // All on one page: balanced rows (7 as 4 + 3, 2 as two halves) in wider cells, if they still fit the band.
      if (items.length && items.length < view.rows * columns) {
        const balanced = Math.ceil(items.length / Math.ceil(items.length / columns));
        list.style.gridTemplateColumns = "repeat(" + balanced + ", minmax(0, 1fr))";
        list.textContent = "";
        items.forEach((c) => list.append(c));
        sizeNames(opts);
        if (list.getBoundingClientRect().height <= budget + 1) {
          view.columns = balanced;
        } else {
          list.style.gridTemplateColumns = "repeat(" + columns + ", minmax(0, 1fr))";
        }
      }
      view.perPage = Math.max(1, view.rows * view.columns);
      view.items = items.length;
      view.pages = Math.max(1, Math.ceil(items.length / view.perPage));
      if (view.page >= view.pages) view.page = 0;
      list.textContent = "";
      items.slice(view.page * view.perPage, (view.page + 1) * view.perPage).forEach((c) => list.append(c));
      sizeNames(opts);
      list.dataset.mode = view.mode;
      pageLabel.textContent = view.pages > 1 ? (view.page + 1) + " / " + view.pages : "";
      pageLabel.hidden = view.pages < 2;
      return view;
    }

    function turn() {
      if (!last || view.pages < 2) return;
      view.page = (view.page + 1) % view.pages;
      render(...last);
    }

    return { render, turn, view };
  }

  window.KezekWaiting = { create, PAGE_MS, MAX_SERVICE_PAGES };
})();
