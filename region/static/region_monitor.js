/* The regional monitor (region admins): every office now, pushed over Socket.IO after changes (`region.monitor`,
   coalesced by the server); polled every 5 s only while that connection is down; reports across offices below. */
(function () {
  "use strict";
  let now = null, report = null, receivedAt = 0, socket = null, poller = null;

  /* The longest wait goes on growing between pushes: counted on from when the figures came. */
  function longest(o) {
    if (!o.waiting || o.longest_wait_s === null || o.longest_wait_s === undefined) return o.longest_wait_s;
    return o.longest_wait_s + Math.max(0, (Date.now() - receivedAt) / 1000);
  }

  const PRINTER_STATES = { paper_out: "Out of paper", paper_low: "Paper low", cover_open: "Cover open",
                           offline: "Offline", error: "Error" };

  function printers(o) {
    if (!o.printers_trouble.length) return Region.cell(Kezek.t("none"));
    return Region.cell(o.printers_trouble.map((p) => p.name + ": " + Kezek.t(PRINTER_STATES[p.state] || "Error")).join(", "),
                       "trouble");
  }

  function renderNow() {
    if (!now) return;
    document.getElementById("mon-rows").replaceChildren(...now.offices.map((o) => {
      const tr = document.createElement("tr");
      tr.append(Region.officeCell(o, "/admin/?office=" + encodeURIComponent(o.id)),
                Region.cell(String(o.waiting), "num"),
                Region.cell(Region.minutes(longest(o)), "num" + (longest(o) > now.norm_s ? " trouble" : "")),
                Region.cell(o.open_desks + " / " + o.desks, "num"), Region.cell(String(o.served_today), "num"),
                Region.cell(Region.share(o.within_norm), "num"), Region.cell(String(o.kiosks), "num"), printers(o));
      return tr;
    }));
    const t = now.totals, tr = document.createElement("tr");
    const longestNow = Math.max(0, ...now.offices.map((o) => longest(o) || 0));
    tr.append(Region.cell(Kezek.t("Total")), Region.cell(String(t.waiting), "num"),
              Region.cell(Region.minutes(t.waiting ? longestNow : t.longest_wait_s), "num"), Region.cell(String(t.open_desks), "num"),
              Region.cell(String(t.served_today), "num"), Region.cell(Region.share(t.within_norm), "num"),
              Region.cell(""), Region.cell(String(t.printers_trouble)));
    document.getElementById("mon-totals").replaceChildren(tr);
    Region.updated(now.at);
  }

  function renderReport() {
    if (!report) return;
    const line = (first, r) => {
      const tr = document.createElement("tr");
      tr.append(first, Region.cell(String(r.issued), "num"), Region.cell(String(r.served), "num"),
                Region.cell(String(r.no_show), "num"), Region.cell(Region.minutes(r.wait_mean_s), "num"));
      return tr;
    };
    document.getElementById("rep-rows").replaceChildren(...report.by_office.map((o) => line(Region.officeCell(o), o)));
    document.getElementById("rep-totals").replaceChildren(line(Region.cell(Kezek.t("Total")), report.totals));
  }

  function render() { renderNow(); renderReport(); }

  function accept(data) {
    now = data;
    receivedAt = Date.now();
    document.getElementById("now").hidden = document.getElementById("reports").hidden = false;
    renderNow();
    // The period starts as today in the offices' own calendar (not the browser's: UTC+5 is a day ahead at night).
    if (!form.elements.from.value && now.offices.length) form.elements.from.value = form.elements.to.value = now.offices[0].day;
  }

  /* Polling, only while the live connection is down (and at the start, which says whether to sign in). */
  async function refresh() {
    let answer;
    try { answer = await Kezek.api("GET", "/api/v1/region/monitor"); } catch (e) { return; }
    document.getElementById("signin").hidden = answer.status !== 401;
    document.getElementById("refused").hidden = answer.status !== 403;
    const ok = answer.status === 200;
    document.getElementById("now").hidden = !ok;
    document.getElementById("reports").hidden = !ok;
    if (!ok) {   // signed out or not a region admin: look again every 5 s (a sign-in in another tab)
      if (!poller) poller = setInterval(refresh, 5000);
      return;
    }
    accept(answer.data);
    if (!socket) {
      socket = Kezek.connect({ screen: "region-monitor" }, { snapshot: accept, "region.monitor": accept }, (online) => {
        if (online && poller) { clearInterval(poller); poller = null; }
        if (!online && !poller) poller = setInterval(refresh, 5000);
      });
    } else if (!socket.connected && !socket.active) {
      socket.connect();    // refused or dropped by the server (signed in again since): live again
    }
  }

  const form = document.getElementById("period");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const q = "?from=" + form.elements.from.value + "&to=" + form.elements.to.value;
    const answer = await Kezek.api("GET", "/api/v1/region/stats" + q);
    if (answer.status === 200) { report = answer.data; renderReport(); }
  });

  Region.languages(render);
  refresh().then(() => { if (!document.getElementById("reports").hidden) form.requestSubmit(); });
  setInterval(renderNow, 15000);    // the longest waits, counted on
})();
