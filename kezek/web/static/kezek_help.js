/* Staff screens (operator desk, admin monitor): a kiosk's "I need help" as a banner that stays until someone answers. */
(function () {
  "use strict";
  const calls = new Map();
  let officeOf = () => null;
  let box = null;

  function banner() {
    if (!box) {
      box = document.createElement("div");
      box.id = "help-calls";
      box.className = "kezek-help";
      box.setAttribute("role", "alert");
      document.body.prepend(box);
    }
    return box;
  }

  function render() {
    const el = banner();
    el.textContent = "";
    el.hidden = calls.size === 0;
    calls.forEach((call) => {
      const row = document.createElement("p");
      row.className = "kezek-help-call";
      row.dataset.call = String(call.id);
      const text = document.createElement("span");
      text.textContent = Kezek.t("%(kiosk)s: a visitor needs help", { kiosk: call.kiosk });
      const go = document.createElement("button");
      go.type = "button";
      go.className = "kezek-help-go";
      go.textContent = Kezek.t("I am going");
      go.addEventListener("click", () => acknowledge(call.id, go));
      row.append(text, go);
      el.appendChild(row);
    });
  }

  async function acknowledge(id, btn) {
    btn.disabled = true;
    const answer = await Kezek.api("POST", "/api/v1/help/" + id + "/acknowledge", {});
    if (answer.status === 200 || answer.status === 409 || answer.status === 404) calls.delete(id);
    else btn.disabled = false;
    render();
  }

  async function load() {
    const office = officeOf();
    const answer = await Kezek.api("GET", "/api/v1/help" + (office ? "?office=" + encodeURIComponent(office) : ""));
    if (answer.status !== 200) return;
    calls.clear();
    answer.data.calls.forEach((c) => calls.set(c.id, c));
    render();
  }

  /* Add the help events to a screen's Socket.IO handlers; `office` names the office shown. */
  window.KezekHelp = {
    listen(handlers, office) {
      officeOf = office || officeOf;
      const snapshot = handlers.snapshot;
      handlers.snapshot = (snap) => { load(); if (snapshot) snapshot(snap); };
      handlers["help.requested"] = (call) => { calls.set(call.id, call); render(); };
      handlers["help.acknowledged"] = (call) => { calls.delete(call.id); render(); };
      return handlers;
    },
  };
})();
