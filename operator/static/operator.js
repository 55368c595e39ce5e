/* The operator desk: sign in, choose a desk, call and serve visitors without a slip.
   Everything shown comes from the server (GET /api/v1/desks/<id>/state and Socket.IO), so a
   reload or a second tab shows the same visitor. One action at a time: while a request is in
   flight every action is disabled, and stays so until the new state has arrived. */
(function () {
  "use strict";
  const K = window.Kezek;
  const config = JSON.parse(document.getElementById("operator-config").textContent);
  const DESK_KEY = "kezek.operator.desk";
  const OFFICE_KEY = "kezek.operator.office";
  const $ = (id) => document.getElementById(id);
  const S = {
    user: null, offices: [], office: null, deskId: null, desks: [], snap: null, snapAt: 0, skewMs: 0,
    socket: null, scoped: false, busy: null, pending: null, generation: 0, applied: 0, services: [],
    printers: {}, refreshTimer: null, refreshDue: 0, waiters: [], messageTimer: null, dialogTicket: null,
    booked: {},   // ticket id -> its booking's slot (UTC ISO), remembered from the queue for the called ticket
  };

  // Which actions make sense in which desk state.
  const OFFERED = {
    idle: ["call-next", "pause"],
    called: ["recall", "start", "no-show", "return", "transfer", "sms"],
    serving: ["finish", "transfer", "sms"],
    paused: ["resume"],
  };
  // Layout-independent keys (a Kazakh or Russian keyboard layout still types KeyR).
  const KEYS = {
    F1: "call-next", Space: "call-next", KeyR: "recall", KeyS: "start", KeyF: "finish",
    KeyN: "no-show", KeyL: "return", KeyT: "transfer", KeyP: "pause", KeyM: "sms",
  };

  /* ---------- small helpers ---------- */
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const el = (tag, cls, text) => {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const serverNow = () => Date.now() + S.skewMs;
  const since = (iso) => (iso ? Math.max(0, (serverNow() - Date.parse(iso)) / 1000) : 0);
  const clock = (seconds) => {
    const s = Math.floor(seconds);
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    const mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(r).padStart(2, "0");
  };
  const minutes = (seconds) => K.t("%(n)s min", { n: Math.floor((seconds || 0) / 60) });
  const serviceName = (service) => (service ? service["name_" + K.lang] || service.name_kk : "");
  const serviceById = (id) => ((S.snap ? S.snap.services : S.services) || []).find((s) => s.id === id);
  const deskLabel = (name) => K.t("Desk %(name)s", { name });
  const officeName = (office) => (office ? office["name_" + K.lang] || office.name_kk || office.id : "");
  const chosenOffice = () => S.offices.find((o) => o.id === S.office);
  /* Every office-scoped request names the office in play: a clerk of several offices would
     otherwise be refused (the server cannot guess which office they mean). */
  const inOffice = (path) => (S.office
    ? path + (path.includes("?") ? "&" : "?") + "office=" + encodeURIComponent(S.office) : path);
  K.inOffice = inOffice;   // operator_booking.js books in the same office
  /* A booked slot (UTC ISO) as HH:MM in the office's time zone, whatever the desk PC's zone. */
  const slotTime = (iso) => new Date(iso).toLocaleTimeString("en-GB", {
    hour: "2-digit", minute: "2-digit", timeZone: (S.snap && S.snap.office && S.snap.office.timezone) || undefined });

  function show(view) {
    ["op-login", "op-offices", "op-desks", "op-work"].forEach((id) => { $(id).hidden = id !== view; });
    $("op-deskinfo").hidden = view !== "op-work";
    $("op-logout").hidden = view === "op-login";
    $("op-user").hidden = view === "op-login";
  }

  function message(text, kind) {
    const box = $("op-message");
    box.textContent = text;
    box.className = "op-banner" + (kind === "error" ? " op-banner-error" : " op-banner-info");
    box.hidden = false;
    clearTimeout(S.messageTimer);
    S.messageTimer = setTimeout(() => { box.hidden = true; }, kind === "error" ? 12000 : 6000);
  }

  function errorText(answer) {
    const err = answer && answer.data && answer.data.error;
    if (!err) return K.t("Something went wrong. Please try again.");
    if (config.errors[err.code]) return K.t(config.errors[err.code]);
    return err.message || K.t("Something went wrong. Please try again.");
  }

  /* ---------- signing in and out ---------- */
  async function boot() {
    let answer;
    try {
      answer = await K.api("GET", "/api/v1/me");
    } catch (e) {
      message(K.t("The server cannot be reached. Try again."), "error");
      setTimeout(boot, 3000);
      return;
    }
    if (answer.status === 200) {
      signedIn(answer.data);
    } else {
      showLogin();
    }
  }

  function showLogin(note) {
    show("op-login");
    const error = $("op-login-error");
    error.hidden = !note;
    error.textContent = note || "";
    $("op-password").value = "";
    $(($("op-username").value ? "op-password" : "op-username")).focus();
  }

  async function login(event) {
    event.preventDefault();
    const submit = $("op-login-submit");
    if (submit.disabled) return;
    submit.disabled = true;
    try {
      const answer = await K.api("POST", "/api/v1/login", {
        username: $("op-username").value.trim(), password: $("op-password").value,
      });
      if (answer.status === 200) {
        signedIn(answer.data);
      } else {
        showLogin(errorText(answer));
      }
    } catch (e) {
      showLogin(K.t("The server cannot be reached. Try again."));
    } finally {
      submit.disabled = false;
    }
  }

  async function signedIn(data) {
    K.csrf = data.csrf_token;
    S.user = data.user;
    $("op-user").textContent = data.user.username;
    if (!data.offices) {
      // The sign-in answer names the user; /api/v1/me adds the names of their offices.
      try {
        const me = await K.api("GET", "/api/v1/me");
        if (me.status === 200) data = me.data;
      } catch (e) { /* the desk list below reports the server being away */ }
    }
    S.offices = data.offices || [];
    if (S.offices.length > 1) {
      const remembered = localStorage.getItem(OFFICE_KEY);
      if (S.offices.some((o) => o.id === remembered)) return chooseOffice(remembered);
      return showOffices();
    }
    S.office = S.offices.length ? S.offices[0].id : null;
    loadDesks();
  }

  /* ---------- offices (a user who works in several) ---------- */
  function showOffices() {
    disconnect();
    S.office = null; S.deskId = null; S.snap = null;
    const list = $("op-office-list");
    list.textContent = "";
    S.offices.forEach((office) => {
      const button = choice(list, "op-office-choice", () => chooseOffice(office.id));
      button.textContent = officeName(office);
      button.dataset.office = office.id;
    });
    showChoices("op-offices", list);
  }

  /* One big button of a choice list (an office, a desk). */
  function choice(list, cls, onChoose) {
    const button = el("button", "op-button " + cls);
    button.type = "button";
    button.addEventListener("click", onChoose);
    list.append(button);
    return button;
  }

  function showChoices(view, list) {
    show(view);
    const first = list.querySelector("button");
    if (first) first.focus();
  }

  function chooseOffice(id) {
    S.office = id;
    localStorage.setItem(OFFICE_KEY, id);
    S.desks = []; S.services = []; S.printers = {}; S.booked = {};
    renderPrinters();
    loadDesks();
  }

  function renderOffice() {
    const several = S.offices.length > 1;
    $("op-office-bar").hidden = !several;
    $("op-officename").hidden = !several;
    const name = several ? officeName(chosenOffice()) : "";
    $("op-office-name").textContent = name;
    $("op-officename").textContent = name;
    $("op-officename").title = name;
  }

  /* Any 401: the session is over (expired, password changed, logged out elsewhere). */
  function sessionEnded(note) {
    disconnect();
    S.user = null; S.snap = null; S.busy = null; S.pending = null; S.offices = []; S.office = null;
    $("op-message").hidden = true;
    K.csrf = null;
    document.querySelectorAll("dialog[open]").forEach((d) => d.close());
    showLogin(note);
  }

  async function logout() {
    try { await K.api("POST", "/api/v1/logout", {}); } catch (e) { /* signing out locally anyway */ }
    sessionEnded();
  }

  /* ---------- desks ---------- */
  async function loadDesks() {
    let answer;
    try {
      answer = await K.api("GET", inOffice("/api/v1/desks"));
    } catch (e) {
      message(K.t("The server cannot be reached. Try again."), "error");
      setTimeout(loadDesks, 3000);
      return;
    }
    if (answer.status === 401) return sessionEnded(K.t("Your session has ended. Please sign in again."));
    if ((answer.status === 403 || answer.status === 404) && S.offices.length > 1) {
      // The remembered office is no longer one of this user's: ask again.
      localStorage.removeItem(OFFICE_KEY);
      return showOffices();
    }
    if (answer.status !== 200) return message(errorText(answer), "error");
    S.desks = answer.data.desks.filter((d) => d.active);
    try {
      const services = await K.api("GET", inOffice("/api/v1/services"));
      if (services.status === 200) S.services = services.data.services;
    } catch (e) { /* the desk list still works without the service letters */ }
    const remembered = Number(localStorage.getItem(DESK_KEY));
    if (S.desks.some((d) => d.id === remembered)) {
      chooseDesk(remembered);
    } else {
      showDesks();
    }
  }

  function showDesks() {
    disconnect();
    S.deskId = null; S.snap = null;
    const list = $("op-desk-list");
    list.textContent = "";
    renderOffice();
    if (!S.desks.length) list.append(el("p", "op-muted", K.t("No desks are set up.")));
    S.desks.forEach((desk) => {
      const button = choice(list, "op-desk-choice", () => chooseDesk(desk.id));
      button.dataset.desk = desk.id;
      button.append(el("strong", null, deskLabel(desk.name)));
      // The bodies (state bodies, groups) whose services the desk serves: what a clerk recognises.
      const bodies = [];
      desk.service_ids.forEach((id) => {
        const service = serviceById(id);
        const body = service && (service["group_" + K.lang] || service.group_kk || serviceName(service));
        if (body && !bodies.includes(body)) bodies.push(body);
      });
      button.append(el("span", "op-desk-services", bodies.join(" · ")));
    });
    showChoices("op-desks", list);
  }

  function chooseDesk(id) {
    S.deskId = id;
    S.snap = null;
    localStorage.setItem(DESK_KEY, String(id));
    const desk = S.desks.find((d) => d.id === id);
    $("op-deskname").textContent = desk ? deskLabel(desk.name) : "";
    renderOffice();
    show("op-work");
    render();
    connect();
    refresh(0);
  }

  /* ---------- the live state ---------- */
  function connect() {
    disconnect();
    // scope "desk": the server sends this desk's own queue and changes (desk.queue), not every office event.
    const auth = { screen: "operator", desk: S.deskId, scope: "desk" };
    if (S.office) auth.office = S.office;   // the rooms of the desk's office
    // A server without scoped desk screens sends the office's events: read the desk's state after each.
    const refreshSoon = () => { if (!S.scoped) refresh(150); };
    const handlers = {
      snapshot: (snap) => {
        if (!snap || !snap.desk || snap.desk.id !== S.deskId) return;
        S.scoped = snap.scope === "desk";
        apply(snap, ++S.generation);
      },
      "desk.queue": (own) => { if (own && own.desk_id === S.deskId) apply(own, ++S.generation); },
      "printer.changed": printerChanged,
    };
    ["ticket.issued", "ticket.called", "ticket.recalled", "ticket.started", "ticket.finished",
      "ticket.no_show", "ticket.transferred", "ticket.returned", "ticket.cancelled", "ticket.expired",
      "queue.changed", "desk.changed"].forEach((name) => { handlers[name] = refreshSoon; });
    window.KezekHelp.listen(handlers, () => S.office);   // kiosks' calls for help
    const socket = K.connect(auth, handlers);
    // A refused connect (the session is gone) or a server-side disconnect is not retried by
    // the client on its own: find out why, then sign in again or reconnect.
    const recover = async () => {
      if (S.socket !== socket || socket.active) return;
      try {
        const answer = await K.api("GET", "/api/v1/me");
        if (answer.status === 401) return sessionEnded(K.t("Your session has ended. Please sign in again."));
      } catch (e) { /* the server is away: try again below */ }
      setTimeout(() => { if (S.socket === socket && !socket.connected) socket.connect(); }, 3000);
    };
    socket.on("connect_error", recover);
    socket.on("disconnect", (reason) => { if (reason === "io server disconnect") recover(); });
    S.socket = socket;
  }

  function disconnect() {
    if (S.socket) {
      const socket = S.socket;
      S.socket = null;
      socket.off();
      socket.disconnect();
    }
  }

  /* Ask the server for the desk's state. Debounced: a burst of events makes one request; the
     promise resolves once a state requested after the call has been applied. */
  function refresh(delay) {
    return new Promise((resolve) => {
      S.waiters.push(resolve);
      const due = Date.now() + (delay || 0);
      if (S.refreshTimer && S.refreshDue <= due) return; // an earlier refresh is coming anyway
      clearTimeout(S.refreshTimer);
      S.refreshDue = due;
      S.refreshTimer = setTimeout(async () => {
        S.refreshTimer = null;
        const waiters = S.waiters;
        S.waiters = [];
        await fetchState();
        waiters.forEach((done) => done());
      }, delay || 0);
    });
  }

  async function fetchState() {
    if (!S.deskId) return;
    const generation = ++S.generation;
    const deskId = S.deskId;
    let answer;
    try {
      answer = await K.api("GET", "/api/v1/desks/" + deskId + "/state" + (S.scoped ? "?scope=desk" : ""));
    } catch (e) {
      return; // offline: the socket's reconnect brings a snapshot
    }
    if (deskId !== S.deskId) return;
    if (answer.status === 200) {
      apply(answer.data, generation);
    } else if (answer.status === 401) {
      sessionEnded(K.t("Your session has ended. Please sign in again."));
    } else if (answer.status === 404) {
      localStorage.removeItem(DESK_KEY);
      loadDesks();
    }
  }

  /* A desk's own state (desk.queue, or read after an action) over the last snapshot: the office's
     services keep their names, the desk's own services get their new counts. */
  function withOwn(snap, own) {
    const counts = new Map(own.services.map((s) => [s.id, s]));
    const services = snap.services.map((s) => (counts.has(s.id)
      ? Object.assign({}, s, { waiting: counts.get(s.id).waiting, estimated_wait_s: counts.get(s.id).estimated_wait_s })
      : s));
    const desks = (snap.desks || []).map((d) => (d.id === own.desk.id ? own.desk : d));
    return Object.assign({}, snap, { seq: own.seq, desk: own.desk, current: own.current, queue: own.queue,
      served_today: own.served_today, services, desks });
  }

  function apply(snap, generation) {
    const own = snap.scope === "desk" && !snap.office;   // a desk's own state, not a whole snapshot
    if (own) {
      // Ordered by the log: a state older than the one on screen (a push overtaken by a read) is dropped.
      if (!S.snap || (S.snap.seq || 0) > snap.seq) return;
      snap = withOwn(S.snap, snap);
    } else if (generation < S.applied) {
      return; // an older answer overtaken by a newer one
    }
    S.applied = Math.max(S.applied, generation);
    S.snap = snap;
    S.snapAt = Date.now();
    const first = snap.queue[0];
    // The server's clock, from a waiting ticket's age (whole seconds, so only a clear
    // difference counts): a desk PC with a wrong clock still shows true timers.
    if (first) {
      const skew = Date.parse(first.issued_at) + first.waited_s * 1000 - Date.now();
      S.skewMs = Math.abs(skew) > 2000 ? skew : 0;
    }
    render();
  }

  /* A scoped screen hears only its own services' counts: the transfer dialog reads the others' first. */
  async function freshCounts() {
    if (!S.scoped || !S.snap) return;
    try {
      const answer = await K.api("GET", inOffice("/api/v1/services"));
      if (answer.status !== 200 || !S.snap) return;
      const waiting = new Map(answer.data.services.map((s) => [s.id, s.waiting]));
      S.snap.services.forEach((s) => { if (waiting.has(s.id)) s.waiting = waiting.get(s.id); });
    } catch (e) { /* offline: the dialog shows the counts it has */ }
  }

  function deskState() {
    const snap = S.snap;
    if (!snap || !snap.desk) return null;
    if (snap.desk.paused) return "paused";
    if (!snap.current) return "idle";
    return snap.current.status === "serving" ? "serving" : "called";
  }

  function deskQueue() {
    if (!S.snap || !S.snap.desk) return [];
    if (S.scoped) return S.snap.queue;   // the server sent what this desk may call, in order
    const ids = S.snap.desk.service_ids, desk = S.snap.desk.id, me = S.user && S.user.id;
    // As kezek/queue/policy.py may_call: a ticket sent to one desk or one specialist is theirs alone.
    return S.snap.queue.filter((t) => (t.target_desk_id == null || t.target_desk_id === desk)
      && (t.target_user_id == null || t.target_user_id === me)
      && (ids.includes(t.service_id) || t.target_desk_id === desk || t.target_user_id === me));
  }

  function waited(item) {
    return item.waited_s + (Date.now() - S.snapAt) / 1000;
  }

  function overdue(item) {
    const service = serviceById(item.service_id);
    const target = (service && service.target_wait_s) || (S.snap.office && S.snap.office.target_wait_s) || 900;
    return waited(item) > target;
  }

  /* ---------- drawing ---------- */
  function render() {
    if (!S.deskId) return;
    const state = deskState();
    document.body.dataset.deskState = state || "loading";
    renderActions(state);
    if (!S.snap) return;
    const desk = S.snap.desk;
    $("op-deskname").textContent = deskLabel(desk.name);
    renderCurrent(state);
    renderSide();
    if (window.KezekVisit) window.KezekVisit.render(state);   // a transfer's note, the paused time
    tick();
  }

  function renderActions(state) {
    const offered = OFFERED[state] || [];
    document.querySelectorAll("#op-actions [data-action]").forEach((button) => {
      const action = button.dataset.action;
      if (!button.querySelector(".op-label")) {
        button.append(el("span", "op-label"), el("kbd", "op-key"));
      }
      button.querySelector(".op-key").textContent = button.dataset.key.replace("Space", K.t("Space"));
      button.querySelector(".op-label").textContent = K.t(button.dataset.i18nText);
      // SMS to the visitor only where the office can text (operator_visit.js asks the server once a ticket).
      button.hidden = !offered.includes(action)
        || (action === "sms" && !(window.KezekVisit && window.KezekVisit.smsOffered(S.snap && S.snap.current)));
      button.disabled = Boolean(S.busy);
      button.classList.toggle("op-in-flight", S.busy === action);
    });
    document.querySelectorAll("#op-queue [data-call]").forEach((button) => {
      button.disabled = Boolean(S.busy) || state !== "idle";
    });
  }

  function renderCurrent(state) {
    const current = S.snap.current;
    const desk = S.snap.desk;
    const stateBox = $("op-state");
    const badges = $("op-current-badges");
    badges.textContent = "";
    $("op-current-number").textContent = "";
    $("op-current-service").textContent = "";
    $("op-time-waited").textContent = "";
    $("op-time-since").textContent = "";
    $("op-next").textContent = "";
    if (state === "paused") {
      stateBox.textContent = K.t("Paused");
      const label = config.pause_reasons[desk.pause_reason];
      $("op-current-service").textContent = label ? K.t(label) : desk.pause_reason || "";
      return;
    }
    if (state === "idle") {
      stateBox.textContent = K.t("The desk is free.");
      const next = deskQueue()[0];
      if (next) $("op-next").textContent = K.t("Next in line: %(number)s", { number: next.number });
      return;
    }
    stateBox.textContent = K.t(state === "serving" ? "Now serving" : "Called");
    $("op-current-number").textContent = current.number;
    $("op-current-service").textContent = serviceName(serviceById(current.service_id));
    if (current.priority) badges.append(el("span", "op-badge op-badge-priority", K.t("Priority")));
    const slot = current.appointment_at || S.booked[current.id];
    if (slot) badges.append(el("span", "op-badge op-badge-booked", K.t("Booked for %(time)s", { time: slotTime(slot) })));
    if (current.recalls) badges.append(el("span", "op-badge", K.t("Called again: %(n)s", { n: current.recalls })));
  }

  function renderSide() {
    const desk = S.snap.desk;
    const queue = deskQueue();
    $("op-in-queue").textContent = K.t("In queue: %(n)s", { n: queue.length });
    $("op-served").textContent = K.t("Served today: %(n)s", { n: S.snap.served_today || 0 });

    const services = $("op-services");
    services.textContent = "";
    desk.service_ids.forEach((id) => {
      const service = serviceById(id);
      if (!service) return;
      const item = el("li", "op-service-row");
      item.append(el("span", "op-prefix", service.prefix), el("span", "op-service-name", serviceName(service)),
        el("span", "op-count", String(service.waiting)));
      item.dataset.service = id;
      services.append(item);
    });

    const list = $("op-queue");
    list.textContent = "";
    const idle = deskState() === "idle";
    queue.slice(0, 60).forEach((ticket, index) => {
      const item = el("li", "op-ticket");
      item.dataset.ticket = ticket.id;
      item.dataset.number = ticket.number;
      const service = serviceById(ticket.service_id);
      const main = el("div", "op-ticket-main");
      main.append(el("span", "op-ticket-number", ticket.number),
        el("span", "op-ticket-service", service ? serviceName(service) : ""));
      const notes = el("div", "op-ticket-notes");
      if (index === 0) notes.append(el("span", "op-badge op-badge-next", K.t("Next")));
      if (ticket.priority) notes.append(el("span", "op-badge op-badge-priority", K.t("Priority")));
      if (ticket.first_in_line) notes.append(el("span", "op-badge", K.t("First in line")));
      if (ticket.appointment_at) {
        S.booked[ticket.id] = ticket.appointment_at;
        notes.append(el("span", "op-badge op-badge-booked", K.t("Booked for %(time)s", { time: slotTime(ticket.appointment_at) })));
      }
      notes.append(el("span", "op-overdue-note", K.t("Over the target wait")));
      const wait = el("span", "op-ticket-wait");
      const call = el("button", "op-button op-small", K.t("Call"));
      call.type = "button";
      call.dataset.call = ticket.id;
      call.disabled = Boolean(S.busy) || !idle;
      call.addEventListener("click", () => openCall(ticket));
      item.append(main, notes, wait, call);
      list.append(item);
    });
    $("op-queue-empty").hidden = queue.length > 0;
  }

  /* Once a second: the clocks, the waits and the overdue highlights. */
  function tick() {
    if (!S.snap || !S.snap.desk) return;
    const current = S.snap.current;
    const state = deskState();
    if (current && (state === "called" || state === "serving")) {
      const waitedFor = current.called_at
        ? (Date.parse(current.called_at) - Date.parse(current.issued_at)) / 1000 : since(current.issued_at);
      $("op-time-waited").textContent = K.t("Waited: %(time)s", { time: minutes(waitedFor) });
      $("op-time-since").textContent = state === "serving"
        ? K.t("Serving for: %(time)s", { time: clock(since(current.started_at)) })
        : K.t("Since called: %(time)s", { time: clock(since(current.called_at)) });
    }
    const queue = deskQueue();
    const longest = queue.reduce((most, t) => Math.max(most, waited(t)), 0);
    $("op-longest").textContent = K.t("Longest wait: %(time)s", { time: queue.length ? minutes(longest) : "—" });
    $("op-longest").classList.toggle("op-late", queue.some(overdue));
    const late = new Set();
    document.querySelectorAll("#op-queue .op-ticket").forEach((item) => {
      const ticket = queue.find((t) => String(t.id) === item.dataset.ticket);
      if (!ticket) return;
      item.querySelector(".op-ticket-wait").textContent = minutes(waited(ticket));
      const isLate = overdue(ticket);
      item.classList.toggle("op-overdue", isLate);
      if (isLate) late.add(ticket.service_id);
    });
    document.querySelectorAll("#op-services .op-service-row").forEach((row) => {
      row.classList.toggle("op-overdue", late.has(Number(row.dataset.service)));
    });
  }

  /* ---------- actions ---------- */
  function actionOffered(action) {
    return (OFFERED[deskState()] || []).includes(action);
  }

  function perform(action) {
    if (S.busy || !actionOffered(action)) return;
    const current = S.snap.current;
    const desk = "/api/v1/desks/" + S.deskId;
    switch (action) {
      case "call-next": return send(action, desk + "/call-next", {});
      case "resume": return send(action, desk + "/resume", {});
      case "pause": return openDialog("op-pause");
      case "transfer": return freshCounts().then(() => window.KezekVisit.transfer(current));
      case "finish": return window.KezekVisit.finish(current);      // with the visit's outcome
      case "sms": return window.KezekVisit.sms(current);
      default: return send(action, "/api/v1/tickets/" + current.id + "/" + action, {});
    }
  }

  /* POST one intended action. Its Idempotency-Key is kept until an answer arrives, so a retry
     (automatic after a network failure, or the operator pressing again) cannot act twice. */
  async function send(action, path, body, errorBox) {
    if (S.busy) return null;
    const signature = path + " " + JSON.stringify(body);
    if (!S.pending || S.pending.signature !== signature) S.pending = { signature, key: K.newKey() };
    const key = S.pending.key;
    S.busy = action;
    renderActions(deskState());
    setDialogsBusy(true);
    let answer = null;
    try {
      for (let attempt = 0; attempt < 3 && !answer; attempt++) {
        try {
          answer = await K.api("POST", path, body, { idempotencyKey: key });
          // A sign-in in another tab renews the CSRF token: take the new one and try once more.
          if (answer.status === 403 && answer.data && answer.data.error && answer.data.error.code === "csrf") {
            const me = await K.api("GET", "/api/v1/me");
            if (me.status === 200 && me.data.csrf_token !== K.csrf) {
              K.csrf = me.data.csrf_token;
              answer = await K.api("POST", path, body, { idempotencyKey: key });
            }
          }
        } catch (e) {
          await sleep(800);
        }
      }
      if (!answer) {
        (errorBox ? showDialogError : message)(K.t("The server cannot be reached. Try again."), "error", errorBox);
        return null;
      }
      S.pending = null;
      if (answer.status === 401) {
        sessionEnded(K.t("Your session has ended. Please sign in again."));
        return answer;
      }
      if (answer.status >= 400) {
        const text = errorText(answer);
        if (errorBox) showDialogError(text, "error", errorBox); else message(text, "error");
      } else {
        announce(action, answer, body);
      }
      await refresh(0); // keep the buttons off until the new state is on screen
      return answer;
    } finally {
      S.busy = null;
      setDialogsBusy(false);
      renderActions(deskState());
    }
  }

  function announce(action, answer, body) {
    const ticket = answer.data;
    if (action === "call-next" && answer.status === 204) return message(K.t("Nobody is waiting."), "info");
    if (!ticket || !ticket.number) return;
    if (action === "call-next" || action === "call") message(K.t("%(number)s was called.", { number: ticket.number }));
    if (action === "transfer") {
      message(K.t("%(number)s was sent to: %(service)s",
        { number: ticket.number, service: window.KezekVisit.sentTo(body) }));
    }
    if (action === "return") message(K.t("%(number)s waits in the queue again.", { number: ticket.number }));
  }

  /* ---------- dialogs ---------- */
  function openDialog(id) {
    const dialog = $(id);
    dialog.querySelectorAll(".op-error").forEach((p) => { p.hidden = true; });
    dialog.showModal();
    return dialog;
  }

  function showDialogError(text, kind, box) {
    box.textContent = text;
    box.hidden = false;
  }

  function setDialogsBusy(busy) {
    ["op-transfer-submit", "op-call-submit", "op-pause-submit", "op-finish-submit", "op-sms-submit"]
      .forEach((id) => { $(id).disabled = busy; });
  }

  function openCall(ticket) {
    if (S.busy || deskState() !== "idle") return;
    S.dialogTicket = ticket;
    $("op-call-title").textContent = K.t("Call %(number)s out of order", { number: ticket.number });
    $("op-call-reason").value = "";
    openDialog("op-call");
    $("op-call-reason").focus();
  }

  async function submitCall(event) {
    event.preventDefault();
    const reason = $("op-call-reason").value.trim();
    const error = $("op-call-error");
    if (!reason) {
      showDialogError(K.t("Write the reason."), "error", error);
      $("op-call-reason").focus();
      return;
    }
    const body = { ticket: S.dialogTicket.id, reason };
    const answer = await send("call", "/api/v1/desks/" + S.deskId + "/call", body, error);
    if (answer && answer.status < 400) $("op-call").close();
  }

  async function submitPause(event) {
    event.preventDefault();
    const chosen = document.querySelector("#op-pause-reasons input:checked");
    const error = $("op-pause-error");
    if (!chosen) return showDialogError(K.t("Write the reason."), "error", error);
    const answer = await send("pause", "/api/v1/desks/" + S.deskId + "/pause", { reason: chosen.value }, error);
    if (answer && answer.status < 400) $("op-pause").close();
  }

  /* ---------- printers ---------- */
  function printerChanged(data) {
    if (!data || data.device_id === undefined) return;
    S.printers[data.device_id] = data;
    renderPrinters();
  }

  function renderPrinters() {
    const problems = Object.values(S.printers).filter((p) => config.printer_problems[p.state]);
    const banner = $("op-printer");
    banner.hidden = !problems.length;
    banner.textContent = problems.map((p) => K.t("Printer problem: %(name)s — %(state)s",
      { name: p.name || "", state: K.t(config.printer_problems[p.state]) })).join(" · ");
  }

  /* ---------- keyboard ---------- */
  function onKey(event) {
    if ($("op-work").hidden || event.ctrlKey || event.altKey || event.metaKey || event.repeat) return;
    if (document.querySelector("dialog[open]")) return;
    const target = event.target;
    const tag = target && target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) return;
    // Space on a focused button presses that button, as everywhere else.
    if (event.code === "Space" && (tag === "BUTTON" || tag === "A")) return;
    let action = KEYS[event.code];
    if (!action) return;
    if (action === "pause" && deskState() === "paused") action = "resume";
    event.preventDefault();
    perform(action);
  }

  /* ---------- wiring ---------- */
  document.querySelectorAll(".op-lang").forEach((button) => {
    button.addEventListener("click", () => {
      K.setLang(button.dataset.lang);
      markLang();
      if (S.deskId) { render(); renderOffice(); } else if (!$("op-desks").hidden) showDesks();
      else if (!$("op-offices").hidden) showOffices();
      renderPrinters();
    });
  });
  function markLang() {
    document.querySelectorAll(".op-lang").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.lang === K.lang)));
  }
  document.querySelectorAll("#op-actions [data-action]").forEach((button) => {
    button.addEventListener("click", () => perform(button.dataset.action));
  });
  document.querySelectorAll("dialog [data-close]").forEach((button) => {
    button.addEventListener("click", () => button.closest("dialog").close());
  });
  $("op-login-form").addEventListener("submit", login);
  $("op-logout").addEventListener("click", logout);
  $("op-change-desk").addEventListener("click", () => {
    localStorage.removeItem(DESK_KEY);
    showDesks();
  });
  $("op-change-office").addEventListener("click", () => {
    localStorage.removeItem(OFFICE_KEY);
    showOffices();
  });
  $("op-call-form").addEventListener("submit", submitCall);
  $("op-pause-form").addEventListener("submit", submitPause);
  document.addEventListener("keydown", onKey);
  setInterval(tick, 1000);
  // What the visit dialogs (operator_visit.js) use of this screen: its state and its one way of sending.
  K.desk = { S, send, serviceName, serviceById, deskLabel, el, openDialog, showDialogError, message, inOffice,
    clock, since, rerender: () => render() };
  markLang();
  renderActions(null);
  boot();
})();
