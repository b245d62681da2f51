// eRCMS: small enhancements only; every page works without this file.
(function () {
  "use strict";

  // Confirm actions that cannot be undone (buttons with data-confirm).
  document.addEventListener("submit", function (e) {
    var btn = e.submitter || e.target.querySelector("[data-confirm]");
    var msg = btn && btn.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) {
      e.preventDefault();
    }
  });

  // Move focus to the error summary so that screen readers announce it.
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }

  // Keep a long form's draft in the browser until it is submitted.
  var form = document.querySelector("form[data-draft-key]");
  if (form && window.localStorage) {
    var key = "ercms-draft:" + form.getAttribute("data-draft-key");
    var saved = null;
    try { saved = JSON.parse(window.localStorage.getItem(key) || "null"); } catch (err) { saved = null; }
    if (saved) {
      Object.keys(saved).forEach(function (name) {
        var el = form.elements.namedItem(name);
        if (el && "value" in el && !el.value) { el.value = saved[name]; }
      });
    }
    form.addEventListener("input", function () {
      var data = {};
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name && el.type !== "hidden" && el.type !== "password" && el.type !== "submit") { data[el.name] = el.value; }
      });
      window.localStorage.setItem(key, JSON.stringify(data));
    });
    form.addEventListener("submit", function () { window.localStorage.removeItem(key); });
  }

  // Filter a table as you type (inputs with data-filter-table="id").
  Array.prototype.forEach.call(document.querySelectorAll("[data-filter-table]"), function (input) {
    var table = document.getElementById(input.getAttribute("data-filter-table"));
    if (!table) { return; }
    input.addEventListener("input", function () {
      var q = input.value.toLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        row.hidden = q !== "" && row.textContent.toLowerCase().indexOf(q) < 0;
      });
    });
  });
})();
