/* The booking page: service → day → time → (phone) → code and QR; the booking's own page moves or cancels it. */
(function () {
  "use strict";
  const boot = JSON.parse(document.getElementById("book-boot").textContent);
  const $ = (id) => document.getElementById(id);
  const root = $("book");
  const LOCALES = { kk: "kk-KZ", ru: "ru-RU", en: "en-GB" };
  const state = { services: [], service: null, day: null, slot: null, booking: null, moving: false,
                  today: null, days: [], busy: false, history: [] };
  const q = boot.office_id ? "?office=" + encodeURIComponent(boot.office_id) : "";

  function local(obj, f) { return (obj && (obj[f + "_" + Kezek.lang] || obj[f + "_kk"])) || ""; }

  function show(step, remember) {
    if (remember !== false && root.dataset.step && root.dataset.step !== step && root.dataset.step !== "loading") {
      state.history.push(root.dataset.step);
    }
    root.dataset.step = step;
    document.querySelectorAll(".step").forEach((el) => { el.hidden = el.id !== "step-" + step; });
    hideMessage();
    window.scrollTo(0, 0);
  }

  function message(msgid, values) {
    $("message").textContent = Kezek.t(msgid, values);
    $("message").hidden = false;
  }
  function hideMessage() { $("message").hidden = true; }

  /* Browsers' Kazakh date names are often missing (Chromium's ICU shows "Tue", "M11"): our own, then Intl for ru/en. */
  const KK = {
    weekdays: ["жексенбі", "дүйсенбі", "сейсенбі", "сәрсенбі", "бейсенбі", "жұма", "сенбі"],
    short: ["Жс", "Дс", "Сс", "Ср", "Бс", "Жм", "Сн"],
    months: ["қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз", "қыркүйек", "қазан",
             "қараша", "желтоқсан"],
  };
  function asDate(day) { return new Date(day + "T12:00:00Z"); }
  function fmt(day, options) {
    return new Intl.DateTimeFormat(LOCALES[Kezek.lang], { ...options, timeZone: "UTC" }).format(asDate(day));
  }
  function dayName(day) {
    if (day === state.today) return Kezek.t("Today");
    if ((asDate(day) - asDate(state.today)) / 86400000 === 1) return Kezek.t("Tomorrow");
    return Kezek.lang === "kk" ? KK.short[asDate(day).getUTCDay()] : fmt(day, { weekday: "short" });
  }
  function dayDate(day) {
    const d = asDate(day);
    return Kezek.lang === "kk" ? d.getUTCDate() + " " + KK.months[d.getUTCMonth()] : fmt(day, { day: "numeric", month: "long" });
  }
  function longDay(day) {
    const d = asDate(day);
    if (Kezek.lang === "kk") {
      return d.getUTCFullYear() + " ж. " + d.getUTCDate() + " " + KK.months[d.getUTCMonth()] + ", " + KK.weekdays[d.getUTCDay()];
    }
    return fmt(day, { weekday: "long", day: "numeric", month: "long", year: "numeric" });
  }
  function spaced(code) { return code.slice(0, 4) + " " + code.slice(4); }

  /* A staff member signed in in this browser sends the session cookie with every write, and the
     server then wants the session's CSRF token: the page carries it (empty for visitors, who never
     ask /api/v1/me and so never get a 401). */
  if (boot.csrf) Kezek.csrf = boot.csrf;

  async function call(method, path, body) {
    try {
      return await Kezek.api(method, path, body);
    } catch (e) {
      message("No connection. Please try again.");
      return null;
    }
  }

  function problem(answer) {
    if (!answer) return;
    const code = answer.data && answer.data.error && answer.data.error.code;
    if (answer.status === 429) message("Too many requests. Please wait a few minutes and try again.");
    else if (code === "slot_taken" || code === "slot_not_found") message("This time has just been taken. Please choose another one.");
    else if (code === "phone_limit") message("This phone number already has as many bookings for that day as allowed.");
    else if (code === "bad_phone") message("Please check the phone number.");
    else if (code && code.indexOf("booking_") === 0) message("This booking can no longer be changed.");
    else message("Something went wrong. Please try again.");
  }

  /* ---- services ---- */

  async function loadServices() {
    const answer = await call("GET", "/api/v1/booking/services" + q);
    if (!answer || answer.status !== 200) { problem(answer); return; }
    state.services = answer.data.services;
    state.today = answer.data.today;
    renderServices();
  }

  function renderServices() {
    const box = $("services");
    box.textContent = "";
    state.services.forEach((s) => {
      const btn = document.createElement("button");
      btn.type = "button";
      btn.className = "service";
      btn.dataset.serviceId = s.id;
      const prefix = document.createElement("span");
      prefix.className = "prefix";
      prefix.textContent = s.prefix;
      const name = document.createElement("span");
      name.className = "name";
      name.textContent = local(s, "name");
      btn.append(prefix, name);
      box.appendChild(btn);
    });
    $("no-services").hidden = state.services.length > 0;
  }

  /* ---- days and times ---- */

  async function openService(service) {
    state.service = service;
    $("slots-service").textContent = local(service, "name");
    show("slots");
    $("days").textContent = "";
    $("times").textContent = "";
    const answer = await call("GET", "/api/v1/booking/services/" + service.id + "/days" + q);
    if (!answer || answer.status !== 200) { problem(answer); return; }
    state.days = answer.data.days.filter((d) => !d.closed);   // a day the office is closed is no choice
    const first = state.days.find((d) => d.free > 0);
    renderDays();
    if (first) pickDay(first.day);
    else $("no-times").hidden = false;
  }

  function renderDays() {
    const box = $("days");
    box.textContent = "";
    state.days.forEach((d) => {
      const btn = document.createElement("button");
      btn.type = "button";
      btn.className = "day" + (d.day === state.day ? " chosen" : "");
      btn.dataset.day = d.day;
      btn.disabled = d.free === 0;
      btn.setAttribute("aria-pressed", String(d.day === state.day));
      [["day-name", dayName(d.day)], ["day-date", dayDate(d.day)],
       ["day-free", d.free ? Kezek.t("Free times: %(n)s", { n: d.free }) : Kezek.t("No free times")]]
        .forEach(([cls, text]) => {
          const span = document.createElement("span");
          span.className = cls;
          span.textContent = text;
          btn.appendChild(span);
        });
      box.appendChild(btn);
    });
  }

  async function pickDay(day) {
    state.day = day;
    renderDays();
    const chosen = $("days").querySelector(".chosen");
    if (chosen) chosen.scrollIntoView({ block: "nearest", inline: "center" });
    const answer = await call("GET", "/api/v1/booking/services/" + state.service.id + "/slots" + q +
      (q ? "&" : "?") + "day=" + day);
    if (!answer || answer.status !== 200 || state.day !== day) { if (state.day === day) problem(answer); return; }
    const box = $("times");
    box.textContent = "";
    const free = answer.data.slots.filter((s) => s.free > 0);
    free.forEach((s) => {
      const btn = document.createElement("button");
      btn.type = "button";
      btn.className = "time";
      btn.dataset.at = s.at;
      btn.dataset.time = s.time;
      if (s.walk_in) btn.dataset.walkIn = "1";
      btn.textContent = s.time;
      box.appendChild(btn);
    });
    $("no-times").hidden = free.length > 0;
  }

  function pickTime(btn) {
    state.slot = { at: btn.dataset.at, time: btn.dataset.time, day: state.day, walkIn: Boolean(btn.dataset.walkIn) };
    $("confirm-walk-in").textContent = Kezek.t(WALK_IN);
    $("confirm-walk-in").hidden = !state.slot.walkIn;
    $("confirm-service").textContent = local(state.service, "name");
    $("confirm-day").textContent = longDay(state.day);
    $("confirm-time").textContent = state.slot.time;
    $("phone-box").hidden = state.moving;
    $("btn-book").dataset.i18n = state.moving ? "Move to this time" : "Book";
    $("btn-book").textContent = Kezek.t($("btn-book").dataset.i18n);
    show("confirm");
  }

  async function book(event) {
    event.preventDefault();
    if (state.busy || !state.slot) return;
    state.busy = true;
    $("btn-book").disabled = true;
    let answer;
    if (state.moving) {
      answer = await call("POST", "/api/v1/bookings/" + state.booking.code + "/move", { at: state.slot.at });
    } else {
      const phone = $("phone").value.trim();
      answer = await call("POST", "/api/v1/bookings" + q, { service: state.service.id, at: state.slot.at,
        phone: phone || null, lang: Kezek.lang });
    }
    state.busy = false;
    $("btn-book").disabled = false;
    if (answer && (answer.status === 201 || answer.status === 200)) {
      state.moving = false;
      state.history = [];
      history.replaceState(null, "", "/book/" + answer.data.code);
      showBooking(answer.data, true);
    } else {
      problem(answer);
      if (answer && answer.data && answer.data.error && /^slot_/.test(answer.data.error.code)) {
        state.history.pop();
        show("slots", false);
        pickDay(state.day);
        message("This time has just been taken. Please choose another one.");
      }
    }
  }

  /* ---- the booking ---- */

  async function loadBooking(code) {
    const answer = await call("GET", "/api/v1/bookings/" + encodeURIComponent(code));
    if (answer && answer.status === 200) { showBooking(answer.data, false); return; }
    if (answer && answer.status === 404) { show("missing"); return; }
    show("missing");
    problem(answer);
  }

  const STATES = {
    booked: "Booked", cancelled: "The booking has been cancelled.",
    checked_in: "You have checked in. Your ticket: %(number)s", missed: "The time of this booking has passed.",
  };

  // Booked later than the office's lead time before the slot: a ticket all the same, in the common queue.
  const WALK_IN = "This time is very soon: at check-in you get a ticket, but you wait in the common queue with the visitors who came without booking.";

  function showBooking(b, fresh) {
    state.booking = b;
    state.service = state.services.find((s) => s.id === b.service_id) || state.service;
    $("booking-code").textContent = spaced(b.code);
    $("booking-qr").src = b.qr;
    $("booking-service").textContent = state.service ? local(state.service, "name") : "";
    $("booking-day").textContent = longDay(b.day);
    $("booking-time").textContent = b.time;
    $("booking-window").textContent = Kezek.t("Check in between %(from)s and %(until)s.",
      { from: b.check_in_from, until: b.check_in_until });
    const st = $("booking-state");
    st.dataset.state = b.status;
    st.textContent = Kezek.t(STATES[b.status] || "Booked", { number: b.ticket ? b.ticket.number : "" });
    st.hidden = b.status === "booked" && !fresh;
    const active = b.status === "booked";
    $("booking-actions").hidden = !active;
    $("booking-help").hidden = !active;
    $("booking-walk-in").textContent = Kezek.t(WALK_IN);
    $("booking-walk-in").hidden = !(b.walk_in && active);
    root.dataset.status = b.status;
    show("booking");
  }

  async function cancelBooking() {
    $("confirm-cancel").hidden = true;
    const answer = await call("POST", "/api/v1/bookings/" + state.booking.code + "/cancel", {});
    if (answer && answer.status === 200) showBooking(answer.data, true);
    else problem(answer);
  }

  /* ---- language and taps ---- */

  function setLang(lang) {
    Kezek.setLang(lang);
    document.querySelectorAll("[data-i18n-alt]").forEach((el) => { el.alt = Kezek.t(el.dataset.i18nAlt); });
    document.querySelectorAll(".book-langs button").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.lang === lang)));
    $("office-name").textContent = boot.office[lang] || boot.office.kk;
    document.title = "Kezek — " + $("office-name").textContent;
    renderServices();
    if (state.service) $("slots-service").textContent = local(state.service, "name");
    if (state.days.length) renderDays();
    if (state.slot) { $("confirm-service").textContent = local(state.service, "name"); $("confirm-day").textContent = longDay(state.slot.day); }
    if (state.booking) showBooking(state.booking, !$("booking-state").hidden);
  }

  root.addEventListener("click", (event) => {
    const btn = event.target.closest("button");
    if (!btn || btn.disabled) return;
    if (btn.dataset.lang) setLang(btn.dataset.lang);
    else if (btn.dataset.serviceId) openService(state.services.find((s) => String(s.id) === btn.dataset.serviceId));
    else if (btn.dataset.day) pickDay(btn.dataset.day);
    else if (btn.dataset.at) pickTime(btn);
    else if (btn.dataset.action === "back") {
      const previous = state.history.pop();
      if (previous === "booking") state.moving = false;
      show(previous || "services", false);
    } else if (btn.id === "btn-move") {
      state.moving = true;
      state.day = state.booking.day;
      openService(state.service);
    } else if (btn.id === "btn-cancel") $("confirm-cancel").hidden = false;
    else if (btn.id === "btn-cancel-yes") cancelBooking();
    else if (btn.id === "btn-cancel-no") $("confirm-cancel").hidden = true;
  });
  $("confirm-form").addEventListener("submit", book);

  async function start() {
    setLang(Kezek.lang);
    await loadServices();
    if (boot.code) await loadBooking(boot.code);
    else show("services");
  }
  start();
})();
