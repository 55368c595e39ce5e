/* The desk's visit dialogs: transfer (to a service by body, to a desk, to a specialist, with a note),
   finish with the visit's outcome and the services served, the visitor's phone for SMS; and on the
   desk's card where a transferred visitor came from and how long the desk has been paused.
   operator.js owns the state and the one-action-at-a-time sending (K.desk). */
(function () {
  "use strict";
  const K = window.Kezek;
  const $ = (id) => document.getElementById(id);
  const V = { targets: null, outcomes: null, kind: "service", ticket: null, sms: {}, smsTicket: null };

  const D = () => K.desk;
  const collator = () => new Intl.Collator(K.lang === "en" ? "en" : K.lang === "ru" ? "ru" : "kk",
    { sensitivity: "base", numeric: true });
  const bodyName = (service) => (service["group_" + K.lang] || service.group_kk || "").trim();
  const personName = (user) => user.full_name || user.username;
  const folded = (text) => (text || "").toLocaleLowerCase().replace(/ё/g, "е");

  async function load(path) {
    try {
      const answer = await K.api("GET", D().inOffice(path));
      return answer.status === 200 ? answer.data : null;
    } catch (e) {
      return null;
    }
  }

  /* ---------- transfer ---------- */
  async function openTransfer(ticket) {
    V.ticket = ticket;
    V.targets = await load("/api/v1/transfer-targets");
    $("op-transfer-title").textContent = K.t("Transfer %(number)s", { number: ticket.number });
    $("op-transfer-search").value = "";
    $("op-transfer-note").value = "";
    $("op-transfer-first").checked = false;
    $("op-transfer-reason").value = "";
    $("op-transfer-why").hidden = true;
    setKind("service");
    D().openDialog("op-transfer");
    $("op-transfer-search").focus();
  }

  function setKind(kind) {
    V.kind = kind;
    document.querySelectorAll("#op-transfer-kinds input").forEach((input) => { input.checked = input.value === kind; });
    const legends = { service: "Service", desk: "Desk", user: "Specialist" };
    $("op-transfer-legend").textContent = K.t(legends[kind]);
    drawTargets();
  }

  function option(value, parts, extra) {
    const label = D().el("label", "op-choice");
    const input = D().el("input");
    input.type = "radio";
    input.name = "target";
    input.value = value;
    label.append(input, ...parts);
    if (extra) label.append(D().el("span", "op-muted", extra));
    return label;
  }

  function serviceChoices(query) {
    const S = D().S;
    const order = collator();
    const groups = new Map();
    S.snap.services.filter((s) => s.active && s.id !== V.ticket.service_id).forEach((service) => {
      const body = bodyName(service);
      // Found by its name or body in any of the three languages (a clerk may type Russian on a Kazakh screen).
      const text = folded([service.prefix, service.name_kk, service.name_ru, service.name_en, service.group_kk,
        service.group_ru, service.group_en].join(" "));
      if (query && !text.includes(query)) return;
      if (!groups.has(body)) groups.set(body, []);
      groups.get(body).push(service);
    });
    const box = [];
    [...groups.keys()].sort((a, b) => (!a) - (!b) || order.compare(a, b)).forEach((body) => {
      const group = D().el("div", "op-group");
      group.setAttribute("role", "group");
      const heading = D().el("div", "op-group-name", body || K.t("Other services"));
      heading.id = "op-group-" + box.length;
      group.setAttribute("aria-labelledby", heading.id);
      group.append(heading);
      groups.get(body).sort((a, b) => order.compare(D().serviceName(a), D().serviceName(b))).forEach((service) => {
        group.append(option(service.id, [D().el("span", "op-prefix", service.prefix),
          D().el("span", "op-choice-name", D().serviceName(service))], K.t("waiting: %(n)s", { n: service.waiting })));
      });
      box.push(group);
    });
    return box;
  }

  function deskBodies(desk) {
    return desk.bodies.map((b) => b[K.lang] || b.kk).filter(Boolean).join(" · ");
  }

  function deskChoices(query) {
    const S = D().S;
    const order = collator();
    return (V.targets ? V.targets.desks : []).filter((d) => d.id !== S.deskId)
      .filter((d) => !query || folded([D().deskLabel(d.name), d.name,
        ...d.bodies.map((b) => [b.kk, b.ru, b.en].join(" "))].join(" ")).includes(query))
      .sort((a, b) => order.compare(a.name, b.name))
      .map((desk) => {
        const name = D().el("span", "op-choice-name");
        name.append(D().el("strong", null, D().deskLabel(desk.name)), D().el("span", "op-choice-body", deskBodies(desk)));
        return option(desk.id, [name], desk.paused ? K.t("Paused") : "");
      });
  }

  function userChoices(query) {
    const S = D().S;
    const order = collator();
    return (V.targets ? V.targets.specialists : []).filter((u) => !S.user || u.id !== S.user.id)
      .filter((u) => !query || folded(personName(u) + " " + u.username).includes(query))
      .sort((a, b) => order.compare(personName(a), personName(b)))
      .map((user) => option(user.id, [D().el("span", "op-choice-name", personName(user))],
        user.at_desk ? D().deskLabel(user.at_desk) : ""));
  }

  function drawTargets() {
    const box = $("op-transfer-services");
    box.querySelectorAll(".op-choice, .op-group").forEach((n) => n.remove());
    const query = folded($("op-transfer-search").value.trim());
    const made = { service: serviceChoices, desk: deskChoices, user: userChoices }[V.kind](query);
    box.append(...made);
    $("op-transfer-none").hidden = made.length > 0;
  }

  async function submitTransfer(event) {
    event.preventDefault();
    const chosen = document.querySelector("#op-transfer-services input:checked");
    const error = $("op-transfer-error");
    if (!chosen) {
      const ask = { service: "Choose a service.", desk: "Choose a desk.", user: "Choose a specialist." }[V.kind];
      return D().showDialogError(K.t(ask), "error", error);
    }
    const body = { [V.kind]: Number(chosen.value), first: $("op-transfer-first").checked };
    const note = $("op-transfer-note").value.trim();
    if (note) body.note = note;
    if (body.first) {
      // Every jump has a reason: putting a visitor first is kept in the log with why.
      body.reason = $("op-transfer-reason").value.trim();
      if (!body.reason) {
        D().showDialogError(K.t("Write the reason."), "error", error);
        $("op-transfer-reason").focus();
        return;
      }
    }
    const answer = await D().send("transfer", "/api/v1/tickets/" + V.ticket.id + "/transfer", body, error);
    if (answer && answer.status < 400) $("op-transfer").close();
  }

  /* What the message after a transfer names: the service, the desk or the specialist. */
  function sentTo(body) {
    if (body.desk) {
      const desk = (V.targets ? V.targets.desks : []).find((d) => d.id === body.desk);
      return desk ? D().deskLabel(desk.name) : "";
    }
    if (body.user) {
      const user = (V.targets ? V.targets.specialists : []).find((u) => u.id === body.user);
      return user ? personName(user) : "";
    }
    return D().serviceName(D().serviceById(body.service));
  }

  /* ---------- finish with the visit's outcome ---------- */
  async function openFinish(ticket) {
    V.ticket = ticket;
    if (!V.outcomes) {
      const data = await load("/api/v1/outcomes");
      V.outcomes = data ? data.outcomes : [];
    }
    $("op-finish-title").textContent = K.t("Finish %(number)s", { number: ticket.number });
    const box = $("op-finish-outcomes");
    box.querySelectorAll(".op-choice").forEach((n) => n.remove());
    V.outcomes.filter((o) => o.active).forEach((outcome) => {
      const label = option(outcome.id, [D().el("span", "op-choice-name", outcome["name_" + K.lang] || outcome.name_kk)]);
      label.querySelector("input").name = "outcome";
      box.append(label);
    });
    const services = $("op-finish-services");
    services.querySelectorAll(".op-check").forEach((n) => n.remove());
    const order = collator();
    D().S.snap.services.filter((s) => s.active && s.id !== ticket.service_id)
      .sort((a, b) => order.compare(D().serviceName(a), D().serviceName(b))).forEach((service) => {
        const label = D().el("label", "op-check");
        const input = D().el("input");
        input.type = "checkbox";
        input.value = service.id;
        label.append(input, D().el("span", "op-prefix", service.prefix), D().el("span", null, D().serviceName(service)));
        services.append(label);
      });
    $("op-finish-more").open = false;
    $("op-finish-note").value = "";
    D().openDialog("op-finish");
    const first = box.querySelector("input");
    if (first) first.focus();
  }

  async function submitFinish(event) {
    event.preventDefault();
    const error = $("op-finish-error");
    const chosen = document.querySelector("#op-finish-outcomes input:checked");
    const body = {};
    if (V.outcomes.length) {
      if (!chosen) return D().showDialogError(K.t("Choose what the visit came to."), "error", error);
      body.outcome = Number(chosen.value);
      body.services = [...document.querySelectorAll("#op-finish-services input:checked")].map((i) => Number(i.value));
      const note = $("op-finish-note").value.trim();
      if (note) body.note = note;
    }
    const answer = await D().send("finish", "/api/v1/tickets/" + V.ticket.id + "/finish", body, error);
    if (answer && answer.status < 400) $("op-finish").close();
  }

  /* ---------- the visitor's phone for SMS (#18: only when the office can text) ---------- */
  async function checkSms(ticket) {
    if (!ticket || V.sms[ticket.id] !== undefined) return;
    V.sms[ticket.id] = null;   // asked once per ticket
    const data = await load("/api/v1/tickets/" + ticket.id + "/phone");
    V.sms[ticket.id] = data || { sms: false };
    D().rerender();
  }

  function smsOffered(ticket) {
    const known = ticket && V.sms[ticket.id];
    return Boolean(known && known.sms);
  }

  function openSms(ticket) {
    V.smsTicket = ticket;
    const known = V.sms[ticket.id] || {};
    $("op-sms-title").textContent = known.phone_ends
      ? K.t("SMS for %(number)s: the number ends in …%(end)s", { number: ticket.number, end: known.phone_ends })
      : K.t("SMS for %(number)s", { number: ticket.number });
    $("op-sms-phone").value = "";
    D().openDialog("op-sms");
    $("op-sms-phone").focus();
  }

  async function submitSms(event) {
    event.preventDefault();
    const error = $("op-sms-error");
    const phone = $("op-sms-phone").value.trim();
    if (!phone) return D().showDialogError(K.t("Check the phone number."), "error", error);
    const answer = await D().send("sms", "/api/v1/tickets/" + V.smsTicket.id + "/phone", { phone }, error);
    $("op-sms-phone").value = "";     // never kept on the screen
    if (answer && answer.status < 400) {
      V.sms[V.smsTicket.id] = { sms: true, phone_ends: phone.replace(/\D/g, "").slice(-2) };
      $("op-sms").close();
      D().message(K.t("%(number)s will get SMS updates.", { number: V.smsTicket.number }));
    }
  }

  /* ---------- on the desk's card ---------- */
  function render(state) {
    const S = D().S;
    const current = S.snap && S.snap.current;
    const received = $("op-received");
    const transfer = current && (state === "called" || state === "serving") ? current.transfer : null;
    received.hidden = !transfer || !transfer.from_desk;
    if (!received.hidden) {
      const from = K.t("Transferred from desk %(desk)s", { desk: transfer.from_desk });
      received.textContent = transfer.note ? from + ": " + transfer.note : from;
    }
    if (current && (state === "called" || state === "serving")) checkSms(current);
    tick();
  }

  function tick() {
    const S = D().S;
    const box = $("op-paused-for");
    const desk = S.snap && S.snap.desk;
    const paused = Boolean(desk && desk.paused && desk.paused_at);
    box.hidden = !paused;
    if (paused) box.textContent = K.t("Paused for: %(time)s", { time: D().clock(D().since(desk.paused_at)) });
  }

  /* ---------- wiring ---------- */
  document.querySelectorAll("#op-transfer-kinds input").forEach((input) => {
    input.addEventListener("change", () => setKind(input.value));
  });
  $("op-transfer-search").addEventListener("input", drawTargets);
  $("op-transfer-form").addEventListener("submit", submitTransfer);
  $("op-transfer-first").addEventListener("change", () => {
    $("op-transfer-why").hidden = !$("op-transfer-first").checked;
    if ($("op-transfer-first").checked) $("op-transfer-reason").focus();
  });
  $("op-finish-form").addEventListener("submit", submitFinish);
  // An error said about an earlier try goes once the operator changes something.
  ["op-finish", "op-sms", "op-transfer"].forEach((id) => {
    $(id).addEventListener("input", () => { $(id).querySelectorAll(".op-error").forEach((p) => { p.hidden = true; }); });
  });
  $("op-sms-form").addEventListener("submit", submitSms);
  setInterval(tick, 1000);

  window.KezekVisit = { transfer: openTransfer, finish: openFinish, sms: openSms, smsOffered, sentTo, render,
    forgetOutcomes: () => { V.outcomes = null; } };
})();
