/* The kiosk: language → service → ticket type → ticket, by touch alone, and never stuck. */
(function () {
  "use strict";
  const TOKEN_KEY = "kezek.kiosk.token";
  const PRINT_WAIT_MS = 8000;
  const REFUSED_RETRY_MS = 60000;      // no ticket.printed by then: show the ticket on screen instead
  const FLAT_LIMIT = 12;           // more services than this: choose a group first
  const PRINTER_DOWN = new Set(["paper_out", "cover_open", "offline", "error"]);
  const LANGS = ["kk", "ru", "en"];
  const root = document.getElementById("kiosk");
  const $ = (id) => document.getElementById(id);

  const state = {
    token: null, office: null, services: [], printer: { state: "unknown" },
    idleMs: (Number(root.dataset.idleS) || 20) * 1000,
    screen: "loading", online: false, lost: false, unpaired: false, noticeOpen: false,
    service: null, group: null, busy: false, choice: null, ticket: null, print: null,
    printTimer: null, idleTimer: null, refreshTimer: null, visit: 0,
    code: "", raw: "", bookingFrom: "start", lateService: null, checking: false,
  };
  const CODE_LENGTH = 8;
  const Guide = window.KioskGuide;
  const Find = window.KioskFind;
  const TICKET_IDLE_FACTOR = 6;    // the ticket screen stays six idle times (2 min by default)
  const VOICE_IDLE_FACTOR = 3;     // with the voice guide every time limit is three times longer

  /* The pairing token: taken from ?token= once, then kept in localStorage; the address bar loses it. */
  function pairingToken() {
    const params = new URLSearchParams(location.search);
    const given = params.get("token");
    if (given) {
      try { localStorage.setItem(TOKEN_KEY, given); } catch (e) { /* private mode: this page only */ }
      params.delete("token");
      const rest = params.toString();
      history.replaceState(null, "", location.pathname + (rest ? "?" + rest : ""));
      return given;
    }
    try { return localStorage.getItem(TOKEN_KEY); } catch (e) { return null; }
  }

  /* ---- text ---- */

  /* Elements that speak to someone who has not chosen a language yet: every language at once. */
  function fillAllLangs() {
    document.querySelectorAll("[data-i18n-all]").forEach((el) => {
      el.textContent = "";
      languages().forEach((lang) => {
        const line = document.createElement("span");
        line.className = "l l-" + lang;
        line.lang = lang;
        line.textContent = Kezek.t(el.dataset.i18nAll, null, lang);
        el.appendChild(line);
      });
    });
  }

  function translate() {
    Kezek.translatePage(root);
    document.querySelectorAll("[data-i18n-alt]").forEach((el) => { el.alt = Kezek.t(el.dataset.i18nAlt); });
  }

  function languages() {
    const offered = state.office && state.office.languages;
    const list = LANGS.filter((l) => !offered || !offered.length || offered.includes(l));
    return list.length ? list : LANGS;
  }

  function defaultLang() {
    const lang = state.office && state.office.default_lang;
    return LANGS.includes(lang) ? lang : "kk";
  }

  function local(obj, field) {
    return (obj && (obj[field + "_" + Kezek.lang] || obj[field + "_kk"])) || "";
  }

  /* ---- screens ---- */

  function render() {
    let visible = state.screen;
    if (state.unpaired) visible = "unpaired";
    else if (!state.online && state.lost) visible = "offline";
    document.querySelectorAll("#kiosk > .screen").forEach((el) => { el.hidden = el.id !== "screen-" + visible; });
    root.dataset.screen = visible;
  }

  function show(screen) {
    state.screen = screen;
    render();
    if (screen === "services") Find.render();
    if (screen === "search") { Find.drawKeyboard(); Find.renderSearch(); }
    if (screen === "booking") renderCode();
    armIdle();
    Guide.screenShown();
  }

  function goHome() {
    state.visit += 1;
    state.service = null;
    state.group = null;
    state.choice = null;
    state.ticket = null;
    state.busy = false;
    state.code = "";
    state.raw = "";
    state.checking = false;
    state.codeWrong = false;
    Find.reset();
    clearTimeout(state.printTimer);
    closeNotice();
    $("more-time").hidden = true;
    $("help-status").hidden = true;
    Guide.reset();
    setChoicesDisabled(false);
    Kezek.setLang(defaultLang());
    translate();
    renderStart();
    show("start");
  }

  /* Before any reset: "Need more time?" with a countdown; a touch, a key or its button gives the time again. */
  function armIdle() {
    clearTimeout(state.idleTimer);
    clearInterval(state.countdown);
    if (!$("more-time").hidden) { $("more-time").hidden = true; Guide.screenShown(); }
    if (state.screen === "start" || state.screen === "loading") return;
    const factor = (Guide.on ? VOICE_IDLE_FACTOR : 1) * (state.screen === "ticket" ? TICKET_IDLE_FACTOR : 1);
    state.idleTimer = setTimeout(warnIdle, state.idleMs * factor);
  }

  function warnIdle() {
    const seconds = Math.round(Math.min(15, Math.max(5, state.idleMs / 2000)) * (Guide.on ? 2 : 1));
    let left = seconds;
    const tick = () => {
      $("more-time-left").textContent = Kezek.t("Back to the start in %(s)s s", { s: left });
      if (left <= 0) { clearInterval(state.countdown); goHome(); }
      left -= 1;
    };
    $("more-time").hidden = false;
    tick();
    state.countdown = setInterval(tick, 1000);
    $("more-time").querySelector("button").focus({ preventScroll: true });
    Guide.say([Guide.phrase("Need more time?"), Guide.phrase("Back to the start in %(s)s s", { s: seconds }),
      Guide.phrase("Press Enter for more time.")]);
  }

  function renderStart() {
    $("office-name").textContent = local(state.office, "name");
    document.querySelectorAll(".btn-lang").forEach((btn) => { btn.hidden = !languages().includes(btn.dataset.lang); });
    $("printer-notice").hidden = !PRINTER_DOWN.has(state.printer && state.printer.state);
  }

  /* ---- services ---- */

  function waitingText(s) {
    if (!s.waiting) return Kezek.t("No queue");
    const parts = [Kezek.t("Waiting: %(n)s", { n: s.waiting })];
    const minutes = Kezek.minutes(s.estimated_wait_s);
    if (minutes > 0) parts.push(Kezek.t("≈ %(min)s min", { min: minutes }));
    return parts.join(" · ");
  }

  function reasonText(s) {
    if (s.unavailable_reason === "closed") {
      // Today's hours by the office's week (hours_today: null when closed all day), with its lunch break.
      const today = s.hours_today || {};
      if (s.closed_for === "lunch") return Kezek.t("Lunch break: %(hours)s", { hours: today.lunch_from + "–" + today.lunch_to });
      if (s.closed_for === "holiday") return Kezek.t("Closed now") + " · " + Kezek.t("Public holiday");
      if (s.closed_for === "office") return Kezek.t("Closed now");     // closed by the region: no hours to give
      const hours = today.opens && today.closes ? today.opens + "–" + today.closes : "";
      return Kezek.t("Closed now") + (hours ? " · " + Kezek.t("Opening hours: %(hours)s", { hours }) : "");
    }
    if (s.unavailable_reason === "daily_limit") return Kezek.t("No tickets left today");
    return Kezek.t("Service temporarily unavailable");
  }

  function span(cls, text) {
    const el = document.createElement("span");
    el.className = cls;
    el.textContent = text;
    return el;
  }

  function fillCard(btn, s) {
    btn.textContent = "";
    btn.appendChild(span("svc-prefix", s.prefix));
    const body = span("svc-body", "");
    body.appendChild(span("svc-name", local(s, "name")));
    const line = s.available ? waitingText(s) : reasonText(s);
    body.appendChild(span(s.available ? "svc-meta" : "svc-meta svc-reason", line));
    btn.appendChild(body);
    btn.disabled = !s.available || state.busy;
    btn.classList.toggle("unavailable", !s.available);
    btn.setAttribute("aria-disabled", String(!s.available));
    // The visible text is the name (letter, service, queue): an aria-label that drops the letter fails WCAG 2.5.3.
  }

  function groupKey(s) { return s.group_kk || s.group_ru || s.group_en || ""; }

  /* The services screen: a small office's one list, or a big one's most asked, bodies, A–Z (kiosk_find.js). */
  function renderServices() {
    if (state.screen === "search") Find.renderSearch();
    else Find.render();
  }

  function fitCards() {
    ["services", "search-results"].forEach((id) => Find.fitAll(Array.from($(id).children)));
  }

  function applyServices(list) {
    const sameSet = list.length === state.services.length &&
      list.every((s, i) => state.services[i].id === s.id && groupKey(state.services[i]) === groupKey(s));
    state.services = list;
    if (state.service) state.service = list.find((s) => s.id === state.service.id) || state.service;
    if (!sameSet) {
      renderServices();
      return;
    }
    document.querySelectorAll("#services .service[data-service-id], #search-results .service[data-service-id]").forEach((btn) => {
      const s = list.find((x) => String(x.id) === btn.dataset.serviceId);
      if (s) fillCard(btn, s);
    });
    fitCards();
  }

  async function refreshServices() {
    try {
      if (await Find.load(state.token)) renderServices();
      const answer = await Kezek.api("GET", "/api/v1/services", undefined, { token: state.token });
      if (answer.status === 200 && answer.data && Array.isArray(answer.data.services)) applyServices(answer.data.services);
    } catch (e) { /* the socket's status shows a lost server */ }
  }

  /* ---- the ticket ---- */

  function setChoicesDisabled(disabled) {
    document.querySelectorAll("#screen-priority button[data-priority], #services .service, #search-results .service").forEach((btn) => {
      btn.disabled = disabled || btn.classList.contains("unavailable");
    });
  }

  async function takeTicket(reason) {
    const service = state.service;
    if (state.busy || !service) return;
    state.busy = true;
    setChoicesDisabled(true);
    const visit = state.visit;
    // The same choice retried after a network failure reuses its key: the server answers the first ticket.
    const signature = [service.id, reason || "", Kezek.lang].join("|");
    if (!state.choice || state.choice.signature !== signature) state.choice = { signature, key: Kezek.newKey() };
    const body = { service: service.id, priority: Boolean(reason), lang: Kezek.lang };
    if (reason) body.priority_reason = reason;
    let answer;
    try {
      answer = await Kezek.api("POST", "/api/v1/tickets", body, { token: state.token, idempotencyKey: state.choice.key });
    } catch (e) {
      if (visit !== state.visit) return;
      state.busy = false;
      setChoicesDisabled(false);
      notice("No connection to the server: the ticket was not issued. Please try again.");
      return;
    }
    if (visit !== state.visit) return;
    state.busy = false;
    state.choice = null;   // an answer was given and stored under that key: a new choice gets a new key
    setChoicesDisabled(false);
    if (answer.status === 201 || answer.status === 200) {
      showTicket(answer.data, service);
    } else if (answer.status === 401) {
      state.unpaired = true;
      render();
    } else if (answer.status === 409 || answer.status === 404) {
      refreshServices();
      show("services");
      const refused = (answer.data && answer.data.error && answer.data.error.details) || {};
      if (refused.closed_for === "lunch" && refused.until) {
        // Every service is in the office's lunch break: "choose another one" would send the visitor round in circles.
        notice("Lunch break until %(time)s. Tickets are issued again from then.", { time: Kezek.timeUntil(refused.until) });
      } else {
        notice("This service is not available now. Please choose another one.");
      }
    } else if (answer.status === 429) {
      notice("Too many tickets from this kiosk: please wait a minute.");
    } else {
      notice("Something went wrong. Please try again.");
    }
  }

  function showTicket(ticket, service) {
    state.ticket = ticket;
    $("ticket-number").textContent = ticket.number;
    $("ticket-service").textContent = local(service, "name");
    $("ticket-priority").hidden = !ticket.priority;
    const appointment = ticket.appointment;
    $("ticket-appointment").hidden = !appointment;
    $("ticket-appointment").textContent = appointment ? Kezek.t("Booking at %(time)s", { time: appointment.time }) : "";
    // Booked later than the office's lead time: the ticket queues as a walk-in's, and the visitor is told.
    const walkIn = Boolean(appointment && appointment.walk_in);
    $("ticket-walk-in").hidden = !walkIn;
    $("ticket-walk-in").textContent = walkIn ? Kezek.t("You booked less than %(n)s minutes ahead: you wait in the common queue.", { n: appointment.walk_in_lead_min }) : "";
    $("ticket-ahead").textContent = aheadText(ticket);
    $("ticket-desks").textContent = desksText(ticket);
    $("ticket-desks").hidden = !desksText(ticket);
    const minutes = Kezek.minutes(ticket.estimated_wait_s);
    $("ticket-wait").textContent = Kezek.t("Estimated wait: %(min)s min", { min: minutes });
    $("ticket-wait").hidden = !ticket.people_ahead || minutes < 1;
    $("ticket-qr").src = "/qr/" + encodeURIComponent(ticket.token) + ".svg";
    const printing = ticket.print && ticket.print.state;
    // No printer at this kiosk: the ticket on the screen is the ticket, not a failure to print.
    if (printing === "pending") awaitPrint();
    else if (printing === "none") setPrint("screen", false);
    else setPrint("photo", printing === "unavailable");
    show("ticket");
  }

  /* "You are next" for nobody ahead (the visitor does not count a zero), else how many. */
  function aheadText(ticket) {
    return ticket.people_ahead ? Kezek.t("People ahead of you: %(n)s", { n: ticket.people_ahead }) : Kezek.t("You are next");
  }

  /* Which desks serve the ticket's service ("Served at desks: 3, 5, 7"), the first eight. */
  function desksValue(ticket) {
    const desks = (ticket && ticket.desks) || [];
    return desks.slice(0, 8).join(", ") + (desks.length > 8 ? ", …" : "");
  }

  function desksText(ticket) {
    const desks = (ticket && ticket.desks) || [];
    const zone = zonesValue(ticket) ? Kezek.t("Zone: %(zones)s", { zones: zonesValue(ticket) }) : "";
    if (!desks.length) return zone;
    const served = Kezek.t(desks.length === 1 ? "Served at desk: %(desks)s" : "Served at desks: %(desks)s", { desks: desksValue(ticket) });
    return zone ? served + " · " + zone : served;
  }

  /* In a big hall, the zone (the TV by its name) that shows the ticket's calls: where to look and go. */
  function zonesValue(ticket) {
    const zones = (ticket && ticket.zones) || [];
    return zones.slice(0, 3).join(", ") + (zones.length > 3 ? ", …" : "");
  }

  /* The ticket as the voice guide reads it: number, service, people ahead, the wait, where the paper comes out. */
  function ticketClips() {
    const t = state.ticket;
    if (!t) return [];
    const p = Guide.phrase;
    const clips = [p("Your ticket number"), { number: t.number, text: t.number }];
    if (state.service || t.service_id) {
      const service = state.services.find((s) => s.id === t.service_id) || state.service;
      if (service) clips.push({ service: service.id, text: local(service, "name") });
    }
    clips.push(t.people_ahead ? p("People ahead of you: %(n)s", { n: Math.min(t.people_ahead, 999) }) : p("You are next"));
    if (t.desks && t.desks.length) {
      clips.push(p(t.desks.length === 1 ? "Served at desk: %(desks)s" : "Served at desks: %(desks)s", { desks: desksValue(t) }));
    }
    if (zonesValue(t)) clips.push(p("Zone: %(zones)s", { zones: zonesValue(t) }));
    const minutes = Kezek.minutes(t.estimated_wait_s);
    if (t.people_ahead && minutes > 0) clips.push(p("Estimated wait: %(min)s min", { min: Math.min(minutes, 999) }));
    return clips.concat(printClips());
  }

  function printClips() {
    const p = Guide.phrase;
    if (state.print === "printing") return [p("Printing your ticket…"), p("Your ticket comes out of the slot below the screen.")];
    if (state.print === "printed") return [p("Please take your ticket"), p("Your ticket comes out of the slot below the screen.")];
    if (state.print === "screen") return [p(PRINT_TEXT.screen[1])];
    return [p("Photograph this code"), p(PRINT_TEXT.photo[1])];
  }

  function awaitPrint() {
    setPrint("printing", false);
    clearTimeout(state.printTimer);
    state.printTimer = setTimeout(() => setPrint("photo", true), PRINT_WAIT_MS);
  }

  const PRINT_TEXT = {
    printing: ["Printing your ticket…", "Please wait"],
    printed: ["Please take your ticket", "Scan the code to follow your place in the queue on your phone."],
    screen: ["Thank you!", "Scan the code: it opens your ticket on your phone."],
    photo: ["Photograph this code",
      "The ticket was not printed. Scan or photograph the code: it opens your ticket on your phone."],
  };

  function setPrint(mode, canRetry) {
    state.print = mode;
    $("print-status").dataset.state = mode;
    $("screen-ticket").dataset.print = mode;
    $("print-title").textContent = Kezek.t(PRINT_TEXT[mode][0]);
    $("print-detail").textContent = Kezek.t(PRINT_TEXT[mode][1]);
    $("btn-reprint").hidden = !(mode === "photo" && canRetry);
    $("btn-reprint").disabled = false;
  }

  function onPrinted(result) {
    if (!state.ticket || !result || result.ticket_id !== state.ticket.id) return;
    clearTimeout(state.printTimer);
    if (result.ok) setPrint("printed", false);
    else setPrint("photo", true);
    if (state.screen === "ticket") Guide.say(printClips(), true);
  }

  async function reprint() {
    const ticket = state.ticket;
    if (!ticket || state.print === "printing") return;
    $("btn-reprint").disabled = true;
    let answer;
    try {
      answer = await Kezek.api("POST", "/api/v1/tickets/" + ticket.id + "/reprint", {},
        { token: state.token, idempotencyKey: Kezek.newKey() });
    } catch (e) {
      if (state.ticket === ticket) setPrint("photo", true);
      notice("No connection to the server: the ticket was not issued. Please try again.");
      return;
    }
    if (state.ticket !== ticket) return;
    if (answer.status === 202 || answer.status === 200) awaitPrint();
    else setPrint("photo", false);
  }

  /* ---- "I have a booking": the code on a keypad (or from a scanner typing it), then check-in ---- */

  function openBooking() {
    state.bookingFrom = state.screen === "services" ? "services" : "start";
    state.code = "";
    show("booking");
  }

  function renderCode() {
    const box = $("code-cells");
    box.textContent = "";
    for (let i = 0; i < CODE_LENGTH; i += 1) {
      const cell = document.createElement("span");
      cell.className = "code-cell" + (i === 4 ? " gap" : "") + (!state.codeWrong && i === state.code.length ? " next" : "")
        + (state.codeWrong ? " wrong" : "");
      cell.textContent = state.code[i] || "";
      box.appendChild(cell);
    }
    box.setAttribute("aria-label", state.code.split("").join(" "));
    box.classList.toggle("wrong", state.codeWrong);
    $("btn-check-in").disabled = state.code.length !== CODE_LENGTH || state.checking;
    document.querySelectorAll(".chip-lang").forEach((b) => b.classList.toggle("chosen", b.dataset.setLang === Kezek.lang));
  }

  function pressKey(key) {
    if (state.checking) return;
    // After a wrong code the 8 digits stay, selected: a digit starts a new code, Erase corrects the last.
    if (state.codeWrong && /^\d$/.test(key)) state.code = "";
    if (key !== "ok") state.codeWrong = false;
    if (key === "erase") state.code = state.code.slice(0, -1);
    else if (key === "ok") { checkIn(); return; }
    else if (state.code.length < CODE_LENGTH) state.code += key;
    renderCode();
  }

  /* A barcode scanner is a keyboard: it types the QR's address and Enter. In a Cyrillic layout
     only the digits survive, so the code is the last run of 8 digits. */
  function onKey(event) {
    if (state.unpaired || state.noticeOpen || !["start", "services", "booking"].includes(state.screen)) return;
    if (event.key === "Enter") {
      const runs = state.raw.match(/\d+/g) || [];
      const scanned = runs.length && runs[runs.length - 1].length === CODE_LENGTH ? runs[runs.length - 1] : null;
      state.raw = "";
      if (scanned) state.code = scanned;
      if (state.screen === "booking" && state.code.length === CODE_LENGTH) checkIn();
      return;
    }
    if (event.key === "Backspace" && state.screen === "booking") { pressKey("erase"); return; }
    if (!event.key || event.key.length !== 1 || event.ctrlKey || event.altKey) return;
    state.raw = (state.raw + event.key).slice(-200);
    if (/\d/.test(event.key)) {
      if (state.screen !== "booking") openBooking();
      // The digits typed since the last other character: a scanned address ends with the code.
      state.code = state.raw.match(/\d+$/)[0].slice(-CODE_LENGTH);
      state.codeWrong = false;
      renderCode();
    }
  }

  async function checkIn() {
    if (state.checking || state.code.length !== CODE_LENGTH) return;
    state.checking = true;
    renderCode();
    const visit = state.visit;
    const code = state.code;
    let answer;
    try {
      answer = await Kezek.api("POST", "/api/v1/bookings/" + code + "/check-in", { lang: Kezek.lang },
        { token: state.token, idempotencyKey: Kezek.newKey() });
    } catch (e) {
      if (visit !== state.visit) return;
      state.checking = false;
      renderCode();
      notice("No connection to the server: the ticket was not issued. Please try again.");
      return;
    }
    if (visit !== state.visit) return;
    state.checking = false;
    const error = (answer.data && answer.data.error) || {};
    const details = error.details || {};
    if (answer.status === 201 || answer.status === 200) {
      const service = state.services.find((s) => s.id === answer.data.service_id) || {};
      state.code = "";
      showTicket(answer.data, service);
    } else if (answer.status === 401) {
      state.unpaired = true;
      render();
    } else if (error.code === "too_early" && details.same_day === false) {
      notice("Your booking is on %(date)s at %(time)s. Please come back that day.",
        { date: details.day.split("-").reverse().join("."), time: details.time });
    } else if (error.code === "too_early" || error.code === "too_late") {
      // Early or late, a regular ticket now is offered (the visitor may prefer not to come back).
      const title = $("late-title");
      if (error.code === "too_early") {
        title.dataset.i18n = "You are early. Please come back at %(time)s.";
        title.dataset.time = details.come_back_time || "";
      } else {
        title.dataset.i18n = "The time of your booking has passed.";
        delete title.dataset.time;
      }
      title.textContent = Kezek.t(title.dataset.i18n, { time: Kezek.timeFrom(title.dataset.time) });
      state.lateService = state.services.find((s) => s.id === details.service_id) || null;
      $("btn-late-ticket").hidden = !(state.lateService && state.lateService.available);
      show("late");
    } else if (error.code === "booking_cancelled") {
      notice("This booking was cancelled.");
    } else if (error.code === "booking_used") {
      notice("This booking has been used already.");
    } else if (answer.status === 404) {
      state.codeWrong = true;
      notice("Booking not found. Please check the code.");
    } else if (answer.status === 429) {
      notice("Too many attempts: please wait a minute.");
    } else {
      notice("Something went wrong. Please try again.");
    }
    renderCode();
  }

  /* ---- "I need help": every operator screen and the monitor hear it; the kiosk says when someone is coming ---- */

  async function callHelp() {
    let answer = null;
    try {
      answer = await Kezek.api("POST", "/api/v1/help", { lang: Kezek.lang }, { token: state.token });
    } catch (e) { answer = null; }
    const ok = answer && answer.status === 201;
    state.helpCall = ok ? answer.data.id : null;
    showHelp(ok ? "Help is on the way: a staff member has been called." : "Help could not be called. Please ask at the nearest desk.");
  }

  function showHelp(msgid) {
    $("help-text").dataset.i18n = msgid;
    $("help-text").textContent = Kezek.t(msgid);
    $("help-status").hidden = false;
    armIdle();
    Guide.screenShown();
  }

  function onHelpAcknowledged(call) {
    if (!call || (state.device && call.device_id !== state.device.id)) return;
    state.helpCall = null;
    showHelp("Someone is coming to you now.");
  }

  /* ---- notices ---- */

  function notice(msgid, values) {
    state.noticeMsgid = msgid;
    state.noticeValues = values || null;
    $("notice-text").textContent = Kezek.t(msgid, values);
    $("notice").hidden = false;
    state.noticeOpen = true;
    armIdle();
    Guide.screenShown();
  }

  function closeNotice() {
    $("notice").hidden = true;
    state.noticeOpen = false;
  }

  /* ---- live ---- */

  function onSnapshot(snapshot) {
    state.office = snapshot.office;
    state.device = snapshot.device;
    state.printer = snapshot.printer || { state: "unknown" };
    const settings = snapshot.device && snapshot.device.settings;
    if (settings && Number(settings.idle_s) > 0) state.idleMs = Number(settings.idle_s) * 1000;
    state.unpaired = false;
    fillAllLangs();
    applyServices(snapshot.services || []);
    Find.load(state.token).then((ok) => { if (ok && ["services", "search"].includes(state.screen)) renderServices(); });
    renderStart();
    if (state.screen === "loading") goHome();
    else render();
  }

  function onQueue(change) {
    if (!change || !Array.isArray(change.services)) return;
    const counts = new Map(change.services.map((s) => [s.id, s]));
    applyServices(state.services.map((s) => (counts.has(s.id) ? { ...s, ...counts.get(s.id) } : s)));
    // Availability is not in queue.changed (an admin's change sends one): ask again while someone is choosing.
    if (["services", "search", "priority"].includes(state.screen)) {
      clearTimeout(state.refreshTimer);
      state.refreshTimer = setTimeout(refreshServices, 300);
    }
  }

  function onPrinter(change) {
    if (!change || (state.device && change.device_id !== state.device.id)) return;
    state.printer = { state: change.state, detail: change.detail };
    renderStart();
  }

  function connect() {
    let socket = null;
    socket = Kezek.connect({ screen: "kiosk", token: state.token }, {
      snapshot: onSnapshot,
      "queue.changed": onQueue,
      "printer.changed": onPrinter,
      "ticket.printed": onPrinted,
      "help.acknowledged": onHelpAcknowledged,
      connect_error: (err) => {
        if (err && /kiosk token/.test(err.message || "")) { state.unpaired = true; render(); }
        // A refused connection is not retried by the client: ask again now and then (never stuck).
        if (!socket.active) setTimeout(() => socket.connect(), REFUSED_RETRY_MS);
      },
      disconnect: (reason) => {
        // The server dropped us (e.g. the device was revoked): reconnect, and hear why if refused.
        if (reason === "io server disconnect") setTimeout(() => socket.connect(), 1000);
      },
    }, (online) => {
      state.online = online;
      state.lost = !online;
      render();
    });
    return socket;
  }

  /* ---- touch ---- */

  function onTap(event) {
    const btn = event.target.closest("button");
    if (!btn || btn.disabled) return;
    if (btn.dataset.lang) {
      Kezek.setLang(btn.dataset.lang);
      translate();
      Find.reset();
      show("services");
      refreshServices();
    } else if (btn.closest("#screen-services, #screen-search") && !btn.dataset.serviceId && !btn.dataset.action) {
      findTap(btn);
    } else if (btn.dataset.serviceId) {
      state.service = state.services.find((s) => String(s.id) === btn.dataset.serviceId);
      if (!state.service || !state.service.available) return;
      $("priority-service").textContent = local(state.service, "name");
      state.from = state.screen === "search" ? "search" : "services";
      show("priority");
    } else if (btn.dataset.priority !== undefined) {
      takeTicket(btn.dataset.priority || null);
    } else if (btn.dataset.action === "booking") {
      openBooking();
    } else if (btn.dataset.setLang) {
      Kezek.setLang(btn.dataset.setLang);
      translate();
      renderServices();
      renderCode();
    } else if (btn.dataset.key) {
      pressKey(btn.dataset.key);
    } else if (btn.id === "btn-late-ticket") {
      if (!state.lateService) return;
      state.service = state.lateService;
      $("priority-service").textContent = local(state.service, "name");
      show("priority");
    } else if (btn.id === "btn-reprint") {
      reprint();
    } else if (btn.dataset.action === "dismiss") {
      closeNotice();
      Guide.screenShown();
    } else if (btn.dataset.action === "more-time") {
      armIdle();
    } else if (btn.dataset.action === "help") {
      callHelp();
    } else if (btn.dataset.action === "dismiss-help") {
      $("help-status").hidden = true;
      Guide.screenShown();
    } else if (btn.dataset.action === "home") {
      goHome();
    } else if (btn.dataset.action === "back") {
      if (state.screen === "booking") { if (state.bookingFrom === "services") show("services"); else goHome(); }
      else if (state.screen === "priority") show(state.from || "services");
      else if (state.screen === "search") show("services");
      else if (Find.back()) { Find.render(); Guide.screenShown(); }
      else goHome();
    }
  }

  /* The finder's buttons: search, A–Z, bodies, pages, the keyboard; the voice guide says what changed. */
  function findTap(btn) {
    const done = Find.tap(btn);
    if (!done) return;
    if (done.screen) { show(done.screen); return; }
    if (done.view) { Find.render(); armIdle(); Guide.screenShown(); return; }
    const p = Guide.phrase;
    if (done.page) {
      const pager = btn.closest(".pager");
      const target = pager.querySelector('[data-page="' + btn.dataset.page + '"]');
      if (target.disabled) pager.querySelector("button:not([disabled])")?.focus({ preventScroll: true });
      Guide.say(Find.pageClips(pager));
    } else if (done.search) {
      const found = done.search.found;
      const typed = done.typed === undefined ? [] : Find.clips(btn);
      Guide.say(typed.concat(Find.query.trim() ? [found ? p("Found: %(n)s", { n: Math.min(found, 999) })
        : p("Nothing found. Try another word or choose by state body.")] : []));
    } else if (done.keyboard) {
      const again = document.querySelector('#keyboard [data-char]');
      if (again) again.focus({ preventScroll: true });
      Guide.say([p(done.keyboard === "kk" ? "Қазақша" : done.keyboard === "ru" ? "Русский" : "English", null, done.keyboard)]);
    }
  }

  function guardTouch() {
    const stop = (e) => e.preventDefault();
    document.addEventListener("contextmenu", stop);
    document.addEventListener("selectstart", stop);
    document.addEventListener("dragstart", stop);
    document.addEventListener("gesturestart", stop);
    // Ctrl+wheel and pinch on a touchpad zoom the page: not on a kiosk.
    document.addEventListener("wheel", (e) => { if (e.ctrlKey) e.preventDefault(); }, { passive: false });
    document.addEventListener("touchmove", (e) => { if (e.touches.length > 1) e.preventDefault(); }, { passive: false });
    ["pointerdown", "touchstart", "keydown"].forEach((name) => document.addEventListener(name, armIdle, { passive: true }));
    root.addEventListener("click", onTap);
    document.addEventListener("keydown", onKey);
    addEventListener("resize", () => { if (["services", "search"].includes(state.screen)) renderServices(); });
  }

  /* What the voice guide says of this kiosk's own screens (kiosk_voice.js reads the rest from the page). */
  function hookGuide() {
    const p = Guide.phrase;
    // A key while "Need more time?" shows gives the time again and does nothing else.
    Guide.hooks.activity = () => { const warned = !$("more-time").hidden; armIdle(); return warned; };
    Guide.hooks.modeChanged = () => { armIdle(); if (state.screen === "services") renderServices(); };
    Guide.hooks.serviceClips = (id) => {
      const s = state.services.find((x) => x.id === id);
      if (!s) return [];
      const clips = [{ service: s.id, text: local(s, "name") }];
      if (!s.available) clips.push(p(s.unavailable_reason === "closed" ? "Closed now"
        : s.unavailable_reason === "daily_limit" ? "No tickets left today" : "Service temporarily unavailable"));
      else if (!s.waiting) clips.push(p("No queue"));
      else {
        clips.push(p("Waiting: %(n)s", { n: Math.min(s.waiting, 999) }));
        const minutes = Kezek.minutes(s.estimated_wait_s);
        if (minutes > 0) clips.push(p("Estimated wait: %(min)s min", { min: Math.min(minutes, 999) }));
      }
      return clips;
    };
    Guide.hooks.optionClips = (btn) => Find.clips(btn);
    Guide.hooks.screenClips = (screen, overlay) => {
      if (overlay && overlay.id === "notice") return [{ ...p("OK"), text: $("notice-text").textContent, phrase: state.noticeMsgid, values: state.noticeValues }];
      if (overlay && overlay.id === "help-status") return [p($("help-text").dataset.i18n)];
      if (overlay && overlay.id === "more-time") return [p("Need more time?"), p("Press Enter for more time.")];
      if (screen === "start") return [p("Welcome!", null, "kk"), p("Choose language", null, "kk"),
        p("Choose language", null, "ru"), p("Choose language", null, "en")];
      if (screen === "ticket") return ticketClips();
      if (screen === "late") {
        const title = $("late-title");
        return [p(title.dataset.i18n, title.dataset.time ? { time: title.dataset.time } : null),
          p("You can take a regular ticket instead.")];
      }
      if (screen === "priority" && state.service) return [{ service: state.service.id, text: local(state.service, "name") }, p("Press Enter to choose.")];
      if (screen === "services" || screen === "search") return Find.screenClips(screen);
      return null;
    };
    Guide.hooks.typeDigit = (digit) => pressKey(digit);
    Guide.hooks.erase = () => pressKey("erase");
  }

  function start() {
    Find.init({ services: () => state.services, local, fillCard });
    guardTouch();
    fillAllLangs();
    translate();
    state.token = pairingToken();
    Guide.token = state.token;
    hookGuide();
    if (!state.token) {
      state.unpaired = true;
      render();
      return;
    }
    render();
    connect();
  }

  start();
})();
