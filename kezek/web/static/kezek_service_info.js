/* What to bring: a service's description and documents in the page's language (GET /api/v1/services/…/info).
   KezekServiceInfo.fill(element, info) draws one; an element with class "svc-info" and data-watch="#id" shows
   the info of the service named by that element's text, again whenever it changes (a transfer, a language).
   data-office="<id>" reads the office's list; without it, data-service-id and the page's #ticket-data map. */
(function () {
  "use strict";
  const text = (values) => (values && (values[Kezek.lang] || values.kk)) || "";
  const byId = new Map();
  const lists = new Map();

  function fill(element, info) {
    element.textContent = "";
    const documents = (info && info.documents) || [];
    const about = info ? text(info.description) : "";
    if (!about && !documents.length) return false;
    // The service in a sentence, then what to bring under its heading.
    const title = document.createElement("h2");
    title.className = "svc-info-title";
    title.id = (element.id || "svc-info") + "-title";
    title.textContent = Kezek.t("What to bring");
    element.removeAttribute("aria-labelledby");
    if (about) {
      const p = document.createElement("p");
      p.className = "svc-info-about";
      p.textContent = about;
      element.append(p);
    }
    if (documents.length) {
      element.append(title);
      element.setAttribute("aria-labelledby", title.id);
      const list = document.createElement("ul");
      list.className = "svc-info-docs";
      documents.forEach((doc) => {
        const li = document.createElement("li");
        li.textContent = text(doc);
        list.append(li);
      });
      element.append(list);
    }
    return true;
  }

  async function getJson(url) {
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      return response.ok ? await response.json() : null;
    } catch (e) { return null; }
  }

  function officeList(office) {
    if (!lists.has(office)) {
      lists.set(office, getJson("/api/v1/services/info" + (office ? "?office=" + encodeURIComponent(office) : ""))
        .then((data) => (data && data.services) || []));
    }
    return lists.get(office);
  }

  function infoById(id) {
    if (!byId.has(id)) byId.set(id, getJson("/api/v1/services/" + Number(id) + "/info"));
    return byId.get(id);
  }

  const named = (names, wanted) => Object.values(names || {}).some((n) => n && n.trim() === wanted);

  async function lookUp(element, name) {
    if (element.dataset.office !== undefined) {
      return (await officeList(element.dataset.office)).find((i) => named(i.name, name)) || null;
    }
    let id = element.dataset.serviceId;
    const boot = document.getElementById("ticket-data");
    if (boot) {
      try {
        const services = JSON.parse(boot.textContent).services || {};
        const found = Object.entries(services).find(([, names]) => named(names, name));
        if (found) id = found[0];
      } catch (e) { /* the id given */ }
    }
    return id ? infoById(id) : null;
  }

  function watch(element) {
    const source = document.querySelector(element.dataset.watch);
    if (!source) return;
    let drawn = null;
    const render = async () => {
      const name = source.textContent.trim();
      const key = name + "|" + Kezek.lang;
      if (key === drawn) return;
      drawn = key;
      const info = name ? await lookUp(element, name) : null;
      if (drawn === key) element.hidden = !fill(element, info);
    };
    new MutationObserver(render).observe(source, { childList: true, characterData: true, subtree: true });
    render();
  }

  window.KezekServiceInfo = { fill, officeList };
  document.querySelectorAll(".svc-info[data-watch]").forEach(watch);
})();
