/* How visitors find a service on the kiosk (docs/kiosk.md): a service's search words and the other bodies it is
   also listed under, and the office's "most asked" list. Loads when the Services tab opens; the server's
   refusal is shown at its field. */
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const t = (msg, values) => Kezek.t(msg, values);
  let office = null;
  let services = [];
  let catalogue = { synonyms: {}, bodies: {}, most_asked: [] };

  async function call(method, path, body) {
    try { return await Kezek.api(method, path, body); } catch (e) { return { status: 0, data: null }; }
  }

  const q = () => "?office=" + encodeURIComponent(office.id);

  function say(form, r, fields) {
    form.querySelectorAll("[data-error-for]").forEach((em) => { em.textContent = ""; });
    const status = form.querySelector("[data-status]");
    if (r.status === 200) { status.textContent = t("Saved."); return true; }
    const error = (r.data && r.data.error) || { message: t("Something went wrong. Please try again.") };
    const field = error.details && error.details.field;
    const at = form.querySelector(`[data-error-for="${fields.includes(field) ? field : fields[0]}"]`);
    at.textContent = error.message;
    status.textContent = "";
    return false;
  }

  function fill() {
    const form = $("kiosk-words-form");
    const id = $("kf-service").value;
    form.elements.synonyms.value = (catalogue.synonyms[id] || []).join("\n");
    form.elements.bodies.value = (catalogue.bodies[id] || []).map((b) => [b.group_kk, b.group_ru, b.group_en].join(" | ")).join("\n");
  }

  function fillTop() {
    const byId = new Map(services.map((s) => [s.id, s.prefix]));
    $("kiosk-top-form").elements.prefixes.value = catalogue.most_asked.map((i) => byId.get(i)).filter(Boolean).join(" ");
  }

  /* Read the office's services and catalogue; `what` says which form to fill again (the other may be in hand). */
  async function load(what) {
    const offices = await call("GET", "/api/v1/offices");
    if (offices.status !== 200 || !offices.data.offices.length) return;
    office = offices.data.offices[0];
    const [list, found] = await Promise.all([call("GET", "/api/v1/services" + q()), call("GET", "/api/v1/kiosk/catalogue" + q())]);
    if (list.status !== 200 || found.status !== 200) return;
    services = list.data.services;
    catalogue = found.data;
    const select = $("kf-service");
    const chosen = select.value;
    select.textContent = "";
    services.forEach((s) => {
      const option = document.createElement("option");
      option.value = String(s.id);
      option.textContent = s.prefix + " — " + (s["name_" + Kezek.lang] || s.name_kk);
      select.appendChild(option);
    });
    if (chosen) select.value = chosen;
    $("kiosk-finding").hidden = false;
    if (what !== "top") fill();
    if (what !== "words") fillTop();
  }

  async function saveWords(event) {
    event.preventDefault();
    const form = event.target;
    const id = $("kf-service").value;
    const synonyms = form.elements.synonyms.value.split("\n").map((w) => w.trim()).filter(Boolean);
    const bodies = form.elements.bodies.value.split("\n").map((l) => l.trim()).filter(Boolean).map((line) => {
      const [kk, ru, en] = line.split("|").map((x) => (x || "").trim());
      return { group_kk: kk, group_ru: ru || kk, group_en: en || ru || kk };
    });
    let r = await call("PUT", `/api/v1/services/${id}/synonyms` + q(), { synonyms });
    if (!say(form, r, ["synonyms"])) return;
    r = await call("PUT", `/api/v1/services/${id}/bodies` + q(), { bodies });
    if (say(form, r, ["bodies"])) await load("words");
  }

  async function saveTop(event) {
    event.preventDefault();
    const form = event.target;
    const byPrefix = new Map(services.map((s) => [s.prefix.toUpperCase(), s.id]));
    const words = form.elements.prefixes.value.split(/[\s,]+/).filter(Boolean);
    const unknown = words.filter((w) => !byPrefix.has(w.toUpperCase()));
    if (unknown.length) {
      say(form, { status: 422, data: { error: { message: t("Unknown prefixes: %(list)s", { list: unknown.join(" ") }),
        details: { field: "service_ids" } } } }, ["service_ids"]);
      return;
    }
    const r = await call("PUT", "/api/v1/kiosk/most-asked" + q(), { service_ids: words.map((w) => byPrefix.get(w.toUpperCase())) });
    if (say(form, r, ["service_ids"])) await load("top");
  }

  $("kf-service").addEventListener("change", fill);
  $("kiosk-words-form").addEventListener("submit", saveWords);
  $("kiosk-top-form").addEventListener("submit", saveTop);
  const tab = document.querySelector('[data-tab="services"]');
  if (tab) tab.addEventListener("click", () => load());
})();
