/* What the region's two pages share: cells, minutes, an office's name in the chosen language, the language buttons. */
(function () {
  "use strict";
  const Region = {};

  Region.minutes = function (seconds) {
    if (seconds === null || seconds === undefined) return "—";
    if (seconds < 60) return Kezek.t("%(n)s min", { n: "< 1" });
    return Kezek.t("%(n)s min", { n: Math.round(seconds / 60) });
  };

  Region.share = function (value) {
    return value === null || value === undefined ? "—" : Math.round(value * 100) + " %";
  };

  Region.cell = function (text, cls) {
    const td = document.createElement("td");
    if (cls) td.className = cls;
    td.textContent = text;
    return td;
  };

  /* The office's name (a link when `href`), with a "Closed" tag for an office the region closed. */
  Region.officeCell = function (office, href) {
    const th = document.createElement("th");
    th.scope = "row";
    const name = office["name_" + Kezek.lang] || office.name_kk;
    if (href) {
      const a = document.createElement("a");
      a.href = href;
      a.textContent = name;
      th.append(a);
    } else {
      th.textContent = name;
    }
    if (office.closed) {
      const tag = document.createElement("span");
      tag.className = "closed-tag";
      tag.textContent = Kezek.t("Closed");
      th.append(tag);
    }
    return th;
  };

  Region.updated = function (at) {
    const time = new Date(at).toLocaleTimeString(Kezek.lang === "en" ? "en-GB" : Kezek.lang, { hour: "2-digit", minute: "2-digit" });
    document.getElementById("updated").textContent = Kezek.t("Updated at %(time)s", { time });
  };

  Region.languages = function (render) {
    document.querySelectorAll(".langs button").forEach((b) => {
      b.setAttribute("aria-pressed", String(b.dataset.lang === Kezek.lang));
      b.addEventListener("click", () => {
        Kezek.setLang(b.dataset.lang);
        document.querySelectorAll(".langs button").forEach((o) => o.setAttribute("aria-pressed", String(o === b)));
        render();
      });
    });
  };

  window.Region = Region;
})();
