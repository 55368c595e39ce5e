/* The admin's "Hall media" tab: videos and pictures (uploaded as the request's body, checked by the server),
   playlists, each hall display's layout, the ticker's notices and each service's what to bring.
   admin.js calls AdminMedia.open(office) when the tab opens. */
window.AdminMedia = (function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const t = (msg, values) => Kezek.t(msg, values);
  const S = { office: null, media: [], playlists: [], services: [], devices: [], infos: [], items: [], notices: [] };
  const HINTS = { file: "Choose a video (MP4, WebM) or a picture (PNG, JPEG, WebP).", name: "1–80 characters.",
                  call_s: "A whole number of seconds from 3 to 120.", items: "At most 100 items, each 3 to 600 seconds.",
                  starts_at: "A date and time.", ends_at: "After the start, within a year.",
                  text_kk: "1–300 characters.", text_ru: "1–300 characters.", text_en: "1–300 characters.",
                  documents: "The same documents in each language, one a line." };
  const CODES = { file_too_large: "The file is too large for a display." };

  async function call(method, path, body) {
    try { return await Kezek.api(method, path, body); } catch (e) { return { status: 0, data: { error: { code: "offline" } } }; }
  }
  const q = () => "office=" + encodeURIComponent(S.office.id);
  const local = (row, field) => row[field + "_" + Kezek.lang] || row[field + "_kk"] || "";
  const option = (value, text) => { const o = document.createElement("option"); o.value = value; o.textContent = text; return o; };
  const saved = () => AdminErrors.notice(t("Saved."));

  /* ---- the library ---- */
  function renderMedia() {
    $("m-rows").replaceChildren(...S.media.map((m) => {
      const tr = document.createElement("tr");
      tr.append(AdminDom.cell(m.title), AdminDom.cell(t(m.kind === "video" ? "Video" : "Picture")),
                AdminDom.cell(m.width + "×" + m.height),
                AdminDom.cell(m.duration_s === null ? null : Math.round(m.duration_s), "num"),
                AdminDom.cell((m.bytes / 1048576).toFixed(1), "num"),
                AdminDom.cell(AdminDom.button("Delete", () => removeMedia(m))));
      return tr;
    }));
    $("pl-add-media").replaceChildren(option("", "—"), ...S.media.map((m) => option(m.id, m.title)));
  }

  async function upload(event) {
    event.preventDefault();
    const form = $("media-upload");
    AdminErrors.clear(form);
    const file = form.elements.file.files[0];
    if (!file) return AdminErrors.show(form, { status: 422, data: { error: { details: { field: "file" } } } }, HINTS);
    const title = form.elements.title.value.trim() || file.name;
    let answer;
    try {
      const response = await fetch("/api/v1/media?" + q() + "&title=" + encodeURIComponent(title), {
        method: "POST", body: file, credentials: "same-origin",
        headers: { "X-CSRF-Token": Kezek.csrf || "", "Content-Type": "application/octet-stream" } });
      answer = { status: response.status, data: await response.json().catch(() => null) };
    } catch (e) { answer = { status: 0, data: { error: { code: "offline" } } }; }
    if (answer.status !== 200 && answer.status !== 201) return AdminErrors.show(form, answer, HINTS, CODES);
    form.reset();
    saved();
    await loadMedia();
  }

  async function removeMedia(m) {
    const r = await call("DELETE", "/api/v1/media/" + m.id);
    if (r.status !== 200) return AdminErrors.notice(AdminErrors.words(r).text || AdminErrors.words(r).server, true);
    await load();
  }

  async function loadMedia() {
    const r = await call("GET", "/api/v1/media?" + q());
    S.media = r.status === 200 ? r.data.media : [];
    renderMedia();
  }

  /* ---- playlists ---- */
  function itemText(item) {
    if (item.media_id) {
      const m = S.media.find((x) => x.id === item.media_id);
      return m ? m.title : "?";
    }
    const s = S.services.find((x) => x.id === item.service_id);
    return t("What to bring") + ": " + (s ? s.prefix + " " + local(s, "name") : "?");
  }

  function renderItems() {
    $("pl-items").replaceChildren(...S.items.map((item, i) => {
      const li = document.createElement("li");
      const label = document.createElement("span");
      label.textContent = itemText(item);
      const seconds = document.createElement("input");
      seconds.inputMode = "numeric";
      seconds.size = 4;
      seconds.value = item.seconds;
      seconds.setAttribute("aria-label", t("Seconds on screen (pictures and slides)"));
      seconds.addEventListener("change", () => { item.seconds = Number(seconds.value); });
      const move = (d) => () => {
        const j = i + d;
        if (j < 0 || j >= S.items.length) return;
        [S.items[i], S.items[j]] = [S.items[j], S.items[i]];
        renderItems();
      };
      li.append(label, " ", seconds, " ", AdminDom.button("Up", move(-1)), AdminDom.button("Down", move(1)),
                AdminDom.button("Remove", () => { S.items.splice(i, 1); renderItems(); }));
      return li;
    }));
  }

  function choosePlaylist() {
    const p = S.playlists.find((x) => String(x.id) === $("pl-choose").value);
    $("playlist-form").elements.name.value = p ? p.name : "";
    S.items = p ? p.items.map((i) => ({ ...i })) : [];
    $("pl-delete").hidden = !p;
    renderItems();
  }

  function add(select, key) {
    if (!select.value) return;
    S.items.push({ [key]: Number(select.value), seconds: 10 });
    select.value = "";
    renderItems();
  }

  async function savePlaylist(event) {
    event.preventDefault();
    const form = $("playlist-form");
    AdminErrors.clear(form);
    const id = $("pl-choose").value;
    const items = S.items.map((i) => (i.media_id ? { media_id: i.media_id, seconds: i.seconds }
                                                 : { service_id: i.service_id, seconds: i.seconds }));
    const body = { name: form.elements.name.value, items };
    const r = id ? await call("PATCH", "/api/v1/playlists/" + id, body) : await call("POST", "/api/v1/playlists?" + q(), body);
    if (r.status !== 200 && r.status !== 201) return AdminErrors.show(form, r, HINTS);
    saved();
    await loadPlaylists(r.data.id);
  }

  async function deletePlaylist() {
    const id = $("pl-choose").value;
    if (!id) return;
    const r = await call("DELETE", "/api/v1/playlists/" + id);
    if (r.status !== 200) return AdminErrors.show($("playlist-form"), r, HINTS);
    await loadPlaylists("");
  }

  async function loadPlaylists(chosen) {
    const r = await call("GET", "/api/v1/playlists?" + q());
    S.playlists = r.status === 200 ? r.data.playlists : [];
    $("pl-choose").replaceChildren(option("", t("New playlist")), ...S.playlists.map((p) => option(p.id, p.name)));
    $("pl-choose").value = chosen === undefined ? $("pl-choose").value : String(chosen || "");
    $("ly-playlist").replaceChildren(option("", t("None")), ...S.playlists.map((p) => option(p.id, p.name)));
    choosePlaylist();
    await chooseDisplay();
  }

  /* ---- each display's layout ---- */
  async function chooseDisplay() {
    const id = $("ly-device").value;
    if (!id) return;
    const r = await call("GET", "/api/v1/devices/" + id + "/media");
    if (r.status !== 200) return;
    const form = $("layout-form");
    form.elements.layout.value = r.data.layout;
    form.elements.playlist_id.value = r.data.playlist_id === null ? "" : String(r.data.playlist_id);
    form.elements.call_s.value = r.data.call_s;
  }

  async function saveLayout(event) {
    event.preventDefault();
    const form = $("layout-form");
    AdminErrors.clear(form);
    const callS = Number(form.elements.call_s.value);
    const body = { layout: form.elements.layout.value, call_s: Number.isInteger(callS) ? callS : form.elements.call_s.value,
                   playlist_id: form.elements.playlist_id.value ? Number(form.elements.playlist_id.value) : null };
    const r = await call("PUT", "/api/v1/devices/" + $("ly-device").value + "/media", body);
    if (r.status !== 200) return AdminErrors.show(form, r, HINTS);
    saved();
  }

  /* ---- notices ---- */
  function officeTime(iso) {
    return new Date(iso).toLocaleString("en-GB", { timeZone: S.office.timezone || "Asia/Almaty", day: "2-digit",
      month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit" });
  }

  function renderNotices() {
    $("n-rows").replaceChildren(...S.notices.map((n) => {
      const tr = document.createElement("tr");
      tr.append(AdminDom.cell(local(n, "text")), AdminDom.cell(officeTime(n.starts_at)), AdminDom.cell(officeTime(n.ends_at)),
                AdminDom.cell(AdminDom.button("Delete", async () => {
                  await call("DELETE", "/api/v1/notices/" + n.id);
                  await loadNotices();
                })));
      return tr;
    }));
  }

  async function loadNotices() {
    const r = await call("GET", "/api/v1/notices?" + q());
    S.notices = r.status === 200 ? r.data.notices : [];
    renderNotices();
  }

  async function addNotice(event) {
    event.preventDefault();
    const form = $("notice-form");
    AdminErrors.clear(form);
    const body = {};
    ["text_kk", "text_ru", "text_en", "starts_at", "ends_at"].forEach((k) => { body[k] = form.elements[k].value; });
    const r = await call("POST", "/api/v1/notices?" + q(), body);
    if (r.status !== 201) return AdminErrors.show(form, r, HINTS);
    form.reset();
    saved();
    await loadNotices();
  }

  /* ---- what to bring ---- */
  const lines = (text) => text.split("\n").map((l) => l.trim()).filter(Boolean);

  function chooseService() {
    const form = $("info-form");
    AdminErrors.clear(form);
    const info = S.infos.find((i) => String(i.service_id) === form.elements.service.value);
    ["kk", "ru", "en"].forEach((l) => {
      form.elements["description_" + l].value = info ? info.description[l] : "";
      form.elements["documents_" + l].value = info ? info.documents.map((d) => d[l]).join("\n") : "";
    });
  }

  async function saveInfo(event) {
    event.preventDefault();
    const form = $("info-form");
    AdminErrors.clear(form);
    const docs = { kk: lines(form.elements.documents_kk.value), ru: lines(form.elements.documents_ru.value),
                   en: lines(form.elements.documents_en.value) };
    if (docs.kk.length !== docs.ru.length || docs.kk.length !== docs.en.length) {
      return AdminErrors.show(form, { status: 422, data: { error: { details: { field: "documents" } } } }, HINTS);
    }
    const body = { description: { kk: form.elements.description_kk.value, ru: form.elements.description_ru.value,
                                  en: form.elements.description_en.value },
                   documents: docs.kk.map((kk, i) => ({ kk, ru: docs.ru[i], en: docs.en[i] })) };
    const r = await call("PUT", "/api/v1/services/" + form.elements.service.value + "/info", body);
    if (r.status !== 200) {
      const field = r.data && r.data.error && r.data.error.details && r.data.error.details.field;
      if (field && field.startsWith("documents")) r.data.error.details.field = "documents";
      return AdminErrors.show(form, r, HINTS);
    }
    saved();
    await loadInfos();
  }

  async function loadInfos() {
    const r = await call("GET", "/api/v1/services/info?" + q());
    S.infos = r.status === 200 ? r.data.services : [];
  }

  /* ---- opening the tab ---- */
  async function load() {
    const [services, devices] = await Promise.all([call("GET", "/api/v1/services?" + q()), call("GET", "/api/v1/devices?" + q())]);
    S.services = services.status === 200 ? services.data.services : [];
    S.devices = devices.status === 200 ? devices.data.devices.filter((d) => d.kind === "display" && !d.revoked_at) : [];
    const serviceOptions = () => S.services.map((s) => option(s.id, s.prefix + " · " + local(s, "name")));
    $("pl-add-service").replaceChildren(option("", "—"), ...serviceOptions());
    const kept = $("i-service").value;
    $("i-service").replaceChildren(...serviceOptions());
    if (kept) $("i-service").value = kept;
    $("ly-device").replaceChildren(...S.devices.map((d) => option(d.id, d.name)));
    await Promise.all([loadMedia(), loadNotices(), loadInfos()]);
    await loadPlaylists();
    chooseService();
  }

  function open(office) {
    S.office = office;
    load();
  }

  $("media-upload").addEventListener("submit", upload);
  $("playlist-form").addEventListener("submit", savePlaylist);
  $("pl-choose").addEventListener("change", choosePlaylist);
  $("pl-add-media").addEventListener("change", (e) => add(e.target, "media_id"));
  $("pl-add-service").addEventListener("change", (e) => add(e.target, "service_id"));
  $("pl-delete").addEventListener("click", deletePlaylist);
  $("ly-device").addEventListener("change", chooseDisplay);
  $("layout-form").addEventListener("submit", saveLayout);
  $("notice-form").addEventListener("submit", addNotice);
  $("info-form").addEventListener("change", (e) => { if (e.target.name === "service") chooseService(); });
  $("info-form").addEventListener("submit", saveInfo);
  return { open };
})();
