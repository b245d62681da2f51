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

  // Warn a few minutes before the session ends (#session-notice, a live
  // region that is empty until then), with a link to sign in again. The
  // server says how many seconds were left when it sent the page, so that a
  // wrong clock on this computer does not matter.
  var notice = document.getElementById("session-notice");
  var remaining = notice ? parseInt(notice.getAttribute("data-remaining"), 10) : 0;
  if (remaining > 0) {
    var ends = Date.now() + remaining * 1000;
    var warnBefore = (parseInt(notice.getAttribute("data-warn-before"), 10) || 300) * 1000;
    var shown = "";
    var show = function (state) {
      if (state === shown) { return; }
      shown = state;
      var time = new Date(ends).toLocaleTimeString(document.documentElement.lang || undefined, { hour: "2-digit", minute: "2-digit" });
      var p = document.createElement("p");
      p.textContent = notice.getAttribute(state === "expired" ? "data-expired" : "data-warning").replace("{time}", time) + " ";
      var a = document.createElement("a");
      a.href = notice.getAttribute("data-href");
      a.textContent = notice.getAttribute("data-link");
      p.appendChild(a);
      while (notice.firstChild) { notice.removeChild(notice.firstChild); }
      notice.appendChild(p);
    };
    var timer = 0;
    var check = function () {
      var left = ends - Date.now();
      if (left <= 0) {
        show("expired");
        window.clearInterval(timer);
      } else if (left <= warnBefore) {
        show("warning");
      }
    };
    // A timer of the whole wait would be late after the computer slept.
    timer = window.setInterval(check, 10000);
    check();
  }
  // Passkeys and security keys: a button with data-passkey-get (sign in)
  // or data-passkey-create (set one up) holds the server's WebAuthn
  // options as JSON; the browser asks the authenticator, puts its answer
  // in the form's hidden "passkey" field and posts the form to the
  // button's data-action. Without this file or WebAuthn the button stays
  // hidden and the codes still work.
  var passkeyButtons = document.querySelectorAll("[data-passkey-get],[data-passkey-create]");
  if (passkeyButtons.length && window.PublicKeyCredential && PublicKeyCredential.parseRequestOptionsFromJSON) {
    Array.prototype.forEach.call(passkeyButtons, function (btn) {
      btn.hidden = false;
      btn.addEventListener("click", function () {
        var form = btn.form;
        var field = form.elements.namedItem("passkey");
        var status = document.getElementById(btn.getAttribute("aria-describedby"));
        var asked;
        if (btn.hasAttribute("data-passkey-get")) {
          var req = JSON.parse(btn.getAttribute("data-passkey-get"));
          asked = navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(req.publicKey) });
        } else {
          var cre = JSON.parse(btn.getAttribute("data-passkey-create"));
          asked = navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(cre.publicKey) });
        }
        btn.disabled = true;
        asked.then(function (cred) {
          field.value = JSON.stringify(cred.toJSON());
          form.action = btn.getAttribute("data-action");
          form.submit();
        }, function () {
          btn.disabled = false;
          if (status) { status.hidden = false; }
        });
      });
    });
  }
})();
