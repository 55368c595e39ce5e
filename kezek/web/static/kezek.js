/* Shared by every screen: strings in three languages, the API, the live connection. */
(function () {
  "use strict";
  const strings = JSON.parse(document.getElementById("kezek-strings").textContent);
  const Kezek = {
    lang: document.body.dataset.lang || "kk",
    csrf: null,
  };

  /* Translate `msgid` into the current (or given) language; %(name)s placeholders from `values`. */
  Kezek.t = function (msgid, values, lang) {
    const table = strings[lang || Kezek.lang] || {};
    let text = table[msgid] || msgid;
    if (values) {
      text = text.replace(/%\((\w+)\)s/g, (m, name) => (name in values ? String(values[name]) : m));
    }
    return text;
  };

  /* Switch the page's language: every [data-i18n] element is translated again. */
  Kezek.setLang = function (lang) {
    if (!strings[lang]) return;
    Kezek.lang = lang;
    document.documentElement.lang = lang;
    document.body.dataset.lang = lang;
    document.cookie = "kezek_lang=" + lang + "; path=/; max-age=31536000; samesite=lax";
    Kezek.translatePage();
  };

  Kezek.translatePage = function (root) {
    (root || document).querySelectorAll("[data-i18n]").forEach((el) => {
      el.textContent = Kezek.t(el.dataset.i18n);
    });
    (root || document).querySelectorAll("[data-i18n-label]").forEach((el) => {
      el.setAttribute("aria-label", Kezek.t(el.dataset.i18nLabel));
    });
  };

  /* A random key for Idempotency-Key (crypto.randomUUID needs https; this does not). */
  Kezek.newKey = function () {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  };

  /* Call the API. Resolves {status, data}; rejects only when the server cannot be reached. */
  Kezek.api = async function (method, path, body, options) {
    const opts = options || {};
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (opts.token) headers.Authorization = "Bearer " + opts.token;
    if (Kezek.csrf && method !== "GET") headers["X-CSRF-Token"] = Kezek.csrf;
    if (opts.idempotencyKey) headers["Idempotency-Key"] = opts.idempotencyKey;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), opts.timeoutMs || 10000);
    try {
      const response = await fetch(path, {
        method, headers, credentials: "same-origin", signal: controller.signal,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      let data = null;
      if (response.status !== 204) {
        try { data = await response.json(); } catch (e) { data = null; }
      }
      return { status: response.status, data };
    } finally {
      clearTimeout(timer);
    }
  };

  /* Connect as a screen; `handlers` maps event names to functions. Reconnects forever and
     receives a fresh snapshot on each connect. Shows the offline indicator meanwhile. */
  Kezek.connect = function (auth, handlers, onStatus) {
    const socket = io({ transports: ["websocket"], auth, reconnectionDelayMax: 3000 });
    const banner = document.getElementById("kezek-offline");
    const status = (online) => {
      if (banner) {
        banner.hidden = online;
        banner.textContent = Kezek.t("Connection lost. Reconnecting…");
      }
      if (onStatus) onStatus(online);
    };
    socket.on("connect", () => status(true));
    socket.on("disconnect", () => status(false));
    socket.on("connect_error", () => status(false));
    Object.entries(handlers).forEach(([name, fn]) => socket.on(name, fn));
    // A phone or TV that slept: ask for the truth again when it becomes visible.
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden && socket.connected) socket.emit("snapshot", auth);
    });
    return socket;
  };

  /* A figure as the reader writes it: "6,1" and "12 345" in kk and ru, "6.1" in en. Chromium has no
     Kazakh number format (toLocaleString("kk") gives "6.1"), and Kazakh writes numbers as Russian does. */
  Kezek.number = function (value, decimals, lang) {
    if (value === null || value === undefined || Number.isNaN(value)) return "—";
    const d = decimals === undefined ? (Number.isInteger(value) ? 0 : 1) : decimals;
    const en = (lang || Kezek.lang) === "en";
    return Number(value).toLocaleString(en ? "en-GB" : "ru", { minimumFractionDigits: d, maximumFractionDigits: d });
  };

  /* "from 17:15" as Kazakh writes it: the ablative suffix after the hyphen follows the last spoken word
     (он бес → 17:15-тен, отыз → 17:30-дан, он → 17:10-нан, жеті → 17:00-ден); other languages as given. */
  const KK_FROM_DIGIT = ["ден", "ден", "ден", "тен", "тен", "тен", "дан", "ден", "ден", "дан"];
  const KK_FROM_TENS = { 1: "нан", 2: "дан", 3: "дан", 4: "тан", 5: "ден" };
  Kezek.timeFrom = function (hhmm, lang) {
    const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm || "");
    if ((lang || Kezek.lang) !== "kk" || !m) return hhmm || "";
    const last = Number(m[2]) || Number(m[1]);      // :00 is read by its hour
    const suffix = last % 10 ? KK_FROM_DIGIT[last % 10] : (KK_FROM_TENS[last / 10] || "ден");
    return hhmm + "-" + suffix;
  };

  /* "until 14:00" as Kazakh writes it: the dative suffix follows the last spoken word
     (он төрт → 14:00-ке, отыз → 13:30-ға, елу → 13:50-ге, он → 10:00-ға, жеті → 17:00-ге). */
  const KK_TO_DIGIT = ["ге", "ге", "ге", "ке", "ке", "ке", "ға", "ге", "ге", "ға"];
  const KK_TO_TENS = { 1: "ға", 2: "ға", 3: "ға", 4: "қа", 5: "ге" };
  Kezek.timeUntil = function (hhmm, lang) {
    const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm || "");
    if ((lang || Kezek.lang) !== "kk" || !m) return hhmm || "";
    const last = Number(m[2]) || Number(m[1]);      // :00 is read by its hour
    const suffix = last % 10 ? KK_TO_DIGIT[last % 10] : (KK_TO_TENS[last / 10] || "ге");
    return hhmm + "-" + suffix;
  };

  Kezek.minutes = function (seconds) {
    return Math.max(0, Math.round((seconds || 0) / 60));
  };

  /* A paired screen's token: ?token= is kept in localStorage under `key` and taken out of the
     address bar; ?unpair forgets it. `params` loses the token too. */
  Kezek.pairedToken = function (key, params) {
    let token = params.get("token");
    if (params.has("unpair")) localStorage.removeItem(key);
    if (token) {
      localStorage.setItem(key, token);
      params.delete("token");
      const rest = params.toString();
      history.replaceState(null, "", location.pathname + (rest ? "?" + rest : ""));
    } else {
      token = localStorage.getItem(key);
    }
    return token;
  };

  window.Kezek = Kezek;
  Kezek.translatePage();
})();
