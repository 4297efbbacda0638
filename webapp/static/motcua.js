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
  // File fields: the browser's own button and "no file chosen" speak the browser's language, not
  // the page's. The input stays (transparent, over our button and the chosen names) so a click, a
  // tap or the keyboard still opens the browser's picker, and its label still names it.
  document.querySelectorAll("input[type=file][data-choose]").forEach(function (input) {
    var pick = document.createElement("span");
    var button = document.createElement("span");
    var names = document.createElement("span");
    pick.className = "file-pick";
    button.className = "file-button";
    names.className = "file-names";
    button.setAttribute("aria-hidden", "true");
    names.setAttribute("aria-hidden", "true");
    button.textContent = input.dataset.choose;
    input.parentNode.insertBefore(pick, input);
    pick.appendChild(input);
    pick.appendChild(button);
    pick.appendChild(names);
    var show = function () {
      names.textContent = input.files && input.files.length
        ? Array.prototype.map.call(input.files, function (file) { return file.name; }).join(", ")
        : input.dataset.none;
    };
    input.addEventListener("change", show);
    show();
  });
  // A form that makes something new (a dossier at the counter, an online application) is sent once:
  // a second click while the first is on its way would make a second dossier for the same visit.
  // Its buttons stay enabled, since a disabled button's name and value would not be sent, and a page
  // the browser's Back button shows again from its cache sends again when asked to.
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent) {
        event.preventDefault();
        return;
      }
      form.dataset.sent = "1";
      form.setAttribute("aria-busy", "true");
    });
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submit-once][data-sent]").forEach(function (form) {
      delete form.dataset.sent;
      form.removeAttribute("aria-busy");
    });
  });
  // Statistics: the period chooser shows the fields of the kind of period chosen (a month and its
  // year, a quarter and its year, a year, or two days), not all five at once.
  document.querySelectorAll("form[data-period-choice]").forEach(function (form) {
    var kind = form.querySelector("select[name=period]");
    function follow() {
      form.querySelectorAll("[data-periods]").forEach(function (field) {
        field.hidden = field.dataset.periods.split(" ").indexOf(kind.value) < 0;
      });
    }
    kind.addEventListener("change", follow);
    follow();
  });
  // Printable forms: the toolbar's print button.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
