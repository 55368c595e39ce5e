/* The server's refusals shown where they belong: at the field, in error colour, the value kept for correcting.
   A translated hint when the code or field has one, and the server's own precise message beside it. */
window.AdminErrors = (function () {
  "use strict";
  const t = (msg, values) => Kezek.t(msg, values);
  const COMMON = { csrf: "Your session has expired: reload the page.", unauthorised: "Sign in again.",
                   forbidden: "Your role does not allow this.", offline: "The server cannot be reached: try again." };

  /* {field, text, server}: what to show for a refused answer (never a generic "something went wrong"). */
  function words(answer, hints, codes) {
    const err = (answer && answer.data && answer.data.error) || {};
    const field = err.details && err.details.field;
    const known = (codes || {})[err.code] || COMMON[err.code];
    const hint = !known && field && (hints || {})[field];
    let text = known ? t(known) : hint ? t(hint) : "";
    const server = !known && err.message ? err.message : "";
    if (!text && !server) text = t("The server refused this (%(status)s).", { status: answer ? answer.status : 0 });
    return { field, text, server };
  }

  /* Fill an error slot: the hint, then the server's message (in English, marked so). */
  function fill(slot, shown) {
    slot.replaceChildren();
    if (shown.text) slot.append(shown.text);
    if (shown.server && shown.server !== shown.text) {
      const detail = document.createElement("span");
      detail.className = "ad-err-detail";
      detail.lang = "en";
      detail.textContent = shown.server;
      slot.append(detail);
    }
  }

  function clear(form) {
    form.querySelectorAll("[data-error-for]").forEach((e) => { e.replaceChildren(); });
    form.querySelectorAll("[aria-invalid]").forEach((e) => e.removeAttribute("aria-invalid"));
    const general = form.querySelector(".form-error");
    if (general) general.replaceChildren();
  }

  /* Show a refusal in a form: at the field's slot (marking the input invalid) or in the form's own line. */
  function show(form, answer, hints, codes) {
    const shown = words(answer, hints, codes);
    const slot = shown.field && form.querySelector(`[data-error-for="${shown.field}"]`);
    if (slot) {
      fill(slot, shown);
      const input = form.elements[shown.field];
      if (input && input.setAttribute) {
        input.setAttribute("aria-invalid", "true");
        if (slot.id) input.setAttribute("aria-describedby", slot.id);
        input.focus();
      }
    } else {
      fill(form.querySelector(".form-error"), shown);
    }
    return shown;
  }

  /* A control outside a form (a table row's input): its own slot beside it. */
  function showAt(slot, input, answer, hints, codes) {
    const shown = words(answer, hints, codes);
    fill(slot, shown);
    if (input) { input.setAttribute("aria-invalid", "true"); input.focus(); }
    return shown;
  }
  function clearAt(slot, input) {
    slot.replaceChildren();
    if (input) input.removeAttribute("aria-invalid");
  }

  /* The page's banner: green for "Saved.", red for a refusal. */
  function notice(text, isError) {
    const n = document.getElementById("notice");
    n.textContent = text;
    n.hidden = !text;
    n.className = "ad-banner " + (isError ? "ad-banner-error" : "ad-banner-info");
    n.setAttribute("role", isError ? "alert" : "status");
    clearTimeout(notice.timer);
    if (text && !isError) notice.timer = setTimeout(() => { n.hidden = true; }, 6000);
  }
  return { words, fill, clear, show, showAt, clearAt, notice };
})();
