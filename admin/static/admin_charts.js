/* Small SVG bar charts drawn in the page (no library): grouped columns and horizontal bars. */
(function () {
  "use strict";
  const NS = "http://www.w3.org/2000/svg";

  function el(name, attrs, text) {
    const node = document.createElementNS(NS, name);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, String(v)));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* A round step for about four grid lines (whole numbers when the data are counts). */
  function niceStep(value, whole) {
    if (!(value > 0)) return 1;
    const raw = value / 4;
    const power = Math.pow(10, Math.floor(Math.log10(raw)));
    let step = 10 * power;
    for (const m of [1, 2, 2.5, 5]) if (m * power >= raw) { step = m * power; break; }
    return whole ? Math.max(1, Math.ceil(step)) : step;
  }
  function niceMax(value, whole) {
    const step = niceStep(value, whole);
    return { step, top: Math.max(step, Math.ceil(value / step) * step) };
  }

  function legend(svg, series, x, y) {
    let at = x;
    series.forEach((s) => {
      svg.append(el("rect", { x: at, y: y - 11, width: 14, height: 14, class: "bar " + s.cls }));
      svg.append(el("text", { x: at + 20, y, class: "chart-legend" }, s.name));
      at += 20 + s.name.length * 7.5 + 24;   // about 7.5 units per character at 12px
    });
  }

  /* The chart's text alternative: each series with its values, for screen readers (the table below has them too). */
  function summary(labels, series) {
    return series.map((s) => s.name + ": " + labels.map((l, i) => l + " " + (s.values[i] === null ? "—" : s.values[i])).join(", ")).join("; ");
  }

  /* Grouped columns: labels along the bottom, one column per series in each group. */
  function columns(container, labels, series) {
    const width = 640, height = 260, left = 44, bottom = 40, top = 28;
    const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "chart" });
    svg.setAttribute("aria-label", summary(labels, series));
    const values = series.flatMap((s) => s.values.map((v) => v || 0));
    const scale = niceMax(Math.max(0, ...values), values.every((v) => Number.isInteger(v)));
    const max = scale.top;
    const plotH = height - bottom - top, plotW = width - left - 8;
    for (let tick = 0; tick <= max + 1e-9; tick += scale.step) {
      const y = top + plotH - (plotH * tick) / max;
      svg.append(el("line", { x1: left, x2: width - 8, y1: y, y2: y, class: "grid" }));
      svg.append(el("text", { x: left - 6, y: y + 4, class: "axis", "text-anchor": "end" },
                    String(Math.round(tick * 100) / 100)));
    }
    const group = plotW / Math.max(1, labels.length);
    const barW = Math.max(2, Math.min(28, (group * 0.8) / series.length));
    const every = Math.ceil(labels.length / 12);
    labels.forEach((label, i) => {
      const x0 = left + i * group + (group - barW * series.length) / 2;
      series.forEach((s, j) => {
        const v = s.values[i] || 0;
        const h = (plotH * v) / max;
        const bar = el("rect", { x: x0 + j * barW, y: top + plotH - h, width: barW - 1, height: h, class: "bar " + s.cls });
        bar.append(el("title", {}, `${label} — ${s.name}: ${s.values[i] === null ? "—" : v}`));
        svg.append(bar);
      });
      if (i % every === 0) {
        svg.append(el("text", { x: left + i * group + group / 2, y: height - bottom + 16, class: "axis",
                                "text-anchor": "middle" }, label));
      }
    });
    legend(svg, series, left, 16);
    container.replaceChildren(svg);
  }

  /* Horizontal bars: one row per label, one bar per series. */
  function rows(container, labels, series) {
    const rowH = 16 * series.length + 10, left = 230, width = 640, top = 28;
    const height = top + rowH * labels.length + 8;
    const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "chart" });
    svg.setAttribute("aria-label", summary(labels, series));
    const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values.map((v) => v || 0)))).top;
    labels.forEach((label, i) => {
      const y = top + i * rowH;
      svg.append(el("text", { x: left - 8, y: y + rowH / 2 + 2, class: "axis", "text-anchor": "end" },
                    label.length > 32 ? label.slice(0, 31) + "…" : label));
      series.forEach((s, j) => {
        const v = s.values[i] || 0;
        const w = ((width - left - 60) * v) / max;
        svg.append(el("rect", { x: left, y: y + j * 16 + 2, width: w, height: 14, class: "bar " + s.cls }));
        svg.append(el("text", { x: left + w + 4, y: y + j * 16 + 13, class: "value" },
                      s.values[i] === null ? "—" : String(v)));
      });
    });
    legend(svg, series, left, 16);
    container.replaceChildren(svg);
  }

  window.KezekCharts = { columns, rows };
})();
