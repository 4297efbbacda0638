// What the pages do with a script, kept in this file rather than inline so that the
// Content-Security-Policy can forbid every inline script (webapp/security.py). Every page works
// without it; it only saves a click.
(function () {
  "use strict";
  // Reception: choosing a procedure shows its checklist at once (without scripts: the button
  // next to the list).
  var select = document.getElementById("f-procedure_key");
  var choose = document.getElementById("choose-procedure");
  if (select && choose) {
    select.addEventListener("change", function () { choose.click(); });
  }
  // Printable forms: the toolbar's print button.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
