/* Hall displays' zones (docs/display.md): whether a display's zone fits its TV, and zones proposed for the
   hall by body, applied to a display in one click. Loads when the Devices tab opens. */
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const t = (msg, values) => Kezek.t(msg, values);
  let office = null;
  let displays = [];

  async function call(method, path, body) {
    try {
      return await Kezek.api(method, path, body);
    } catch (e) {
      return { status: 0, data: null };
    }
  }
  const q = () => "office=" + encodeURIComponent(office.id);
  const chosen = () => displays.find((d) => String(d.id) === $("z-device").value);
  const size = () => ({ screen_in: Number($("z-inches").value), viewing_m: Number($("z-metres").value),
                        orientation: $("z-orientation").value });

  function fitText(fit) {
    const l = fit.layout;
    const holds = t("A %(inches)s\" TV read from %(metres)s m shows %(cells)s queues at a time, %(most)s in three pages.",
                    { inches: l.screen_in, metres: l.viewing_m, cells: l.cells, most: fit.most_services });
    const verdict = {
      fits: t("The zone fits: %(services)s services, %(pages)s page(s).", fit),
      summarised: t("Too many for a cell each: %(services)s services; the TV shows the totals of %(bodies)s bodies instead.", fit),
      too_big: t("The zone does not fit: %(services)s services of %(bodies)s bodies. Choose a smaller zone.", fit),
    }[fit.level];
    const unserved = fit.unserved.length
      ? " " + t("No desk of the zone serves %(count)s of its services: their calls would not show.", { count: fit.unserved.length })
      : "";
    return holds + " " + verdict + unserved;
  }

  function show(fit, error) {
    const out = $("z-fit");
    out.textContent = error || fitText(fit);
    out.classList.toggle("form-error", Boolean(error) || fit.level !== "fits");
  }
  const refusal = (r) => (r.data && r.data.error && r.data.error.message) || t("Something went wrong. Please try again.");

  async function check() {
    const device = chosen();
    if (!device) return;
    const r = await call("POST", "/api/v1/displays/fit?" + q(), { settings: { ...device.settings, ...size() } });
    if (r.status === 200) show(r.data); else show(null, refusal(r));
  }

  function choose() {
    const device = chosen();
    if (!device) return;
    const s = device.settings || {};
    $("z-inches").value = s.screen_in || 55;
    $("z-metres").value = s.viewing_m || 5;
    $("z-orientation").value = s.orientation === "portrait" ? "portrait" : "landscape";
    $("z-zones").replaceChildren();
    check();
  }

  async function apply(zone) {
    const device = chosen();
    const settings = { ...device.settings, ...size(), services: zone.services, desks: zone.desks };
    const r = await call("PATCH", "/api/v1/devices/" + device.id, { settings });
    if (r.status !== 200) return show(null, refusal(r));
    device.settings = r.data.device.settings;
    show(r.data.fit);
  }

  async function propose() {
    const params = new URLSearchParams({ office: office.id, ...size() });
    const r = await call("GET", "/api/v1/displays/zones?" + params.toString());
    if (r.status !== 200) return show(null, refusal(r));
    $("z-zones").replaceChildren(...r.data.zones.map((zone, i) => {
      const li = document.createElement("li");
      const text = document.createElement("span");
      text.textContent = t("TV %(n)s: %(bodies)s — %(services)s services, %(desks)s desks", {
        n: i + 1, bodies: zone.bodies.map((b) => b[Kezek.lang] || b.kk).join(", "), services: zone.services.length,
        desks: zone.desks.length });
      li.append(text, " ", AdminDom.button("Apply to this display", () => apply(zone)));
      return li;
    }));
  }

  async function load() {
    const offices = await call("GET", "/api/v1/offices");
    if (offices.status !== 200 || !offices.data.offices.length) return;
    office = offices.data.offices[0];
    const r = await call("GET", "/api/v1/devices?" + q());
    if (r.status !== 200) return;
    displays = r.data.devices.filter((d) => d.kind === "display" && !d.revoked_at);
    $("zones").hidden = !displays.length;
    const select = $("z-device");
    const before = select.value;
    select.replaceChildren(...displays.map((d) => {
      const o = document.createElement("option");
      o.value = d.id;
      o.textContent = d.name;
      return o;
    }));
    if (before && displays.some((d) => String(d.id) === before)) select.value = before;
    choose();
  }

  $("z-device").addEventListener("change", choose);
  ["z-inches", "z-metres", "z-orientation"].forEach((id) => $(id).addEventListener("change", check));
  $("z-propose").addEventListener("click", propose);
  const tab = document.querySelector('[data-tab="devices"]');
  if (tab) tab.addEventListener("click", load);
  window.AdminZones = { load };
})();
