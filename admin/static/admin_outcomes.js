/* Visit outcomes (docs/operator.md): the office's list a specialist picks from when finishing a visit —
   rename in kk/ru/en, reorder, switch off, add. Loads when the Services tab opens; the server's refusal
   is shown at its field. */
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const t = (msg, values) => Kezek.t(msg, values);
  const LANGS = ["kk", "ru", "en"];
  let office = null;

  async function call(method, path, body) {
    try {
      return await Kezek.api(method, path, body);
    } catch (e) {
      return { status: 0, data: null };
    }
  }
  const refusal = (r) => (r.data && r.data.error) || { message: t("Something went wrong. Please try again.") };

  /* The server's message at the field it names (else under the row), in the error colour. */
  function showError(row, r) {
    const error = refusal(r);
    const field = error.details && error.details.field;
    row.querySelectorAll("[data-error-for]").forEach((em) => { em.textContent = ""; });
    const at = row.querySelector(`[data-error-for="${field}"]`) || row.querySelector('[data-error-for="row"]');
    at.textContent = error.message;
    const input = row.querySelector(`[name="${field}"]`);
    if (input) input.focus();
  }

  function input(name, value, label) {
    const wrap = document.createElement("label");
    wrap.className = "ad-outcome-field";
    const box = document.createElement("input");
    box.setAttribute("aria-label", label);
    box.style.width = "100%";        // whole names (CSSOM, allowed by the page's style-src)
    box.style.minWidth = "12rem";
    box.name = name;
    box.value = value || "";
    box.maxLength = 80;
    if (name.startsWith("name_")) box.lang = name.slice(5);
    const em = document.createElement("em");
    em.dataset.errorFor = name;
    wrap.append(box, em);
    return wrap;
  }

  function values(row) {
    const out = {};
    LANGS.forEach((lang) => { out["name_" + lang] = row.querySelector(`[name="name_${lang}"]`).value.trim(); });
    return out;
  }

  function outcomeRow(outcome, index) {
    const tr = document.createElement("tr");
    const names = { kk: t("Name (Kazakh)"), ru: t("Name (Russian)"), en: t("Name (English)") };
    LANGS.forEach((lang) => tr.append(AdminDom.cell(input("name_" + lang, outcome["name_" + lang], names[lang]))));
    const active = document.createElement("input");
    active.type = "checkbox";
    active.checked = outcome.active;
    active.setAttribute("aria-label", t("In use"));
    tr.append(AdminDom.cell(active));
    const actions = document.createElement("td");
    const em = document.createElement("em");
    em.dataset.errorFor = "row";
    actions.append(AdminDom.button("Save", async () => {
      const r = await call("PATCH", "/api/v1/outcomes/" + outcome.id, { ...values(tr), active: active.checked });
      if (r.status === 200) load(); else showError(tr, r);
    }));
    if (index > 0) {
      actions.append(" ", AdminDom.button("Move up", () => renumber(outcome.id, index - 1)));
    }
    actions.append(em);
    tr.append(actions);
    tr.dataset.outcome = outcome.code;
    return tr;
  }

  /* Give every outcome a distinct order, with `moved` at `place`. */
  async function renumber(moved, place) {
    const r = await call("GET", "/api/v1/outcomes?office=" + encodeURIComponent(office.id));
    if (r.status !== 200) return;
    const list = r.data.outcomes.filter((o) => o.id !== moved);
    list.splice(place, 0, r.data.outcomes.find((o) => o.id === moved));
    for (let i = 0; i < list.length; i++) {
      if (list[i].sort_order !== i) await call("PATCH", "/api/v1/outcomes/" + list[i].id, { sort_order: i });
    }
    load();
  }

  async function load() {
    const offices = await call("GET", "/api/v1/offices");
    if (offices.status !== 200 || !offices.data.offices.length) return;
    office = offices.data.offices[0];
    const r = await call("GET", "/api/v1/outcomes?office=" + encodeURIComponent(office.id));
    if (r.status !== 200) return;
    $("outcomes").hidden = false;
    const list = r.data.outcomes;
    $("o-rows").replaceChildren(...list.map((o, i) => outcomeRow(o, i)));
  }

  async function add(event) {
    event.preventDefault();
    const form = $("outcome-form");
    const r = await call("POST", "/api/v1/outcomes?office=" + encodeURIComponent(office.id), values(form));
    if (r.status === 201) {
      form.reset();
      form.querySelectorAll("[data-error-for]").forEach((em) => { em.textContent = ""; });
      load();
    } else {
      showError(form, r);
    }
  }

  $("outcome-form").addEventListener("submit", add);
  const tab = document.querySelector('[data-tab="services"]');
  if (tab) tab.addEventListener("click", load);
  window.AdminOutcomes = { load };
})();
