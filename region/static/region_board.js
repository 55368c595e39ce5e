/* The regional open board: every office's waiting count, today's mean wait and served count (numbers only). */
(function () {
  "use strict";
  let data = null;

  function render() {
    if (!data) return;
    const rows = data.offices.map((o) => {
      const tr = document.createElement("tr");
      tr.append(Region.officeCell(o, "/board/" + encodeURIComponent(o.id)),
                Region.cell(String(o.waiting), "num"), Region.cell(Region.minutes(o.wait_mean_s), "num"),
                Region.cell(String(o.served), "num"));
      return tr;
    });
    document.getElementById("rows").replaceChildren(...rows);
    const total = document.createElement("tr");
    const label = document.createElement("td");
    label.textContent = Kezek.t("Total");
    total.append(label, Region.cell(String(data.offices.reduce((n, o) => n + o.waiting, 0)), "num"), Region.cell(""),
                 Region.cell(String(data.offices.reduce((n, o) => n + o.served, 0)), "num"));
    document.getElementById("totals").replaceChildren(total);
    Region.updated(data.at);
  }

  async function refresh() {
    try {
      const answer = await Kezek.api("GET", "/api/v1/region/board");
      if (answer.status === 200) { data = answer.data; render(); }
    } catch (e) { /* offline: the banner says so; the next round refetches */ }
  }

  Region.languages(render);
  refresh();
  setInterval(refresh, 15000);
})();
