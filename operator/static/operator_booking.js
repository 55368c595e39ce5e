/* Book for a caller: the operator chooses a service, a day and a free time (the public slot API),
   optionally the caller's phone, books with the operator's session (POST /api/v1/bookings with the
   CSRF header that operator.js keeps in Kezek.csrf), and reads the large booking code out. */
(function () {
  "use strict";
  const K = window.Kezek;
  const $ = (id) => document.getElementById(id);
  const B = { services: [], days: [], service: null, day: null, at: null, today: null, busy: false, booking: null };
  const ERRORS = {
    slot_taken: "This time has just been taken. Choose another one.",
    slot_not_found: "This time has just been taken. Choose another one.",
    phone_limit: "This phone number already has as many bookings for that day as allowed.",
    bad_phone: "Check the phone number.",
    forbidden: "Your role does not allow this.",
    csrf: "Your session has ended. Please sign in again.",
  };

  const el = (tag, cls, text) => {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const local = (obj, f) => (obj && (obj[f + "_" + K.lang] || obj[f + "_kk"])) || "";
  const spaced = (code) => code.slice(0, 4) + " " + code.slice(4);
  // In the office the desk screen works in (operator.js adds ?office= for a clerk of several).
  const inOffice = (path) => (K.inOffice ? K.inOffice(path) : path);
  function dayText(day) {
    const [y, m, d] = day.split("-");
    const date = `${d}.${m}.${y}`;
    if (day === B.today) return K.t("Today") + ", " + date;
    const tomorrow = new Date(Date.parse(B.today + "T12:00:00Z") + 86400000).toISOString().slice(0, 10);
    return day === tomorrow ? K.t("Tomorrow") + ", " + date : date;
  }
  function error(text) {
    $("op-book-error").textContent = text;
    $("op-book-error").hidden = !text;
  }
  function failed(answer) {
    const code = answer && answer.data && answer.data.error && answer.data.error.code;
    if (answer && answer.status === 429) return error(K.t("Too many requests: wait a minute."));
    error(K.t(ERRORS[code] || "Something went wrong. Please try again."));
  }
  async function get(path) {
    try {
      return await K.api("GET", path);
    } catch (e) {
      error(K.t("The server cannot be reached. Try again."));
      return null;
    }
  }

  async function open() {
    B.service = null; B.day = null; B.at = null; B.booking = null; B.days = [];
    $("op-book-phone").value = "";
    $("op-book-choose").hidden = false;
    $("op-book-done").hidden = true;
    $("op-book-day-label").hidden = true;
    $("op-book-times-box").hidden = true;
    error("");
    $("op-book").showModal();
    const answer = await get(inOffice("/api/v1/booking/services"));
    if (!answer) return;
    if (answer.status !== 200) return failed(answer);
    B.services = answer.data.services;
    B.today = answer.data.today;
    renderServices();
  }

  function renderServices() {
    const box = $("op-book-services");
    box.querySelectorAll(".op-choice").forEach((n) => n.remove());
    B.services.forEach((service) => {
      const label = el("label", "op-choice");
      const input = el("input");
      input.type = "radio";
      input.name = "book-service";
      input.value = service.id;
      input.checked = B.service === service.id;
      input.addEventListener("change", () => chooseService(service.id));
      label.append(input, el("span", "op-prefix", service.prefix), el("span", null, local(service, "name")));
      box.append(label);
    });
    $("op-book-none").hidden = B.services.length > 0;
  }

  async function chooseService(id) {
    B.service = id; B.day = null; B.at = null;
    error("");
    const answer = await get(inOffice(`/api/v1/booking/services/${id}/days`));
    if (!answer || B.service !== id) return;
    if (answer.status !== 200) return failed(answer);
    B.days = answer.data.days;
    renderDays();
    const first = B.days.find((d) => d.free);
    $("op-book-day-label").hidden = false;
    if (first) {
      $("op-book-day").value = first.day;
      chooseDay(first.day);
    } else {
      $("op-book-times-box").hidden = false;
      $("op-book-times").replaceChildren();
      $("op-book-no-times").hidden = false;
    }
  }

  function renderDays() {
    const select = $("op-book-day");
    const chosen = select.value;
    select.replaceChildren(...B.days.map((d) => {
      const option = el("option", null, dayText(d.day) + " — " + K.t("free: %(n)s", { n: d.free }));
      option.value = d.day;
      option.disabled = !d.free;
      return option;
    }));
    if (chosen) select.value = chosen;
  }

  async function chooseDay(day) {
    B.day = day; B.at = null;
    const service = B.service;
    const answer = await get(inOffice(`/api/v1/booking/services/${service}/slots?day=${encodeURIComponent(day)}`));
    if (!answer || B.service !== service || B.day !== day) return;
    if (answer.status !== 200) return failed(answer);
    const free = answer.data.slots.filter((s) => s.free > 0);
    $("op-book-times").replaceChildren(...free.map((slot) => {
      const button = el("button", "op-button op-book-time", slot.time);
      button.type = "button";
      button.dataset.at = slot.at;
      button.setAttribute("aria-pressed", "false");
      button.addEventListener("click", () => {
        B.at = slot.at;
        error("");
        document.querySelectorAll("#op-book-times .op-book-time").forEach((b) => {
          b.setAttribute("aria-pressed", String(b === button));
        });
      });
      return button;
    }));
    $("op-book-no-times").hidden = free.length > 0;
    $("op-book-times-box").hidden = false;
  }

  async function post(body) {
    let answer = await K.api("POST", inOffice("/api/v1/bookings"), body);
    // A sign-in in another tab renews the CSRF token: take the new one and try once more.
    if (answer.status === 403 && answer.data && answer.data.error && answer.data.error.code === "csrf") {
      const me = await K.api("GET", "/api/v1/me");
      if (me.status === 200 && me.data.csrf_token !== K.csrf) {
        K.csrf = me.data.csrf_token;
        answer = await K.api("POST", inOffice("/api/v1/bookings"), body);
      }
    }
    return answer;
  }

  async function submit(event) {
    event.preventDefault();
    if (B.busy) return;
    if (!B.service) return error(K.t("Choose a service."));
    if (!B.at) return error(K.t("Choose a free time."));
    const body = { service: B.service, at: B.at, lang: K.lang };
    const phone = $("op-book-phone").value.trim();
    if (phone) body.phone = phone;
    B.busy = true;
    $("op-book-submit").disabled = true;
    let answer = null;
    try {
      answer = await post(body);
    } catch (e) {
      error(K.t("The server cannot be reached. Try again."));
    } finally {
      B.busy = false;
      $("op-book-submit").disabled = false;
    }
    if (!answer) return;
    if (answer.status !== 201) {
      failed(answer);
      const code = answer.data && answer.data.error && answer.data.error.code;
      if (code === "slot_taken" || code === "slot_not_found") chooseDay(B.day);
      return;
    }
    B.booking = answer.data;
    showDone();
  }

  function showDone() {
    const booking = B.booking;
    const service = B.services.find((s) => s.id === B.service);
    $("op-book-code").textContent = spaced(booking.code);
    $("op-book-when").textContent = `${service ? service.prefix + " — " + local(service, "name") : ""} · ` +
      `${dayText(booking.day)} · ${booking.time}`;
    $("op-book-choose").hidden = true;
    $("op-book-done").hidden = false;
  }

  $("op-book-open").addEventListener("click", open);
  $("op-book-again").addEventListener("click", open);
  $("op-book-form").addEventListener("submit", submit);
  $("op-book-day").addEventListener("change", (e) => chooseDay(e.target.value));
  // A language switch redraws the open dialog in the new language.
  document.querySelectorAll(".op-lang").forEach((button) => button.addEventListener("click", () => {
    if (!$("op-book").open) return;
    renderServices();
    renderDays();
    if (B.booking) showDone();
  }));
})();
