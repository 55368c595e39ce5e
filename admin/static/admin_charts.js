/* The reports' bar charts, drawn as SVG in the page's own pixels (docs/admin.md says why no chart library):
   one unit per chart (counts or minutes, never both on one scale), the same text size in every chart at any
   screen width, long names wrapped (the full name in the bar's tooltip and the text alternative), an HTML
   legend that wraps, redrawn when the card's width changes and crisp on paper (vector). */
(function () {
  "use strict";
  const NS = "http://www.w3.org/2000/svg";
  const FONT = 13;                       // px, every chart's text
  const FONT_CSS = `${FONT}px "DejaVu Sans", sans-serif`;
  const drawn = new Map();               // container -> () => redraw (on resize and before printing)

  function el(name, attrs, text) {
    const node = document.createElementNS(NS, name);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, String(v)));
    if (text !== undefined) node.textContent = text;
    return node;
  }
  const measure = (() => {
    const ctx = document.createElement("canvas").getContext("2d");
    return (text) => { ctx.font = FONT_CSS; return ctx.measureText(text).width; };
  })();
  /* A figure as the reader writes it: a decimal comma and thin-space thousands in kk and ru. */
  function number(v, decimals) {
    if (v === null || v === undefined) return "—";
    const d = decimals === undefined ? (Number.isInteger(v) ? 0 : 1) : decimals;
    const text = v.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
    return Kezek.lang === "en" ? text : text.replace(/,/g, "\u202f").replace(".", ",");
  }
  const tickDigits = (step) => (Number.isInteger(step) ? 0 : step < 0.1 ? 2 : step * 10 % 1 ? 2 : 1);

  /* Words into at most `lines` lines of `width` px; a line cut short ends in "…" (the full name is in the tooltip). */
  function wrap(text, width, lines) {
    const words = String(text).split(/\s+/).filter(Boolean);
    const out = [];
    let i = 0;
    while (i < words.length && out.length < lines) {
      let line = words[i++];
      while (i < words.length && measure(line + " " + words[i]) <= width) line += " " + words[i++];
      out.push(line);
    }
    const shorten = (line, always) => {
      if (!always && measure(line) <= width) return line;
      while (line.length > 1 && measure(line + "…") > width) line = line.slice(0, -1);
      return line.replace(/[\s,;:—-]+$/, "") + "…";
    };
    return out.map((line, n) => shorten(line, n === out.length - 1 && i < words.length));
  }

  /* A round step for about `ticks` grid lines (whole numbers when the data are counts). */
  function scale(max, whole, ticks) {
    if (!(max > 0)) return { step: 1, top: 1 };
    const raw = max / ticks;
    const power = Math.pow(10, Math.floor(Math.log10(raw)));
    let step = 10 * power;
    for (const m of [1, 2, 2.5, 5]) if (m * power >= raw) { step = m * power; break; }
    if (whole) step = Math.max(1, Math.ceil(step));
    return { step, top: Math.max(step, Math.ceil(max / step) * step) };
  }

  /* The text alternative: the chart's title, unit and each series with its values, full names. */
  function summary(title, unit, labels, series) {
    return `${title} (${unit}). ` + series.map((s) => s.name + ": " + labels.map((l, i) =>
      `${l} ${number(s.values[i])}`).join(", ")).join("; ");
  }

  function legend(series) {
    const list = document.createElement("ul");
    list.className = "chart-legend";
    series.forEach((s) => {
      const li = document.createElement("li");
      const swatch = document.createElement("span");
      swatch.className = "chart-swatch " + s.cls;
      li.append(swatch, s.name);
      list.append(li);
    });
    return list;
  }

  function frame(container, title, unit, labels, series, height) {
    const width = Math.max(320, Math.floor(container.clientWidth || 640));
    const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", class: "chart" });
    svg.setAttribute("aria-label", summary(title, unit, labels, series));
    return { svg, width };
  }

  function gridLines(svg, x0, x1, y0, plotH, sc, vertical, unit) {
    for (let tick = 0; tick <= sc.top + 1e-9; tick += sc.step) {
      if (vertical) {
        const y = y0 + plotH - (plotH * tick) / sc.top;
        svg.append(el("line", { x1: x0, x2: x1, y1: y, y2: y, class: "grid" }));
        svg.append(el("text", { x: x0 - 6, y: y + FONT / 3, class: "axis", "text-anchor": "end" },
                      number(tick, tickDigits(sc.step))));
      } else {
        const x = x0 + ((x1 - x0) * tick) / sc.top;
        svg.append(el("line", { x1: x, x2: x, y1: y0, y2: y0 + plotH, class: "grid" }));
        svg.append(el("text", { x, y: y0 + plotH + FONT + 4, class: "axis", "text-anchor": "middle" },
                      number(tick, tickDigits(sc.step))));
      }
    }
    svg.append(el("text", { x: vertical ? 4 : x1, y: vertical ? FONT : y0 + plotH + 2 * FONT + 8, class: "axis unit",
                            "text-anchor": vertical ? "start" : "end" }, unit));
  }

  /* Grouped columns: labels along the bottom (every k-th when there are many), one column per series. */
  function columns(container, opts) {
    const { title, unit, labels, series, whole, least } = opts;
    const draw = () => {
      const height = 260;
      const { svg, width } = frame(container, title, unit, labels, series, height);
      const left = 12 + Math.max(...[0, 1].map(() => measure("00000"))), right = 8, top = 2 * FONT, bottom = 2.2 * FONT;
      const plotH = height - top - bottom, plotW = width - left - right;
      const values = series.flatMap((s) => s.values.map((v) => v || 0));
      const sc = scale(Math.max(least || 0, ...values), whole, 4);
      gridLines(svg, left, width - right, top, plotH, sc, true, unit);
      const group = plotW / Math.max(1, labels.length);
      const barW = Math.max(2, Math.min(26, (group * 0.8) / series.length));
      const widest = Math.max(1, ...labels.map((l) => measure(l)));
      const every = Math.max(1, Math.ceil((widest + 10) / group));
      labels.forEach((label, i) => {
        const x0 = left + i * group + (group - barW * series.length) / 2;
        series.forEach((s, j) => {
          const v = s.values[i] || 0;
          const h = (plotH * v) / sc.top;
          const bar = el("rect", { x: x0 + j * barW, y: top + plotH - h, width: Math.max(1, barW - 1), height: h,
                                   class: "bar " + s.cls });
          bar.append(el("title", {}, `${label} — ${s.name}: ${number(s.values[i])} ${unit}`));
          svg.append(bar);
        });
        if (i % every === 0) {
          svg.append(el("text", { x: left + i * group + group / 2, y: height - bottom + FONT + 4, class: "axis",
                                  "text-anchor": "middle" }, label));
        }
      });
      container.replaceChildren(legend(series), svg);
    };
    drawn.set(container, draw);
    draw();
  }

  /* Horizontal bars: a row per label (wrapped to three lines), one bar per series, its value at its end. */
  function rows(container, opts) {
    const { title, unit, labels, series, whole, least } = opts;
    const draw = () => {
      const probeWidth = Math.max(320, Math.floor(container.clientWidth || 640));
      const labelW = Math.min(Math.max(140, probeWidth * 0.34), 360);
      const wrapped = labels.map((l) => wrap(l, labelW - 8, 3));
      const barH = 14, gap = 3;
      const rowH = wrapped.map((lines) => Math.max(series.length * (barH + gap) + 8, lines.length * (FONT + 3) + 8));
      const top = 4, bottom = 2 * FONT + 14;
      const height = top + rowH.reduce((a, b) => a + b, 0) + bottom;
      const { svg, width } = frame(container, title, unit, labels, series, height);
      const left = labelW, valueW = measure("00000,0") + 8;
      const plotW = width - left - valueW;
      const sc = scale(Math.max(least || 0, ...series.flatMap((s) => s.values.map((v) => v || 0))), whole, 5);
      gridLines(svg, left, left + plotW, top, height - top - bottom, sc, false, unit);
      let y = top;
      labels.forEach((label, i) => {
        const lines = wrapped[i];
        const text = el("text", { x: left - 8, y: y + (rowH[i] - lines.length * (FONT + 3)) / 2 + FONT, class: "axis",
                                  "text-anchor": "end" });
        lines.forEach((line, n) => text.append(el("tspan", { x: left - 8, dy: n ? FONT + 3 : 0 }, line)));
        text.append(el("title", {}, label));
        svg.append(text);
        const barsTop = y + (rowH[i] - series.length * (barH + gap)) / 2;
        series.forEach((s, j) => {
          const v = s.values[i];
          const w = (plotW * (v || 0)) / sc.top;
          const bar = el("rect", { x: left, y: barsTop + j * (barH + gap), width: w, height: barH, class: "bar " + s.cls });
          bar.append(el("title", {}, `${label} — ${s.name}: ${number(v)} ${unit}`));
          svg.append(bar);
          svg.append(el("text", { x: left + w + 4, y: barsTop + j * (barH + gap) + barH - 3, class: "value" }, number(v)));
        });
        y += rowH[i];
      });
      const parts = [legend(series), svg];
      if (opts.note) {
        const note = document.createElement("p");
        note.className = "chart-note";
        note.textContent = opts.note;
        parts.push(note);
      }
      container.replaceChildren(...parts);
    };
    drawn.set(container, draw);
    draw();
  }

  let pending = null;
  function redrawAll() {
    drawn.forEach((draw, container) => { if (container.isConnected && container.offsetParent !== null) draw(); });
  }
  window.addEventListener("resize", () => { clearTimeout(pending); pending = setTimeout(redrawAll, 150); });
  window.addEventListener("beforeprint", redrawAll);   // the print stylesheet's widths
  window.addEventListener("afterprint", redrawAll);

  window.KezekCharts = { columns, rows, wrap, redrawAll };
})();
