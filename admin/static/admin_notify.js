/* The Notifications tab (admin): the office's bot (its token write-only, shown masked), how the bot gets messages,
   SMS on/off and its text, "people ahead" by default, and which alerts each manager gets (kezek/web/api/notify.py). */
window.AdminNotify = (function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const t = (msg, values) => Kezek.t(msg, values);
  const { cell, button } = AdminDom;
  const S = { office: null, user: null, settings: null, showSecret: null };
  const HINTS = { ahead_default: "A whole number from 0 to 20.", telegram_token: "The token BotFather gave (digits:letters).",
                  telegram_bot: "The bot's user name, as in t.me/<name>.", sms_template: "The text must contain {text}." };
  const CODES = { webhook_needs_https: "A webhook needs the server's public https address (KEZEK_PUBLIC_URL): use long polling.",
                  telegram_off: "Save the bot's token and user name first." };
  const CHANNELS = { telegram: "Telegram", push: "Browser notifications", sms: "SMS" };
  const MODES = { polling: "Long polling (works behind a firewall)", webhook: "Webhook (needs the server's public https address)" };

  async function call(method, path, body) {
    try {
      return await Kezek.api(method, path, body);
    } catch (e) {
      return { status: 0, data: { error: { code: "offline" } } };
    }
  }
  const q = () => "?office=" + encodeURIComponent(S.office.id);
  /* The engine names the "people ahead" field `ahead`; the form's field is ahead_default. */
  function atField(answer) {
    const details = answer.data && answer.data.error && answer.data.error.details;
    if (details && details.field === "ahead") details.field = "ahead_default";
    return answer;
  }

  function fill(v) {
    const f = $("notify-form").elements;
    f.ahead_default.value = String(v.ahead_default);
    f.telegram_bot.value = v.telegram_bot || "";
    f.telegram_token.value = "";
    f.telegram_token.placeholder = v.telegram_token_masked || "";
    $("notify-token-state").textContent = v.telegram_token_set
      ? t("Saved: %(masked)s. Type a new token to replace it.", { masked: v.telegram_token_masked })
      : t("No token saved.");
    f.remove_token.checked = false;
    f.remove_token.disabled = !v.telegram_token_set;
    $("notify-mode-default").textContent = t("The server's setting: %(mode)s", { mode: t(MODES[v.telegram_mode_default]) });
    f.telegram_mode.value = v.telegram_mode || "";
    f.sms_enabled.checked = v.sms_enabled;
    f.sms_enabled.disabled = !v.sms_gateway;
    $("notify-no-gateway").hidden = v.sms_gateway;
    f.sms_template.value = v.sms_template || "";
  }

  async function open(office, user, showSecret) {
    S.office = office;
    S.user = user;
    S.showSecret = showSecret;
    AdminErrors.clear($("notify-form"));
    const answer = await call("GET", "/api/v1/notify/settings" + q());
    if (answer.status !== 200) return AdminErrors.show($("notify-form"), answer, HINTS, CODES);
    S.settings = answer.data;
    fill(answer.data);
    managers();
  }

  async function save(ev) {
    ev.preventDefault();
    const form = ev.target;
    const f = form.elements;
    AdminErrors.clear(form);
    const v = S.settings;
    const body = {};
    const ahead = f.ahead_default.value.trim();
    const aheadValue = /^\d+$/.test(ahead) ? parseInt(ahead, 10) : ahead;
    if (aheadValue !== v.ahead_default) body.ahead_default = aheadValue;
    if ((f.telegram_bot.value.trim() || null) !== v.telegram_bot) body.telegram_bot = f.telegram_bot.value.trim() || null;
    if (f.telegram_token.value.trim()) body.telegram_token = f.telegram_token.value.trim();
    else if (f.remove_token.checked) body.telegram_token = null;
    if ((f.telegram_mode.value || null) !== v.telegram_mode) body.telegram_mode = f.telegram_mode.value || null;
    if (!f.sms_enabled.disabled && f.sms_enabled.checked !== v.sms_enabled) body.sms_enabled = f.sms_enabled.checked;
    if ((f.sms_template.value.trim() || null) !== v.sms_template) body.sms_template = f.sms_template.value.trim() || null;
    const answer = await call("PATCH", "/api/v1/notify/settings" + q(), body);
    if (answer.status !== 200) return AdminErrors.show(form, atField(answer), HINTS, CODES);
    S.settings = answer.data;
    fill(answer.data);
    AdminErrors.notice(t("Saved."));
  }

  function alertBox(sub, key, label) {
    const box = document.createElement("input");
    box.type = "checkbox";
    box.checked = sub[key];
    box.setAttribute("aria-label", `${t(label)} — ${sub.username}`);
    box.addEventListener("change", async () => {
      const answer = await call("PATCH", `/api/v1/notify/managers/${sub.id}` + q(), { [key]: box.checked });
      if (answer.status !== 200) { box.checked = !box.checked; AdminErrors.fill($("n-result"), AdminErrors.words(answer)); return; }
      AdminErrors.notice(t("Saved."));
    });
    return box;
  }

  async function managers() {
    const answer = await call("GET", "/api/v1/notify/managers" + q());
    const subs = answer.status === 200 ? answer.data.subscriptions : [];
    $("n-none").hidden = subs.length > 0;
    $("n-managers").replaceChildren(...subs.map((sub) => {
      const tr = document.createElement("tr");
      const channel = t(CHANNELS[sub.channel] || sub.channel) + (sub.pending ? " · " + t("waiting for /start in Telegram") : "");
      tr.append(cell(sub.username, "ad-strong"), cell(channel),
                cell(alertBox(sub, "wait_over_target", "Longest wait over the target")),
                cell(alertBox(sub, "printer_failure", "A kiosk's printer fails")),
                cell(button("Stop", async () => {
                  const r = await call("DELETE", `/api/v1/notify/managers/${sub.id}` + q());
                  if (r.status !== 200) AdminErrors.fill($("n-result"), AdminErrors.words(r));
                  managers();
                }, "ad-danger")));
      return tr;
    }));
  }

  async function link() {
    $("n-result").replaceChildren();
    const answer = await call("POST", "/api/v1/notify/manager/telegram" + q(), { lang: Kezek.lang });
    if (answer.status !== 201) return AdminErrors.fill($("n-result"), AdminErrors.words(answer, {}, CODES));
    S.showSecret(t("Open this link on your phone and press Start in Telegram"), answer.data.link);
    managers();
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("notify-form").addEventListener("submit", save);
    $("n-link").addEventListener("click", link);
  });
  return { open };
})();
