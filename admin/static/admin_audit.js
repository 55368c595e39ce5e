/* The audit log's rows in words (the server's `words`: kezek/log/audit_words.py), the raw entry one click away. */
window.AdminAudit = (function () {
  "use strict";
  const t = (msg, values) => Kezek.t(msg, values);
  const { cell } = AdminDom;
  const EFFECT_NOTES = { put_first_call: "put first in line", transfer_first: "put first in line",
                         appointment: "booked", late_booking: "booked too late: queued as a walk-in" };
  const RAW = ["id", "at", "name", "ticket_id", "service_id", "desk_id", "user_id", "device_id", "details"];

  /* The entry as the log holds it: UTC time, ids, the details' keys. */
  function raw(e) {
    const box = document.createElement("details");
    box.className = "ad-raw";
    const summary = document.createElement("summary");
    summary.textContent = t("Raw entry");
    const pre = document.createElement("pre");
    pre.textContent = JSON.stringify(Object.fromEntries(RAW.map((k) => [k, e[k]])), null, 1);
    box.append(summary, pre);
    return box;
  }

  function row(e) {
    const tr = document.createElement("tr");
    const w = e.words || { at: e.at, what: e.name, details: [] };
    if (e.effect) tr.className = "ad-notable";   // what the event did to the order (kezek/log/audit.py)
    let what = w.what;
    if (EFFECT_NOTES[e.effect]) what += " · " + t(EFFECT_NOTES[e.effect]);
    const details = document.createElement("div");
    const list = document.createElement("dl");
    list.className = "ad-facts";
    w.details.forEach(([label, value]) => {
      const dt = document.createElement("dt");
      dt.textContent = label;
      const dd = document.createElement("dd");
      dd.textContent = value;
      list.append(dt, dd);
    });
    details.append(list, raw(e));
    tr.append(cell(w.at), cell(what), cell(e.number || "—", "ad-number"), cell(e.desk || "—"),
              cell(e.full_name || e.username || e.device || "—"), cell(details));
    return tr;
  }
  return { row };
})();
