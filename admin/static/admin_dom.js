/* Small DOM helpers shared by the admin screen's scripts (admin.js, admin_bookings.js). */
window.AdminDom = (function () {
  "use strict";
  /* A table cell: text (— when empty) or a node. */
  function cell(text, cls) {
    const td = document.createElement("td");
    if (cls) td.className = cls;
    if (text instanceof Node) td.append(text); else td.textContent = text === null || text === undefined ? "—" : text;
    return td;
  }
  /* A small button whose label is translated now and again when the language changes. */
  function button(label, onClick, cls) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "ad-button ad-small " + (cls || "");
    b.textContent = Kezek.t(label);
    b.dataset.i18n = label;
    b.addEventListener("click", onClick);
    return b;
  }
  return { cell, button };
})();
