/* The monitor's ticket list, filtered (body, service, state) and paged: a hall of 1,200 waiting stays one screen.
   admin.js asks AdminMonitor.query() for the list's part of GET /api/v1/monitor and hands each answer to render(). */
window.AdminMonitor = (function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const t = (msg, values) => Kezek.t(msg, values);
  const PAGE = 50;
  const S = { offset: 0, reload: null, mins: null, name: null };

  function form() { return $("m-filter"); }
  function query() {
    const f = form().elements;
    const p = new URLSearchParams({ limit: String(PAGE), offset: String(S.offset), state: f.state.value });
    if (f.body.value) p.set("body", f.body.value);
    if (f.service.value) p.set("service", f.service.value);
    return "&" + p;
  }
  function bodyName(b) { return b["group_" + Kezek.lang] || b.group_kk; }

  /* The filter's choices from the answer, keeping what is chosen. */
  function fillChoices(m) {
    const body = $("m-body"), service = $("m-service");
    const keepBody = body.value, keepService = service.value;
    const all = (label) => { const o = document.createElement("option"); o.value = ""; o.textContent = t(label); return o; };
    body.replaceChildren(all("All bodies"), ...m.bodies.map((b) => {
      const o = document.createElement("option");
      o.value = b.group_kk;
      o.textContent = bodyName(b);
      return o;
    }));
    body.value = keepBody;
    const inBody = m.services.filter((s) => !body.value || s.group_kk === body.value);
    service.replaceChildren(all("All services"), ...inBody.map((s) => {
      const o = document.createElement("option");
      o.value = String(s.id);
      o.textContent = `${s.prefix} — ${S.name(s)}`;
      return o;
    }));
    service.value = inBody.some((s) => String(s.id) === keepService) ? keepService : "";
  }

  function render(m, helpers) {
    S.mins = helpers.mins;
    S.name = helpers.name;
    if (!m.bodies) return;
    fillChoices(m);
    const byId = Object.fromEntries(m.services.map((s) => [s.id, s]));
    $("m-tickets").replaceChildren(...m.waiting.map((w) => {
      const li = document.createElement("li");
      li.className = w.over_target ? "ad-over" : "";
      const num = document.createElement("strong");
      num.textContent = w.number;
      const service = byId[w.service_id] || {};
      li.append(num, ` ${service.prefix ? S.name(service) : ""} · ${S.mins(w.state === "waiting" ? w.waited_s : w.for_s)}`);
      if (w.desk) li.append(" · " + t("desk %(desk)s", { desk: w.desk }));
      if (w.priority) li.append(" · " + t("priority"));
      if (w.over_target) li.append(" · " + t("over the target"));
      return li;
    }));
    $("m-tickets").start = m.offset + 1;   // the place in the whole list, not on this page
    $("m-none").hidden = m.waiting.length > 0;
    const last = Math.min(m.offset + m.waiting.length, m.matched);
    $("m-page").textContent = m.matched ? t("%(first)s–%(last)s of %(total)s", { first: m.offset + 1, last, total: m.matched }) : "";
    $("m-prev").disabled = m.offset === 0;
    $("m-next").disabled = last >= m.matched;
    if (m.offset > 0 && m.offset >= m.matched) { S.offset = Math.max(0, m.matched - PAGE); S.reload(); }
  }

  function start(reload) {
    S.reload = reload;
    form().addEventListener("change", (ev) => {
      if (ev.target.name === "body") $("m-service").value = "";
      S.offset = 0;
      reload();
    });
    form().addEventListener("submit", (ev) => ev.preventDefault());
    $("m-prev").addEventListener("click", () => { S.offset = Math.max(0, S.offset - PAGE); reload(); });
    $("m-next").addEventListener("click", () => { S.offset += PAGE; reload(); });
  }
  /* The services table follows the body and service chosen here. */
  function shows(service) {
    const f = form().elements;
    return (!f.body.value || service.group_kk === f.body.value) && (!f.service.value || String(service.id) === f.service.value);
  }
  return { query, render, start, shows };
})();
