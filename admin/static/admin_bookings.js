/* The admin screen's bookings: the bookings report card (Reports) and the Bookings tab (admin):
   a booking rule per service, the office's booking settings and closed days or times
   (holidays close the whole office: the Office tab, admin_hours.js).
   admin.js calls AdminBookings.report(...) with the report's period and AdminBookings.settings(...)
   when the tab opens. */
window.AdminBookings = (function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const t = (msg, values) => Kezek.t(msg, values);
  const S = { office: null, services: [], config: null, editing: null };
  const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
  const RULE_FIELDS = ["enabled", "slot_minutes", "capacity", "days_ahead", "opens", "closes", "lunch_from", "lunch_to",
                       "early_min", "late_min"];
  // What a refused value needs, shown next to its field (the API names the field).
  const FIELD_HINTS = {
    slot_minutes: "A whole number of minutes from 5 to 240.",
    capacity: "A whole number from 1 to 50.",
    days_ahead: "A whole number of days from 0 to 90.",
    early_min: "A whole number of minutes from 0 to 240.", late_min: "A whole number of minutes from 0 to 240.",
    opens: "A time as HH:MM before the end time; give both times, or neither.",
    closes: "A time as HH:MM before the end time; give both times, or neither.",
    lunch_from: "A time as HH:MM before the end time; give both times, or neither.",
    lunch_to: "A time as HH:MM before the end time; give both times, or neither.",
    appointments_in_row: "A whole number from 0 to 50.", phone_daily_limit: "A whole number from 0 to 20.",
    same_day_lead_min: "A whole number of minutes from 0 to 240.",
    weekdays: "Choose the days that take bookings.", day: "Choose a date.", slot_time: "A time as HH:MM, or empty.",
    name: "At most 120 characters.",
  };
  const CODE_TEXT = { forbidden: "Your role does not allow this.", csrf: "Your session has expired: reload the page.",
                      unauthorised: "Sign in again.",
                      closure_not_found: "Already removed." };

  async function call(method, path, body) {
    try {
      return await Kezek.api(method, path, body);
    } catch (e) {
      return { status: 0, data: { error: { code: "offline" } } };
    }
  }
  const q = () => "office=" + encodeURIComponent(S.office.id);
  function name(row) { return row ? row["name_" + Kezek.lang] || row.name_kk || "" : ""; }
  function service(id) { return S.services.find((s) => s.id === id); }
  const { cell, button } = AdminDom;   // admin_dom.js
  const notice = (text, isError) => AdminErrors.notice(text, isError);   // admin_errors.js
  const errorText = (answer) => AdminErrors.words(answer, FIELD_HINTS, CODE_TEXT);
  const clearErrors = (form) => AdminErrors.clear(form);
  const showError = (form, answer) => AdminErrors.show(form, answer, FIELD_HINTS, CODE_TEXT);
  function readInt(input) { const v = input.value.trim(); return /^-?\d+$/.test(v) ? parseInt(v, 10) : v; }
  /* Seconds as minutes for people; negative = before the slot began. */
  function delay(seconds) {
    if (seconds === null || seconds === undefined) return "—";
    const sign = seconds < 0 ? "−" : "";
    const abs = Math.abs(seconds);
    if (abs < 60) return sign + t("%(n)s s", { n: Math.round(abs) });
    return sign + t("%(n)s min", { n: Kezek.number(Math.round(abs / 6) / 10) });
  }
  const share = (v) => (v === null || v === undefined ? "—" : Math.round(v * 100) + "%");

  async function loadServices() {
    const answer = await call("GET", "/api/v1/services?" + q());
    if (answer.status === 200) S.services = answer.data.services;
  }

  /* ---------- the bookings report (Reports tab, manager) ---------- */
  const COLUMNS = [
    ["bookings", "Bookings", String], ["checked_in", "Checked in", String], ["missed", "Missed (no-show)", String],
    ["cancelled", "Cancelled", String], ["upcoming", "Upcoming", String], ["no_show_share", "No-show share", share],
    ["booked_share", "Booked share of visits", share],
    ["delay_median_s", "Call delay vs slot, median", delay, true], ["delay_p90_s", "Call delay vs slot, 90th percentile", delay, true],
    ["on_time_share", "Called on time", share, true]];
  function figure(row, [key, , format, punctual]) {
    const value = punctual ? row.punctuality[key] : row[key];
    return format(value === undefined ? null : value);
  }
  async function report(office, from, to) {
    S.office = office;
    const [answer] = await Promise.all([call("GET", `/api/v1/stats/bookings?${q()}&from=${from}&to=${to}`),
                                        S.services.length ? null : loadServices()]);
    $("rb-card").hidden = answer.status !== 200;
    if (answer.status !== 200) return;
    const r = answer.data;
    const k = r.total;
    $("rb-kpis").replaceChildren(...COLUMNS.filter((c) => c[0] !== "upcoming").map((c) => {
      const div = document.createElement("div");
      div.className = "ad-kpi";
      div.dataset.key = c[0];
      const span = document.createElement("span");
      span.textContent = t(c[1]);
      const strong = document.createElement("strong");
      strong.textContent = figure(k, c);
      div.append(span, strong);
      return div;
    }));
    $("rb-note").textContent = t("Called on time: within %(n)s minutes of the slot. A negative delay: called before the slot.",
                                 { n: Math.round(r.on_time_s / 60) }) + " " +
      t("Visits: %(visits)s, booked: %(booked)s.", { visits: k.visits, booked: k.booked_visits });
    const head = document.createElement("tr");
    ["Service", ...COLUMNS.map((c) => c[1])].forEach((label, i) => {
      const th = document.createElement("th");
      th.textContent = t(label);
      if (i) th.className = "num";
      head.append(th);
    });
    $("rb-head").replaceChildren(head);
    const rows = r.services.filter((s) => s.bookings).map((s) => {
      const tr = document.createElement("tr");
      tr.dataset.service = s.service_id;
      const svc = service(s.service_id);
      tr.append(cell(svc ? `${svc.prefix} ${name(svc)}` : String(s.service_id)), ...COLUMNS.map((c) => cell(figure(s, c), "num")));
      return tr;
    });
    const total = document.createElement("tr");
    total.className = "ad-total";
    total.append(cell(t("Total")), ...COLUMNS.map((c) => cell(figure(k, c), "num")));
    $("rb-body").replaceChildren(...rows, total);
  }

  /* ---------- the Bookings tab (admin) ---------- */
  async function settings(office) {
    S.office = office;
    const [answer] = await Promise.all([call("GET", "/api/v1/booking-config?" + q()), loadServices()]);
    if (answer.status !== 200) return notice(errorText(answer).text || errorText(answer).server, true);
    S.config = answer.data;
    renderRules();
    renderSettings();
    renderClosed();
  }
  function hours(a, b, fallback) { return a && b ? `${a}–${b}` : t(fallback); }
  function renderRules() {
    $("b-rules").replaceChildren(...S.services.map((s) => {
      const r = S.config.rules[String(s.id)];
      const tr = document.createElement("tr");
      tr.dataset.service = s.id;
      const on = r && r.enabled;
      if (!on) tr.className = "ad-off";
      tr.append(cell(`${s.prefix} — ${name(s)}`), cell(t(on ? "yes" : "no")),
                cell(r ? String(r.slot_minutes) : "—", "num"), cell(r ? String(r.capacity) : "—", "num"),
                cell(r ? String(r.days_ahead) : "—", "num"),
                cell(r ? hours(r.opens, r.closes, s.opens ? "service hours" : "office hours") : "—", "ad-nowrap"),
                cell(r ? hours(r.lunch_from, r.lunch_to, "none") : "—", "ad-nowrap"),
                cell(r ? t("%(early)s min before – %(late)s min after", { early: r.early_min, late: r.late_min }) : "—"),
                cell(button("Edit", () => editRule(s, r))));
      return tr;
    }));
  }
  function editRule(s, r) {
    S.editing = s;
    const form = $("rule-form");
    clearErrors(form);
    const rule = r || { enabled: 1, slot_minutes: 15, capacity: 1, days_ahead: 14, early_min: 15, late_min: 10 };
    RULE_FIELDS.forEach((f) => {
      const input = form.elements[f];
      if (input.type === "checkbox") input.checked = Boolean(rule[f]);
      else input.value = rule[f] === null || rule[f] === undefined ? "" : String(rule[f]);
    });
    $("rule-form-title").textContent = t("Booking for %(service)s", { service: `${s.prefix} — ${name(s)}` });
    form.hidden = false;
    form.elements.slot_minutes.focus();
  }
  $("rule-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const form = ev.target;
    clearErrors(form);
    const values = {};
    RULE_FIELDS.forEach((f) => {
      const input = form.elements[f];
      if (input.type === "checkbox") values[f] = input.checked;
      else if (input.dataset.int !== undefined) values[f] = readInt(input);
      else values[f] = input.value.trim() || null;
    });
    const answer = await call("PUT", `/api/v1/services/${S.editing.id}/booking-rule`, values);
    if (answer.status !== 200) return showError(form, answer);
    form.hidden = true;
    notice(t("Saved."));
    settings(S.office);
  });

  function renderSettings() {
    const form = $("booking-settings-form");
    clearErrors(form);
    form.elements.appointments_in_row.value = S.config.settings.appointments_in_row;
    form.elements.phone_daily_limit.value = S.config.settings.phone_daily_limit;
    form.elements.same_day_lead_min.value = S.config.settings.same_day_lead_min;
    $("b-weekdays").replaceChildren(...WEEKDAYS.map((day, i) => {
      const label = document.createElement("label");
      label.className = "ad-check";
      const box = document.createElement("input");
      box.type = "checkbox";
      box.value = i + 1;
      box.checked = S.config.settings.weekdays.includes(i + 1);
      label.append(box, " " + t(day));
      return label;
    }));
  }
  $("booking-settings-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const form = ev.target;
    clearErrors(form);
    const weekdays = [...$("b-weekdays").querySelectorAll("input:checked")].map((b) => Number(b.value));
    const answer = await call("PATCH", "/api/v1/booking-config/settings?" + q(), {
      appointments_in_row: readInt(form.elements.appointments_in_row),
      phone_daily_limit: readInt(form.elements.phone_daily_limit),
      same_day_lead_min: readInt(form.elements.same_day_lead_min), weekdays });
    if (answer.status !== 200) return showError(form, answer);
    notice(t("Saved."));
    settings(S.office);
  });

  function renderClosed() {
    $("b-closed").replaceChildren(...S.config.closed.map((c) => {
      const tr = document.createElement("tr");
      const svc = c.service_id === null ? null : service(c.service_id);
      tr.append(cell(c.day), cell(c.slot_time || t("whole day")), cell(svc ? `${svc.prefix} ${name(svc)}` : t("All services")),
                cell(c.reason || "—"), cell(button("Reopen", async () => {
                  const answer = await call("DELETE", `/api/v1/booking-config/closed/${c.id}?` + q());
                  notice(answer.status === 200 ? t("Saved.") : errorText(answer).text || errorText(answer).server, answer.status !== 200);
                  settings(S.office);
                })));
      return tr;
    }));
    const select = $("b-closed-service");
    const chosen = select.value;
    const all = document.createElement("option");
    all.value = "";
    all.textContent = t("All services");
    select.replaceChildren(all, ...S.services.map((s) => {
      const o = document.createElement("option");
      o.value = s.id;
      o.textContent = `${s.prefix} — ${name(s)}`;
      return o;
    }));
    select.value = chosen;
  }
  $("closed-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const form = ev.target;
    clearErrors(form);
    const body = { day: form.elements.day.value, reason: form.elements.reason.value.trim() };
    if (form.elements.slot_time.value.trim()) body.time = form.elements.slot_time.value.trim();
    if (form.elements.service.value) body.service = Number(form.elements.service.value);
    const answer = await call("POST", "/api/v1/booking-config/closed?" + q(), body);
    if (answer.status !== 201) return showError(form, answer);
    form.reset();
    notice(t("Saved."));
    settings(S.office);
  });

  return { report, settings };
})();
