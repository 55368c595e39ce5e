/* The kiosk's "i": on each service card that has a description or documents, a button that opens what to bring
   (kezek_service_info.js) without taking a ticket. The buttons sit over the cards' corners, beside them in the
   page (a button inside the card's button would be one control in another); the dialog closes on any screen
   change, the idle reset included. */
(function () {
  "use strict";
  const TOKEN_KEY = "kezek.kiosk.token";
  const root = document.getElementById("kiosk");
  if (!root || !window.KezekServiceInfo) return;
  const infos = new Map();
  const dialog = document.createElement("div");
  dialog.className = "kinfo-dialog";
  dialog.id = "kiosk-info";
  dialog.setAttribute("role", "dialog");
  dialog.setAttribute("aria-modal", "true");
  dialog.hidden = true;
  const box = document.createElement("div");
  box.className = "kinfo-box";
  const title = document.createElement("h2");
  title.className = "kinfo-service";
  title.id = "kiosk-info-service";
  const body = document.createElement("section");
  body.className = "kinfo-body";
  body.id = "kiosk-info-body";
  const close = document.createElement("button");
  close.type = "button";
  close.className = "btn kinfo-close";
  close.id = "kiosk-info-close";
  box.append(title, body, close);
  dialog.append(box);
  dialog.setAttribute("aria-labelledby", title.id);
  root.append(dialog);
  let opener = null;

  const name = (info) => (info.name && (info.name[Kezek.lang] || info.name.kk)) || "";

  function open(info, from) {
    opener = from;
    title.textContent = info.prefix + " · " + name(info);
    KezekServiceInfo.fill(body, info);
    close.textContent = Kezek.t("Close");
    dialog.hidden = false;
    close.focus();
  }

  function shut() {
    if (dialog.hidden) return;
    dialog.hidden = true;
    if (opener && opener.isConnected) opener.focus();
  }

  close.addEventListener("click", (event) => { event.stopPropagation(); shut(); });
  dialog.addEventListener("click", (event) => { event.stopPropagation(); if (event.target === dialog) shut(); });
  new MutationObserver(shut).observe(root, { attributes: true, attributeFilter: ["data-screen"] });

  /* One "i" per card with information, placed over the card's top right corner. */
  function place() {
    ["services", "search-results"].forEach((id) => {
      const grid = document.getElementById(id);
      if (!grid) return;
      grid.classList.add("kinfo-grid");
      grid.querySelectorAll(":scope > .kinfo-button").forEach((b) => b.remove());
      grid.querySelectorAll(":scope > .service[data-service-id]").forEach((card) => {
        const info = infos.get(card.dataset.serviceId);
        card.classList.toggle("kinfo-card", Boolean(info));
        if (!info) return;
        const button = document.createElement("button");
        button.type = "button";
        button.className = "kinfo-button";
        button.dataset.infoFor = card.dataset.serviceId;
        const glyph = document.createElement("span");   // its own size: the cards' fitting shrinks the grid's children
        glyph.className = "kinfo-glyph";
        glyph.setAttribute("aria-hidden", "true");
        glyph.textContent = "i";
        button.append(glyph);
        button.setAttribute("aria-label", Kezek.t("About this service: %(name)s", { name: name(info) }));
        button.style.top = card.offsetTop + "px";
        button.style.left = (card.offsetLeft + card.offsetWidth) + "px";
        button.addEventListener("click", (event) => { event.stopPropagation(); open(info, button); });
        card.after(button);
      });
    });
  }

  let pending = false;
  function placeSoon() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; observer.disconnect(); place(); watchGrids(); });
  }
  const observer = new MutationObserver(placeSoon);
  function watchGrids() {
    ["services", "search-results"].forEach((id) => {
      const grid = document.getElementById(id);
      if (grid) observer.observe(grid, { childList: true });
    });
  }

  async function load() {
    let token = null;
    try { token = localStorage.getItem(TOKEN_KEY); } catch (e) { token = null; }
    try {
      const answer = await Kezek.api("GET", "/api/v1/services/info", undefined, { token });
      if (answer.status !== 200 || !answer.data) return;
      infos.clear();
      (answer.data.services || []).forEach((info) => infos.set(String(info.service_id), info));
      placeSoon();
    } catch (e) { /* offline: the cards stay as they are */ }
  }

  watchGrids();
  window.addEventListener("resize", placeSoon);
  new MutationObserver(placeSoon).observe(root, { attributes: true, attributeFilter: ["data-screen", "lang"] });
  load();
  setInterval(load, 5 * 60 * 1000);
  window.kezekKioskInfo = { open: (id) => infos.has(String(id)) && open(infos.get(String(id)), null), shut };
})();
