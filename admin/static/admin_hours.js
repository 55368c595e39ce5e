/* The Office tab's opening hours per weekday with the lunch break, and the office's holidays (Kazakhstan's public
   holidays loaded from the server's `holidays` package, then edited like any other day).
   admin.js calls AdminHours.open(office) when the tab opens. API: GET/PUT /api/v1/offices/<id>/hours,
   GET /api/v1/booking-config (its holidays), POST|DELETE /api/v1/booking-config/holidays[/<day>],
   POST /api/v1/booking-config/holidays/public. */
window.AdminHours = (function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const t = (msg, values) => Kezek.t(msg, values);
  const { cell, button } = AdminDom;   // admin_dom.js
  const S = { office: null, days: [] };
  const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
  const TIMES = [["opens", "Opens at"], ["closes", "Closes at"], ["lunch_from", "Lunch from"], ["lunch_to", "Lunch until"]];
  const TIME_HINT = "A time as HH:MM, such as 09:00.";
  const FIELD_HINTS = { opens: TIME_HINT, closes: TIME_HINT, lunch_from: TIME_HINT, lunch_to: TIME_HINT,
                        day: "Choose a date.", name: "At most 120 characters." };
  // The server's codes for a day's hours that do not fit together (kezek/office/hours.py).
  const HOURS_TEXT = { closes: "The office must open before it closes.",
                       lunch_pair: "Give both ends of the lunch break, or neither.",
                       lunch_within: "The lunch break must lie within the opening hours.",
                       weekday: "Each weekday at most once." };
  const CODE_TEXT = { holiday_not_found: "Already removed.", holidays_unknown: "The holidays of these years are not known." };

  async function call(method, path, body) {
    try {
      return await Kezek.api(method, path, body);
    } catch (e) {
      return { status: 0, data: { error: { code: "offline" } } };
    }
  }
  const q = () => "office=" + encodeURIComponent(S.office.id);
  const notice = (text, isError) => AdminErrors.notice(text, isError);   // admin_errors.js

  async function open(office) {
    S.office = office;
    const [week, config] = await Promise.all([call("GET", `/api/v1/offices/${encodeURIComponent(office.id)}/hours`),
                                              call("GET", "/api/v1/booking-config?" + q())]);
    if (week.status === 200) {
      S.days = week.data.days;
      renderWeek();
    }
    if (config.status === 200) renderHolidays(config.data.holidays);
  }

  /* ---------- the week ---------- */
  function renderWeek() {
    const form = $("hours-form");
    AdminErrors.clear(form);
    const byDay = Object.fromEntries(S.days.map((d) => [d.weekday, d]));
    const everyDay = S.days.length === 0;   // no weekly rows: the office's hours (above) every day
    const allWeek = S.office.opens && S.office.closes ? `${S.office.opens}–${S.office.closes}` : null;
    $("hours-same").textContent = !everyDay ? ""
      : allWeek ? t("Now: every day %(hours)s (the office's hours above), without a lunch break.", { hours: allWeek })
        : t("Now: the office sets no hours: open every day, all day.");
    $("h-rows").replaceChildren(...WEEKDAYS.map((label, i) => {
      const weekday = i + 1;
      const day = byDay[weekday] || (everyDay ? { opens: S.office.opens || "", closes: S.office.closes || "" } : null);
      const tr = document.createElement("tr");
      tr.dataset.weekday = weekday;
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = t(label);
      const open = document.createElement("input");
      open.type = "checkbox";
      open.name = "open-" + weekday;
      open.checked = Boolean(day);
      open.setAttribute("aria-label", `${t(label)} — ${t("Open")}`);
      const inputs = TIMES.map(([key, what]) => {
        const input = document.createElement("input");
        input.name = `${key}-${weekday}`;
        input.size = 5;
        input.inputMode = "numeric";
        input.value = (day && day[key]) || "";
        input.setAttribute("aria-label", `${t(label)} — ${t(what)}`);
        const slot = document.createElement("em");
        slot.dataset.errorFor = input.name;
        slot.id = "err-" + input.name;
        const td = cell(input);
        td.append(slot);
        return td;
      });
      const toggle = () => { inputs.forEach((td) => { td.querySelector("input").disabled = !open.checked; }); };
      open.addEventListener("change", toggle);
      tr.append(th, cell(open), ...inputs);
      toggle();
      return tr;
    }));
  }

  function readWeek() {
    const form = $("hours-form");
    const days = [];
    for (let weekday = 1; weekday <= 7; weekday += 1) {
      if (!form.elements["open-" + weekday].checked) continue;
      const day = { weekday };
      TIMES.forEach(([key]) => {
        const v = form.elements[`${key}-${weekday}`].value.trim();
        day[key] = v === "" ? null : v;
      });
      if (day.opens === null) day.opens = "";     // required: refused at its field rather than left out
      if (day.closes === null) day.closes = "";
      days.push(day);
    }
    return days;
  }

  /* The server names the field and (for a day's hours) the weekday: the refusal goes to that row's input. */
  function showWeekError(answer) {
    const form = $("hours-form");
    const err = (answer.data && answer.data.error) || {};
    const details = err.details || {};
    const name = details.weekday && details.field ? `${details.field}-${details.weekday}` : null;
    const input = name && form.elements[name];
    if (input) {
      const hint = (err.code === "bad_hours" && HOURS_TEXT[details.problem]) || FIELD_HINTS[details.field];
      const slot = form.querySelector(`[data-error-for="${name}"]`);
      AdminErrors.fill(slot, { text: hint ? t(hint) : "", server: err.message });
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", slot.id);
      input.focus();
      return;
    }
    AdminErrors.show(form, answer, FIELD_HINTS, CODE_TEXT);
  }

  async function saveWeek(days) {
    const form = $("hours-form");
    AdminErrors.clear(form);
    const answer = await call("PUT", `/api/v1/offices/${encodeURIComponent(S.office.id)}/hours`, { days });
    if (answer.status !== 200) return showWeekError(answer);
    S.days = answer.data.days;
    renderWeek();
    notice(t("Saved."));
  }
  $("hours-form").addEventListener("submit", (ev) => { ev.preventDefault(); saveWeek(readWeek()); });
  $("hours-reset").addEventListener("click", () => saveWeek([]));

  /* ---------- holidays ---------- */
  /* 16.12.2026, Wednesday: the date as the office writes it (Chromium has no Kazakh date format), and its weekday. */
  function dayText(iso) {
    const [y, m, d] = iso.split("-");
    const weekday = WEEKDAYS[(new Date(Date.UTC(+y, +m - 1, +d)).getUTCDay() + 6) % 7];
    return `${d}.${m}.${y}, ${t(weekday)}`;
  }
  function renderHolidays(holidays) {
    $("b-holidays").replaceChildren(...holidays.map((h) => {
      const tr = document.createElement("tr");
      tr.dataset.day = h.day;
      tr.append(cell(dayText(h.day), "ad-nowrap"), cell(h.name || "—"), cell(button("Remove", async () => {
        const answer = await call("DELETE", `/api/v1/booking-config/holidays/${h.day}?` + q());
        if (answer.status === 200) notice(t("Saved."));
        else { const w = AdminErrors.words(answer, FIELD_HINTS, CODE_TEXT); notice([w.text, w.server].filter(Boolean).join(" — "), true); }
        open(S.office);
      }, "ad-danger")));
      return tr;
    }));
  }
  $("holiday-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const form = ev.target;
    AdminErrors.clear(form);
    const answer = await call("POST", "/api/v1/booking-config/holidays?" + q(),
                              { day: form.elements.day.value, name: form.elements.name.value.trim() });
    if (answer.status !== 201) return AdminErrors.show(form, answer, FIELD_HINTS, CODE_TEXT);
    form.reset();
    notice(t("Saved."));
    open(S.office);
  });
  $("holidays-public").addEventListener("click", async () => {
    const slot = $("holidays-error");
    AdminErrors.clearAt(slot, null);
    $("holidays-result").textContent = "";
    const answer = await call("POST", "/api/v1/booking-config/holidays/public?" + q(), {});
    if (answer.status !== 201) { AdminErrors.showAt(slot, null, answer, FIELD_HINTS, CODE_TEXT); return; }
    const added = answer.data.added.length;
    $("holidays-result").textContent = added
      ? t("%(n)s public holidays added; days you had set stay as they were.", { n: added })
      : t("Every public holiday of these years is already in the list.");
    open(S.office);
  });

  return { open };
})();
