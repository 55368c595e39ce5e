/* The admin screen: configuration (admin), live monitor, reports and audit (manager). */
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const t = (msg, values) => Kezek.t(msg, values);
  const state = { user: null, office: null, services: [], desks: [], tab: null, socket: null, report: null,
                  dim: "service", auditBefore: null };

  /* ---------- small helpers ---------- */
  const { cell, button } = AdminDom;   // admin_dom.js
  function name(row) { return row["name_" + Kezek.lang] || row.name_kk || row.name || ""; }
  /* A duration people read at a glance: seconds under a minute, tenths of a minute under ten. */
  function mins(seconds) {
    if (seconds === null || seconds === undefined) return "—";
    if (seconds < 60) return t("%(n)s s", { n: Math.round(seconds) });
    const minutes = seconds < 600 ? Math.round(seconds / 6) / 10 : Math.round(seconds / 60);
    return t("%(n)s min", { n: Kezek.number(minutes) });
  }
  function minutesText(seconds) { return seconds === null || seconds === undefined ? "—" : (Math.round(seconds / 6) / 10).toString(); }
  function localTime(iso, withDate) {
    if (!iso) return "—";
    const opts = { hour: "2-digit", minute: "2-digit", timeZone: state.office ? state.office.timezone : undefined };
    if (withDate) Object.assign(opts, { year: "numeric", month: "2-digit", day: "2-digit", second: "2-digit" });
    return new Date(iso).toLocaleString(Kezek.lang === "en" ? "en-GB" : Kezek.lang, opts);
  }
  function today(offsetDays) {
    const d = new Date(Date.now() + (offsetDays || 0) * 86400000);
    return d.toLocaleDateString("en-CA", { timeZone: state.office ? state.office.timezone : undefined });
  }
  const notice = (text, isError) => AdminErrors.notice(text, isError);   // admin_errors.js
  function showSecret(title, value) {
    $("secret-title").textContent = title;
    $("secret-value").textContent = value;
    $("secret").hidden = false;
    $("secret-close").focus();
  }
  $("secret-close").addEventListener("click", () => { $("secret").hidden = true; });

  /* ---------- errors shown next to the field, in the page's language ---------- */
  const FIELD_HINTS = {
    prefix: "One or two letters, not used by another service.",
    name: "Enter a name.", name_kk: "Enter a name.", name_ru: "Enter a name.", name_en: "Enter a name.",
    daily_limit: "A whole number from 1 to 9999, or empty.",
    target_wait_s: "Minutes from 1 to 1440.", priority_wait_limit_s: "Minutes from 1 to 1440.",
    opens: "A time as HH:MM; give both opening and closing times, or neither.",
    closes: "A time as HH:MM; give both opening and closing times, or neither.",
    timezone: "A time zone such as Asia/Almaty.", languages: "Choose at least one language.",
    sort_order: "A whole number.", service_ids: "Choose services that exist.",
    printer_url: "A printer address: tcp://host:9100, usb://VID:PID, cups://NAME or none.",
    username: "A user name is 2–40 letters, digits, dots, dashes or underscores.",
    full_name: "A full name is text of at most 120 characters.",
    role: "Choose a role.", default_lang: "Choose one of the office's languages.",
    ahead_default: "A whole number from 0 to 20.", telegram_token: "The token BotFather gave (digits:letters).",
    telegram_bot: "The bot's user name, as in t.me/<name>.", sms_template: "The text must contain {text}.",
    from: "Dates are written YYYY-MM-DD.", to: "Dates are written YYYY-MM-DD.",
  };
  const CODE_TEXT = {
    duplicate_prefix: "Another service already uses this prefix.",
    duplicate_desk: "Another desk has this name.",
    unknown_service: "Choose services that exist.",
    missing_field: "This field is required.",
    username_taken: "That user name is taken.",
    bad_username: "A user name is 2–40 letters, digits, dots, dashes or underscores.",
    weak_password: "A password needs at least 8 characters.",
    bad_name: "A device needs a name (80 characters at most).",
    self_lockout: "You cannot disable yourself or drop your own admin role.",
    bad_date: "Dates are written YYYY-MM-DD.",
    bad_period: "The period starts after it ends.",
    period_too_long: "A report covers at most 400 days.",
    csrf: "Your session has expired: reload the page.",
    unauthorised: "Sign in again.", bad_credentials: "Wrong user name or password.",
    login_throttled: "Too many failed sign-ins: wait five minutes.",
    forbidden: "Your role does not allow this.",
  };
  const errorText = (answer) => AdminErrors.words(answer, FIELD_HINTS, CODE_TEXT);
  const clearErrors = (form) => AdminErrors.clear(form);
  const showError = (form, answer) => AdminErrors.show(form, answer, FIELD_HINTS, CODE_TEXT);
  async function call(method, path, body) {
    try {
      return await Kezek.api(method, path, body);
    } catch (e) {
      return { status: 0, data: { error: { code: "offline" } } };
    }
  }

  /* ---------- form values: minutes on screen, seconds in the API ---------- */
  function readForm(form, names) {
    const out = {};
    names.forEach((n) => {
      const input = form.elements[n];
      if (!input) return;
      if (input.type === "checkbox") { out[n] = input.checked; return; }
      let v = input.value.trim();
      if (v === "" && input.dataset.nullable !== undefined) { out[n] = null; return; }
      if (input.dataset.minutes !== undefined) {
        out[n] = /^\d+(\.\d+)?$/.test(v) ? Math.round(parseFloat(v) * 60) : v;
      } else if (input.dataset.int !== undefined) {
        out[n] = /^-?\d+$/.test(v) ? parseInt(v, 10) : v;
      } else {
        out[n] = v;
      }
    });
    return out;
  }
  function fillForm(form, row, names) {
    names.forEach((n) => {
      const input = form.elements[n];
      if (!input) return;
      const v = row ? row[n] : undefined;
      if (input.type === "checkbox") input.checked = row ? Boolean(v) : true;
      else if (input.dataset.minutes !== undefined) input.value = v === null || v === undefined ? "" : String(v / 60);
      else input.value = v === null || v === undefined ? "" : String(v);
    });
  }
  function changed(before, after) {
    const out = {};
    Object.keys(after).forEach((k) => { if (!before || before[k] !== after[k]) out[k] = after[k]; });
    return out;
  }

  /* ---------- session ---------- */
  async function start() {
    const me = await call("GET", "/api/v1/me");
    if (me.status === 200) return signedIn(me.data);
    $("login").hidden = false;
    $("login-form").elements.username.focus();
  }
  $("login-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const form = ev.target;
    clearErrors(form);
    const answer = await call("POST", "/api/v1/login", { username: form.elements.username.value,
                                                         password: form.elements.password.value });
    if (answer.status !== 200) return showError(form, answer);
    form.reset();
    signedIn(answer.data);
  });
  $("logout").addEventListener("click", async () => {
    await call("POST", "/api/v1/logout");
    location.reload();
  });

  async function signedIn(me) {
    Kezek.csrf = me.csrf_token;
    state.user = me.user;
    $("login").hidden = true;
    $("logout").hidden = false;
    $("who").textContent = `${me.user.username} · ${t(ROLE_NAMES[me.role] || me.role)}`;
    if (me.role === "operator") { $("no-access").hidden = false; return; }
    const offices = await call("GET", "/api/v1/offices");
    // ?office= picks one of several (a region admin comes from the regional monitor's links).
    const asked = new URLSearchParams(location.search).get("office");
    state.office = offices.data.offices.find((o) => o.id === asked) || offices.data.offices[0];
    $("office-title").textContent = name(state.office);
    const isAdmin = me.role === "admin" || me.role === "region_admin";
    document.querySelectorAll("[data-admin]").forEach((b) => { b.hidden = !isAdmin; });
    $("app").hidden = false;
    const wanted = (location.hash || "").slice(1);
    const allowed = [...document.querySelectorAll(".ad-tabs [data-tab]")].filter((b) => !b.hidden).map((b) => b.dataset.tab);
    showTab(allowed.includes(wanted) ? wanted : "monitor");
  }
  const ROLE_NAMES = { operator: "Operator", manager: "Manager", admin: "Administrator",
                       region_admin: "Region administrator" };

  /* ---------- tabs ---------- */
  document.querySelectorAll(".ad-tabs [data-tab]").forEach((b) => b.addEventListener("click", () => showTab(b.dataset.tab)));
  function showTab(tab) {
    if (state.tab !== tab) notice("");
    state.tab = tab;
    history.replaceState(null, "", "#" + tab);
    document.querySelectorAll(".ad-tabs [data-tab]").forEach((b) => b.setAttribute("aria-selected", String(b.dataset.tab === tab)));
    document.querySelectorAll(".ad-tab").forEach((s) => { s.hidden = s.id !== "tab-" + tab; });
    ({ monitor: openMonitor, reports: openReports, audit: loadAudit, office: loadOffice, services: loadServices,
       desks: loadDesks, users: loadUsers, devices: loadDevices, bookings: () => AdminBookings.settings(state.office),
       notifications: () => AdminNotify.open(state.office, state.user, showSecret),
       media: () => AdminMedia.open(state.office) })[tab]();   // admin/static/admin_media.js
  }

  /* ---------- monitor ---------- */
  const DESK_STATES = { idle: "Free", called: "Called", serving: "Serving", paused: "Paused", inactive: "Off" };
  let monitorTimer = null;
  function openMonitor() {
    if (!state.socket) {
      // Managers and admins connect as operators: every queue and desk change arrives.
      const refetch = () => { clearTimeout(monitorTimer); monitorTimer = setTimeout(loadMonitor, 250); };
      const handlers = { snapshot: refetch };
      ["ticket.issued", "ticket.called", "ticket.recalled", "ticket.started", "ticket.finished", "ticket.no_show",
       "ticket.transferred", "ticket.returned", "ticket.cancelled", "ticket.expired", "queue.changed",
       "desk.changed", "printer.changed"].forEach((n) => { handlers[n] = refetch; });
      window.KezekHelp.listen(handlers, () => state.office.id);   // kiosks' calls for help
      state.socket = Kezek.connect({ screen: "operator", office: state.office.id }, handlers);
      setInterval(() => { if (state.tab === "monitor") loadMonitor(); }, 30000);
      AdminMonitor.start(loadMonitor);
    }
    loadMonitor();
  }
  async function loadMonitor() {
    loadWitnessAlarms();
    const answer = await call("GET", "/api/v1/monitor?office=" + encodeURIComponent(state.office.id) + AdminMonitor.query());
    if (answer.status !== 200) return;
    const m = answer.data;
    state.services = m.services;
    $("m-waiting").textContent = m.waiting_count;
    $("m-longest").textContent = mins(m.longest_wait_s);
    $("m-over").textContent = m.over_target;
    $("m-over").parentElement.classList.toggle("ad-alert", m.over_target > 0);
    const n = m.notifications || { sent: 0, failed: 0, dropped: 0 };
    $("m-notified").textContent = n.sent;
    $("m-notify-failed").hidden = !(n.failed + n.dropped);
    $("m-notify-failed").textContent = t("not delivered: %(count)s", { count: n.failed + n.dropped });
    const desks = $("m-desks");
    desks.replaceChildren(...m.desks.map((d) => {
      const tr = document.createElement("tr");
      const st = document.createElement("span");
      st.className = "ad-state ad-state-" + d.state;
      st.textContent = t(DESK_STATES[d.state] || d.state) + (d.paused && d.pause_reason ? ": " + t(PAUSES[d.pause_reason] || d.pause_reason) : "");
      tr.append(cell(d.name, "ad-strong"), cell(st), cell(d.current || "—", "ad-number"), cell(d.user || "—"),
                cell(d.for_s === null ? "—" : mins(d.for_s)));
      return tr;
    }));
    const svc = $("m-services");
    // A big hall (more than 20 services): only those with people waiting, and the body or service chosen below.
    const shown = m.services.filter((s) => (s.active || s.waiting) && AdminMonitor.shows(s) && (m.services.length <= 20 || s.waiting));
    svc.replaceChildren(...shown.map((s) => {
      const tr = document.createElement("tr");
      if (s.over_target) tr.className = "ad-over";
      tr.append(cell(`${s.prefix} — ${name(s)}`), cell(String(s.waiting), "num"),
                cell(s.waiting ? mins(s.longest_wait_s) : "—", "num"), cell(String(s.over_target), "num"));
      return tr;
    }));
    AdminMonitor.render(m, { mins, name });   // admin_monitor.js: the filtered, paged ticket list
    $("m-printers").replaceChildren(...m.printers.map((p) => {
      const tr = document.createElement("tr");
      const st = document.createElement("span");
      st.className = "ad-state ad-printer-" + p.state;
      st.textContent = t(PRINTER_STATES[p.state] || p.state) + (p.detail ? " — " + p.detail : "");
      tr.append(cell(p.name), cell(st), cell(localTime(p.changed_at, true)));
      return tr;
    }));
  }
  /* A witness's alarms (this server as another log's witness): shown above the monitor until resolved. */
  const ALARM_KINDS = { fork: "another history of the same size",
                        inconsistent: "a checkpoint that does not extend the cosigned one",
                        rollback: "a checkpoint smaller than the cosigned one" };
  async function loadWitnessAlarms() {
    const answer = await call("GET", "/api/v1/witness/alarms?open=1");
    const open = answer.status === 200 ? answer.data.alarms : [];   // 404: this server is no witness
    $("m-witness").hidden = open.length === 0;
    $("m-witness-list").replaceChildren(...open.map((a) => {
      const li = document.createElement("li");
      li.textContent = t("%(origin)s: %(what)s. It offered %(size)s entries; this witness had cosigned %(known)s (%(at)s).",
                         { origin: a.origin, what: t(ALARM_KINDS[a.kind] || a.kind), size: a.size,
                           known: a.known_size, at: localTime(a.at, true) });
      return li;
    }));
  }
  const PRINTER_STATES = { none: "No printer", unknown: "Not reported yet", ok: "Working", ready: "Working",
                           error: "Error", offline: "Offline", paper_out: "Out of paper", paper_low: "Paper low" };
  const PAUSES = { break: "Break", lunch: "Lunch", technical: "Technical break", back_office: "Back-office work" };

  /* ---------- reports ---------- */
  const REPORT_COLUMNS = [
    ["issued", "Issued"], ["served", "Served"], ["no_show", "No-shows"], ["cancelled", "Cancelled"],
    ["transferred", "Transferred"], ["wait_mean_s", "Wait, mean"], ["wait_median_s", "Wait, median"],
    ["wait_p90_s", "Wait, 90th percentile"], ["service_mean_s", "Service, mean"],
    ["service_median_s", "Service, median"], ["service_p90_s", "Service, 90th percentile"],
    ["within_target", "Served within the target wait"], ["rating_mean", "Rating"]];
  const PARTS = { mean_s: "mean", median_s: "median", p90_s: "90th percentile" };
  const REPORT_GROUPS = [{ prefix: "wait_", label: "Wait", parts: PARTS }, { prefix: "service_", label: "Service time", parts: PARTS }];
  const DIM_NAMES = { service: "Service", day: "Day", hour: "Hour", desk: "Desk", operator: "Operator" };
  function formatFigure(key, value) {
    if (value === null || value === undefined) return "—";
    if (key.endsWith("_s")) return mins(value);
    if (key === "within_target") return Math.round(value * 100) + "%";
    if (key === "rating_mean") return Kezek.number(value, 1);
    return String(value);
  }
  function openReports() {
    const form = $("report-form");
    if (!form.elements.from.value) {
      form.elements.to.value = today();
      form.elements.from.value = today(-6);
    }
    loadReport();
  }
  $("report-form").addEventListener("submit", (ev) => { ev.preventDefault(); loadReport(); });
  document.querySelectorAll(".ad-dims [data-dim]").forEach((b) => b.addEventListener("click", () => {
    state.dim = b.dataset.dim;
    renderReportTable();
  }));
  async function loadReport() {
    const form = $("report-form");
    clearErrors(form);
    const q = `?office=${encodeURIComponent(state.office.id)}&from=${form.elements.from.value}&to=${form.elements.to.value}`;
    $("export-csv").href = "/api/v1/stats" + q + "&format=csv";
    $("export-xlsx").href = "/api/v1/stats" + q + "&format=xlsx";
    const answer = await call("GET", "/api/v1/stats" + q);
    if (answer.status !== 200) return showError(form, answer);
    AdminBookings.report(state.office, form.elements.from.value, form.elements.to.value);   // admin_bookings.js
    AdminLog.report(state.office, answer.data);   // admin_log.js: the day's closing checkpoint
    state.report = answer.data;
    renderReport();
  }
  function renderReport() {
    const r = state.report;
    if (!r) return;
    const k = r.totals;
    const kpis = [["Issued", k.issued], ["Served", k.served], ["No-shows", k.no_show], ["Cancelled", k.cancelled],
                  ["Transferred", k.transferred], ["Wait, mean", formatFigure("wait_mean_s", k.wait_mean_s)],
                  ["Wait, median", formatFigure("wait_median_s", k.wait_median_s)],
                  ["Wait, 90th percentile", formatFigure("wait_p90_s", k.wait_p90_s)],
                  ["Service, median", formatFigure("service_median_s", k.service_median_s)],
                  ["Served within the target wait", formatFigure("within_target", k.within_target)],
                  ["Rating", k.rating_mean === null ? "—" : `${Kezek.number(k.rating_mean, 1)} (${k.rated})`]];
    $("r-kpis").replaceChildren(...kpis.map(([label, value]) => {
      const div = document.createElement("div");
      div.className = "ad-kpi";
      const span = document.createElement("span");
      span.textContent = t(label);
      const strong = document.createElement("strong");
      strong.textContent = value;
      div.append(span, strong);
      return div;
    }));
    // One unit per chart (admin_charts.js): counts in one, minutes in another, never one bar scale for both.
    const minutes = (v) => (v === null || v === undefined ? null : Math.round(v / 6) / 10);
    const day = (key) => key.slice(8, 10) + "." + key.slice(5, 7);
    KezekCharts.columns($("chart-days"), { title: t("Issued and served per day"), unit: t("tickets"), whole: true,
      labels: r.by_day.map((d) => day(d.key)), series: [
        { name: t("Issued"), cls: "s1", values: r.by_day.map((d) => d.issued) },
        { name: t("Served"), cls: "s2", values: r.by_day.map((d) => d.served) }] });
    KezekCharts.columns($("chart-hours"), { title: t("Wait per hour of the day"), unit: t("min"), least: 1,
      labels: r.by_hour.map((d) => d.label), series: [
        { name: t("Wait, median"), cls: "s3", values: r.by_hour.map((d) => minutes(d.wait_median_s)) },
        { name: t("Wait, 90th percentile"), cls: "s4", values: r.by_hour.map((d) => minutes(d.wait_p90_s)) }] });
    // A big office (120 services): the charts show the 20 busiest and the 20 longest waits; the table has all.
    const TOP = 20;
    const busiest = [...r.by_service].sort((a, b) => b.issued - a.issued).slice(0, TOP);
    const slowest = [...r.by_service].sort((a, b) => (b.wait_median_s || 0) - (a.wait_median_s || 0)).slice(0, TOP);
    const label = (s) => `${s.prefix || ""} ${name(s)}`.trim();
    const more = r.by_service.length > TOP ? t("The %(n)s busiest of %(total)s services; the table below lists all.",
                                                { n: TOP, total: r.by_service.length }) : "";
    KezekCharts.rows($("chart-services"), { title: t("Issued and served per service"), unit: t("tickets"), whole: true,
      note: more, labels: busiest.map(label), series: [
        { name: t("Issued"), cls: "s1", values: busiest.map((s) => s.issued) },
        { name: t("Served"), cls: "s2", values: busiest.map((s) => s.served) }] });
    KezekCharts.rows($("chart-service-waits"), { title: t("Wait per service"), unit: t("min"), least: 1,
      note: more && t("The %(n)s longest waits of %(total)s services; the table below lists all.",
                      { n: TOP, total: r.by_service.length }),
      labels: slowest.map(label), series: [
        { name: t("Wait, median"), cls: "s3", values: slowest.map((s) => minutes(s.wait_median_s)) },
        { name: t("Wait, 90th percentile"), cls: "s4", values: slowest.map((s) => minutes(s.wait_p90_s)) }] });
    renderReportTable();
  }
  function renderReportTable() {
    const r = state.report;
    if (!r) return;
    document.querySelectorAll(".ad-dims [data-dim]").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.dim === state.dim)));
    // Two heading rows: the waits and the service times grouped (mean, median, 90th percentile under each), so that
    // 14 columns fit 1366 px without sideways scroll (scope=colgroup / col tell a screen reader which is which).
    const top = document.createElement("tr");
    const sub = document.createElement("tr");
    const heading = (label, cls, attrs) => {
      const th = document.createElement("th");
      th.textContent = t(label);
      if (cls) th.className = cls;
      Object.entries(attrs || {}).forEach(([k, v]) => th.setAttribute(k, v));
      return th;
    };
    top.append(heading(DIM_NAMES[state.dim], "", { rowspan: 2, scope: "col" }));
    REPORT_COLUMNS.forEach(([key, label]) => {
      const group = REPORT_GROUPS.find((g) => key.startsWith(g.prefix));
      if (!group) { top.append(heading(label, "num", { rowspan: 2, scope: "col", id: "rh-" + key })); return; }
      if (key === group.prefix + "mean_s") top.append(heading(group.label, "num ad-group", { colspan: 3, scope: "colgroup", id: "rh-" + group.prefix }));
      sub.append(heading(group.parts[key.slice(group.prefix.length)], "num", { scope: "col", id: "rh-" + key }));
    });
    $("r-head").replaceChildren(top, sub);
    const rows = r["by_" + state.dim].map((row) => {
      const tr = document.createElement("tr");
      const label = state.dim === "service" ? `${row.prefix || ""} ${name(row)}` : row.label;
      tr.append(cell(label), ...REPORT_COLUMNS.map(([key]) => cell(formatFigure(key, row[key]), "num")));
      return tr;
    });
    const total = document.createElement("tr");
    total.className = "ad-total";
    total.append(cell(t("Total")), ...REPORT_COLUMNS.map(([key]) => cell(formatFigure(key, r.totals[key]), "num")));
    $("r-body").replaceChildren(...rows, total);
  }

  /* ---------- audit ---------- */
  $("audit-form").addEventListener("submit", (ev) => { ev.preventDefault(); loadAudit(); });
  $("audit-more").addEventListener("click", () => loadAudit(true));
  async function loadAudit(more) {
    const form = $("audit-form");
    clearErrors(form);
    const params = new URLSearchParams({ office: state.office.id, limit: "100", lang: Kezek.lang });
    ["from", "to", "kind", "number", "user"].forEach((n) => { if (form.elements[n].value.trim()) params.set(n, form.elements[n].value.trim()); });
    if (more && state.auditBefore) params.set("before", state.auditBefore);
    const answer = await call("GET", "/api/v1/audit?" + params);
    if (answer.status !== 200) return showError(form, answer);
    state.auditBefore = answer.data.next_before;
    $("audit-more").hidden = !state.auditBefore;
    const rows = answer.data.events.map(AdminAudit.row);   // admin_audit.js
    if (more) $("a-rows").append(...rows); else $("a-rows").replaceChildren(...rows);
  }
  $("verify").addEventListener("click", async () => {
    const out = $("verify-result");
    out.hidden = false;
    out.className = "ad-banner";
    out.textContent = t("Checking…");
    const answer = await call("POST", "/api/v1/audit/verify");
    const v = answer.data || {};
    if (answer.status === 200 && v.ok) {
      out.className = "ad-banner ad-banner-info";
      out.textContent = t("The log is whole: %(n)s entries checked.", { n: v.checked });
    } else if (answer.status === 200 && v.chain_ok && v.mismatch_count) {
      // The chain holds, but rows were changed behind the log's back: name the first one.
      const m = v.mismatches[0];
      out.className = "ad-banner ad-banner-error";
      out.textContent = t("%(n)s rows differ from the log, e.g. %(first)s", { n: v.mismatch_count,
        first: `${m.table} #${m.row} ${m.column}: ${JSON.stringify(m.row_value)} ≠ ${JSON.stringify(m.log_value)}` });
    } else if (answer.status === 200) {
      out.className = "ad-banner ad-banner-error";
      out.textContent = t("The log was changed at entry %(id)s: %(reason)s", { id: v.bad_id, reason: v.reason });
    } else {
      out.className = "ad-banner ad-banner-error";
      AdminErrors.fill(out, errorText(answer));
    }
  });

  /* ---------- office ---------- */
  const OFFICE_FIELDS = ["name_kk", "name_ru", "name_en", "timezone", "default_lang", "ticker_kk", "ticker_ru",
                         "ticker_en", "target_wait_s", "priority_wait_limit_s", "opens", "closes"];
  async function loadOffice() {
    const answer = await call("GET", "/api/v1/offices");
    state.office = answer.data.offices.find((o) => o.id === state.office.id) || state.office;
    const form = $("office-form");
    clearErrors(form);
    fillForm(form, state.office, OFFICE_FIELDS);
    const langs = (state.office.languages || "").split(",");
    ["kk", "ru", "en"].forEach((l) => { form.elements["lang_" + l].checked = langs.includes(l); });
    AdminHours.open(state.office);   // admin_hours.js: the week with its lunch break, the holidays
  }
  $("office-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const form = ev.target;
    clearErrors(form);
    const values = readForm(form, OFFICE_FIELDS);
    ["opens", "closes"].forEach((k) => { if (values[k] === "") values[k] = null; });
    values.languages = ["kk", "ru", "en"].filter((l) => form.elements["lang_" + l].checked).join(",");
    const answer = await call("PATCH", "/api/v1/offices/" + encodeURIComponent(state.office.id), changed(state.office, values));
    if (answer.status !== 200) return showError(form, answer);
    state.office = answer.data;
    $("office-title").textContent = name(state.office);
    notice(t("Saved."));
  });

  /* ---------- services ---------- */
  const SERVICE_FIELDS = ["prefix", "name_kk", "name_ru", "name_en", "group_kk", "group_ru", "group_en", "active",
                          "daily_limit", "opens", "closes", "target_wait_s", "sort_order"];
  let editing = null;
  async function loadServices() {
    const answer = await call("GET", "/api/v1/services?office=" + encodeURIComponent(state.office.id));
    state.services = answer.data.services;
    $("s-rows").replaceChildren(...state.services.map((s) => {
      const tr = document.createElement("tr");
      if (!s.active) tr.className = "ad-off";
      tr.append(cell(s.prefix, "ad-number"), cell(name(s)), cell(s["group_" + Kezek.lang] || ""),
                cell(t(s.active ? "yes" : "no")), cell(s.daily_limit === null ? "—" : String(s.daily_limit), "num"),
                cell(s.opens ? `${s.opens}–${s.closes}` : t("office hours")), cell(minutesText(s.target_wait_s), "num"),
                cell(button("Edit", () => editService(s))));
      return tr;
    }));
  }
  function editService(s) {
    editing = s;
    const form = $("service-form");
    clearErrors(form);
    fillForm(form, s || { active: true, sort_order: state.services.length }, SERVICE_FIELDS);
    $("service-form-title").dataset.i18n = s ? "Edit service" : "New service";
    $("service-form-title").textContent = t(s ? "Edit service" : "New service");
    form.hidden = false;
    form.elements.prefix.focus();
  }
  $("s-new").addEventListener("click", () => editService(null));
  $("service-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const form = ev.target;
    clearErrors(form);
    const values = readForm(form, SERVICE_FIELDS);
    ["group_kk", "group_ru", "group_en"].forEach((k) => { if (values[k] === null) values[k] = ""; });
    if (editing && values.target_wait_s === editing.target_wait_s) delete values.target_wait_s;
    const answer = editing
      ? await call("PATCH", "/api/v1/services/" + editing.id, changed(editing, values))
      : await call("POST", "/api/v1/services?office=" + encodeURIComponent(state.office.id), values);
    if (answer.status !== 200 && answer.status !== 201) return showError(form, answer);
    form.hidden = true;
    notice(t("Saved."));
    loadServices();
  });

  /* ---------- desks ---------- */
  let editingDesk = null;
  async function loadDesks() {
    const [desks, services] = await Promise.all([
      call("GET", "/api/v1/desks?office=" + encodeURIComponent(state.office.id)),
      call("GET", "/api/v1/services?office=" + encodeURIComponent(state.office.id))]);
    state.desks = desks.data.desks;
    state.services = services.data.services;
    const prefix = Object.fromEntries(state.services.map((s) => [s.id, s.prefix]));
    $("d-rows").replaceChildren(...state.desks.map((d) => {
      const tr = document.createElement("tr");
      if (!d.active) tr.className = "ad-off";
      tr.append(cell(d.name, "ad-strong"), cell(d.service_ids.map((id) => prefix[id]).join(" ")),
                cell(t(d.active ? "yes" : "no")), cell(button("Edit", () => editDesk(d))));
      return tr;
    }));
  }
  function editDesk(d) {
    editingDesk = d;
    const form = $("desk-form");
    clearErrors(form);
    form.elements.name.value = d ? d.name : "";
    form.elements.active.checked = d ? Boolean(d.active) : true;
    $("desk-services").replaceChildren(...state.services.map((s) => {
      const label = document.createElement("label");
      label.className = "ad-check";
      const box = document.createElement("input");
      box.type = "checkbox";
      box.value = s.id;
      box.checked = d ? d.service_ids.includes(s.id) : false;
      label.append(box, ` ${s.prefix} — ${name(s)}`);
      return label;
    }));
    $("desk-form-title").dataset.i18n = d ? "Edit desk" : "New desk";
    $("desk-form-title").textContent = t(d ? "Edit desk" : "New desk");
    form.hidden = false;
    form.elements.name.focus();
  }
  $("d-new").addEventListener("click", () => editDesk(null));
  $("desk-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const form = ev.target;
    clearErrors(form);
    const values = { name: form.elements.name.value.trim(), active: form.elements.active.checked,
                     service_ids: [...$("desk-services").querySelectorAll("input:checked")].map((b) => Number(b.value)) };
    const answer = editingDesk
      ? await call("PATCH", "/api/v1/desks/" + editingDesk.id, values)
      : await call("POST", "/api/v1/desks?office=" + encodeURIComponent(state.office.id), values);
    if (answer.status !== 200 && answer.status !== 201) return showError(form, answer);
    form.hidden = true;
    notice(t("Saved."));
    loadDesks();
  });
  document.querySelectorAll("[data-cancel]").forEach((b) => b.addEventListener("click", () => { b.closest("form").hidden = true; }));

  /* ---------- users ---------- */
  function newPassword() {
    const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    const bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
  }
  async function loadUsers() {
    const answer = await call("GET", "/api/v1/users");
    $("u-rows").replaceChildren(...answer.data.users.map((u) => {
      const tr = document.createElement("tr");
      if (!u.active) tr.className = "ad-off";
      const role = document.createElement("select");
      role.setAttribute("aria-label", t("Role"));
      Object.entries(ROLE_NAMES).forEach(([value, label]) => {
        // Only a region admin makes one (the server refuses the others): offered to them, or shown as it is.
        if (value === "region_admin" && u.role !== value && state.user.role !== value) return;
        const o = document.createElement("option");
        o.value = value;
        o.textContent = t(label);
        o.selected = u.role === value;
        role.append(o);
      });
      role.addEventListener("change", () => patchUser(u, { role: role.value }));
      const tools = document.createElement("span");
      tools.className = "ad-row-tools";
      tools.append(button("Reset password", async () => {
        const password = newPassword();
        if (await patchUser(u, { password })) showSecret(t("New password for %(user)s", { user: u.username }), password);
      }), button(u.active ? "Disable" : "Enable", () => patchUser(u, { active: !u.active }), u.active ? "ad-danger" : ""));
      tr.append(cell(u.username, "ad-strong"), cell(fullNameField(u)), cell(role), cell(t(u.active ? "yes" : "no")), cell(tools));
      return tr;
    }));
  }
  /* The full name (reports, the audit, the desk screen's first name) is edited in its row, refused beside it. */
  function fullNameField(u) {
    const box = document.createElement("span");
    box.className = "ad-inline";
    const input = document.createElement("input");
    input.value = u.full_name || "";
    input.name = "full_name";
    input.className = "ad-full-name";
    input.setAttribute("aria-label", t("Full name of %(user)s", { user: u.username }));
    const slot = document.createElement("em");
    slot.className = "ad-row-error";
    slot.id = "full-name-error-" + u.id;
    input.setAttribute("aria-describedby", slot.id);
    box.append(input, button("Save", async () => {
      AdminErrors.clearAt(slot, input);
      const r = await call("PATCH", "/api/v1/users/" + u.id, { full_name: input.value });
      if (r.status === 200) { notice(t("Saved.")); u.full_name = r.data.user.full_name; input.value = u.full_name; }
      else AdminErrors.showAt(slot, input, r, FIELD_HINTS, CODE_TEXT);
    }), slot);
    return box;
  }
  async function patchUser(u, values) {
    const answer = await call("PATCH", "/api/v1/users/" + u.id, values);
    if (answer.status !== 200) {
      const shown = errorText(answer);
      await loadUsers();   // the row shows what is saved; the refusal stays in the red banner
      notice([shown.text, shown.server].filter(Boolean).join(" — "), true);
      return false;
    }
    notice(t("Saved."));
    loadUsers();
    return true;
  }
  $("user-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const form = ev.target;
    clearErrors(form);
    const answer = await call("POST", "/api/v1/users?office=" + encodeURIComponent(state.office.id),
                              { username: form.elements.username.value.trim(), role: form.elements.role.value,
                                full_name: form.elements.full_name.value });
    if (answer.status !== 201) {
      const shown = errorText(answer);
      if (!shown.field && ["username_taken", "bad_username"].includes(answer.data && answer.data.error && answer.data.error.code)) {
        AdminErrors.fill(form.querySelector('[data-error-for="username"]'), shown);
        return;
      }
      return showError(form, answer);
    }
    form.reset();
    showSecret(t("Password for %(user)s", { user: answer.data.user.username }), answer.data.password);
    loadUsers();
  });

  /* ---------- devices ---------- */
  async function loadDevices() {
    const [answer, mon] = await Promise.all([call("GET", "/api/v1/devices?office=" + encodeURIComponent(state.office.id)),
                                             call("GET", "/api/v1/monitor?office=" + encodeURIComponent(state.office.id))]);
    const printers = Object.fromEntries(((mon.data && mon.data.printers) || []).map((p) => [p.device_id, p]));
    $("v-rows").replaceChildren(...answer.data.devices.map((d) => {
      const tr = document.createElement("tr");
      if (d.revoked_at) tr.className = "ad-off";
      let printer = document.createTextNode("—");
      if (d.kind === "kiosk" && !d.revoked_at) {
        printer = document.createElement("span");
        printer.className = "ad-inline";
        const input = document.createElement("input");
        input.value = d.printer_url;
        input.setAttribute("aria-label", t("Printer"));
        const slot = document.createElement("em");
        slot.className = "ad-row-error";
        slot.id = "printer-error-" + d.id;
        input.setAttribute("aria-describedby", slot.id);
        printer.append(input, button("Save", async () => {
          AdminErrors.clearAt(slot, input);
          const r = await call("PATCH", "/api/v1/devices/" + d.id, { printer_url: input.value.trim() || "none" });
          if (r.status === 200) notice(t("Saved.")); else AdminErrors.showAt(slot, input, r, FIELD_HINTS, CODE_TEXT);
        }), slot);
      }
      const p = printers[d.id];
      const status = d.revoked_at ? t("Revoked") : p ? t(PRINTER_STATES[p.state] || p.state) : t("Active");
      const tools = d.revoked_at ? "" : button("Revoke", async () => {
        if (!confirm(t("Revoke %(name)s? It stops working at once.", { name: d.name }))) return;
        const r = await call("DELETE", "/api/v1/devices/" + d.id);
        notice(r.status === 200 ? t("Revoked") : errorText(r).text, r.status !== 200);
        loadDevices();
      }, "ad-danger");
      tr.append(cell(d.name, "ad-strong"), cell(t(d.kind === "kiosk" ? "Kiosk" : "Hall display")), cell(printer),
                cell(status), cell(tools));
      return tr;
    }));
  }
  $("device-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const form = ev.target;
    clearErrors(form);
    const kind = form.elements.kind.value;
    const body = { kind, name: form.elements.name.value.trim() };
    if (kind === "kiosk") body.printer_url = form.elements.printer_url.value.trim() || "none";
    const answer = await call("POST", "/api/v1/devices?office=" + encodeURIComponent(state.office.id), body);
    if (answer.status !== 201) {
      const shown = errorText(answer);
      if (!shown.field && answer.data && answer.data.error && answer.data.error.code === "bad_name") {
        AdminErrors.fill(form.querySelector('[data-error-for="name"]'), shown);
        return;
      }
      return showError(form, answer);
    }
    form.reset();
    showSecret(t("Pairing link for %(name)s: open it once on the device", { name: answer.data.device.name }),
               location.origin + answer.data.pairing_path);
    loadDevices();
  });

  /* ---------- language ---------- */
  function markLang() {
    document.querySelectorAll(".ad-lang").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.lang === Kezek.lang)));
  }
  document.querySelectorAll(".ad-lang").forEach((b) => b.addEventListener("click", () => {
    Kezek.setLang(b.dataset.lang);
    markLang();
    if (state.office) $("office-title").textContent = name(state.office);
    if (state.user) $("who").textContent = `${state.user.username} · ${t(ROLE_NAMES[state.user.role] || state.user.role)}`;
    if (state.tab) showTab(state.tab);
  }));
  markLang();
  start();
})();
