/* The admin screen's log card (Reports): the day's closing checkpoint of the office's log, or the
   latest while the day is open, and printing it on a kiosk's printer for the notice board.
   admin.js calls AdminLog.report(office, report) with each report it shows. */
window.AdminLog = (function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const t = (msg, values) => Kezek.t(msg, values);
  const S = { office: null, checkpoint: null };

  async function call(method, path, body) {
    try {
      return await Kezek.api(method, path, body);
    } catch (e) {
      return { status: 0, data: { error: { code: "offline", message: "offline" } } };
    }
  }

  async function kiosks() {
    const answer = await call("GET", "/api/v1/devices?office=" + encodeURIComponent(S.office.id));
    const list = answer.status === 200 ? (answer.data.devices || []) : [];
    return list.filter((d) => d.kind === "kiosk" && !d.revoked_at);
  }

  async function report(office, data) {
    S.office = office;
    const cp = data.checkpoint || data.latest_checkpoint || null;
    S.checkpoint = cp;
    $("log-title").textContent = t(data.checkpoint ? "The day's closing checkpoint"
                                                   : "The latest checkpoint (the day is not closed yet)");
    $("log-none").hidden = !!cp;
    $("log-body").hidden = !cp;
    $("log-result").textContent = "";
    if (!cp) return;
    $("log-size").textContent = t("Entries: %(size)s", { size: cp.size });
    $("log-root").textContent = cp.root;
    $("log-note").textContent = cp.note;
    const select = $("log-kiosk");
    const found = await kiosks();
    select.replaceChildren(...found.map((d) => {
      const option = document.createElement("option");
      option.value = d.id;
      option.textContent = d.name;
      return option;
    }));
    $("log-print").disabled = !found.length;
  }

  async function print() {
    const body = { device: Number($("log-kiosk").value) };
    if (S.checkpoint && S.checkpoint.day) body.day = S.checkpoint.day;
    const answer = await call("POST", "/api/v1/log/print?office=" + encodeURIComponent(S.office.id), body);
    const out = $("log-result");
    if (answer.status === 200 && answer.data.printed) {
      out.textContent = t("Sent to the printer.");
    } else {
      const reason = answer.status === 200 ? answer.data.detail : (answer.data.error || {}).message;
      out.textContent = t("Not printed: %(reason)s", { reason: reason || answer.status });
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const button = $("log-print");
    if (button) button.addEventListener("click", print);
  });
  return { report };
})();
