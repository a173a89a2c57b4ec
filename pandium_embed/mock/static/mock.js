// MockPandium page script: the one script of the stand-in's pages. The server hands data over as JSON
// in <script type="application/json">; text goes into the page through textContent only, so nothing
// from a token is ever parsed as markup or run as code.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("pandium-mock-data").textContent);
  // Framed, the page talks to its parent. Opened as a top-level pop-out window (window.parent is the
  // window itself), it talks to the window that opened it instead, so the host page still hears it.
  var target = window.parent !== window ? window.parent : window.opener;

  function byId(id) {
    return document.getElementById(id);
  }

  // The status line, and what happened as a word tests can wait for (data-outcome on
  // data-testid="status"): saved, cancelled, waiting, connected, denied, popup-blocked.
  function say(text, outcome) {
    var status = byId("status");
    if (status) {
      status.textContent = text;
      status.classList.toggle("ok", outcome === "saved" || outcome === "connected");
      if (outcome) status.setAttribute("data-outcome", outcome);
      else status.removeAttribute("data-outcome");
    }
  }

  // Like Pandium's page: every message goes to window.parent (or the opener, above), never with a
  // wildcard targetOrigin, and only to a registered parent origin. Framed, the browser names the
  // parent's origin (location.ancestorOrigins: Chromium and Safari), so with several registered
  // parents the page posts to that one only: a post to the others would be dropped with a console
  // error ("target origin ... does not match"), the very text of a broken set-up. Where the browser
  // does not say (Firefox, or a pop-out window, whose opener the redirect's no-referrer hides), the
  // page posts once to each registered origin and the browser drops those that do not match.
  var recipients = (function () {
    var ancestors = window.parent !== window ? window.location.ancestorOrigins : null;
    if (!ancestors || !ancestors.length) return data.parentOrigins;
    return data.parentOrigins.indexOf(ancestors[0]) === -1 ? [] : [ancestors[0]];
  })();
  // A "silent" scenario: the page works but never tells its parent anything.
  function post(message) {
    if (!target || data.silent) return;
    recipients.forEach(function (origin) {
      target.postMessage(message, origin);
    });
  }

  // Height: on the first observation (right after load) and on every change.
  var root = byId("pandium-root");
  var lastHeight = -1;
  function reportHeight() {
    var height = Math.ceil(root.getBoundingClientRect().height);
    if (height !== lastHeight) {
      lastHeight = height;
      post({ message: "pandium-content-height-change", height: height });
    }
  }
  if (window.ResizeObserver) new ResizeObserver(reportHeight).observe(root);
  window.addEventListener("load", reportHeight);

  // Like Pandium's own page, saving creates the tenant on the server, which sends tenant_created to the
  // org's notifications URL (if the mock has one). The message to the parent does not wait for it,
  // unless the token limits the user's installs (xti.allowed_installs): then the server's answer decides.
  function created(tenant) {
    if (!tenant || tenant.id === null || tenant.id === undefined) return Promise.resolve(null);
    // JSON, as every state-changing /__mock__ route requires: a cross-site page cannot send it without a preflight.
    return fetch("/__mock__/tenants/" + encodeURIComponent(String(tenant.id)) + "/created", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    }).catch(function () {
      return null;
    });
  }

  // Integrations are an array, not an object keyed by id: an id like "__proto__" stays plain data.
  function integration(id) {
    for (var i = 0; i < (data.integrations || []).length; i++) {
      if (data.integrations[i].id === id) return data.integrations[i];
    }
    return null;
  }

  if (data.page === "marketplace" || data.page === "install") {
    var panel = byId("install-panel");
    var current = data.page === "install" ? integration(data.integrationId) : null;

    Array.prototype.forEach.call(document.querySelectorAll("button[data-install]"), function (button) {
      button.addEventListener("click", function () {
        current = integration(button.getAttribute("data-integration-id"));
        if (!current) return;
        byId("install-title").textContent = "Install " + current.name;
        panel.setAttribute("data-integration-id", current.id);
        say("");
        panel.hidden = false;
        byId("save").focus();
      });
    });

    function saved(item) {
      post({ message: "pandium-save-sync", tenant: item.tenant });
      var install = byId("install-" + item.id);
      var installed = byId("installed-" + item.id);
      if (install) install.hidden = true;
      if (installed) installed.hidden = false;
      if (data.page === "marketplace") panel.hidden = true;
      else byId("save").disabled = byId("cancel").disabled = true;
      say(item.name + " is installed and syncing.", "saved");
    }

    // Past the user's allowed_installs the stand-in refuses to create the tenant (409): nothing is
    // posted to the parent, and the page says why.
    function refused() {
      if (data.page === "marketplace") panel.hidden = true;
      else byId("save").disabled = byId("cancel").disabled = true;
      say(data.installLimit.message, "refused");
    }

    byId("save").addEventListener("click", function () {
      if (!current) return;
      var item = current;
      var answer = created(item.tenant);
      if (!data.installLimit) return saved(item);
      byId("save").disabled = true;
      answer.then(function (response) {
        byId("save").disabled = false;
        if (response && response.status === 409) refused();
        else saved(item);
      });
    });

    byId("cancel").addEventListener("click", function () {
      if (!current) return;
      post({ message: "pandium-install-cancel", tenant: current.cancelled });
      if (data.page === "marketplace") panel.hidden = true;
      say("Installation of " + current.name + " was cancelled.", "cancelled");
    });
  }

  if (data.page === "auth") {
    var popup = null;
    var connect = byId("connect");
    connect.addEventListener("click", function () {
      popup = window.open(data.consentUrl, "pandium-mock-consent", "popup,width=520,height=640");
      if (popup) say("Waiting for " + data.system + "…", "waiting");
      else say("The browser blocked the popup: allow popups for this page and try again.", "popup-blocked");
    });
    window.addEventListener("message", function (event) {
      // Only our own consent popup, on our own origin, answering for this page's state.
      if (popup === null || event.source !== popup || event.origin !== window.location.origin) return;
      var answer = event.data;
      if (!answer || typeof answer !== "object" || answer.message !== "mock-consent" || answer.state !== data.state) return;
      popup = null;
      // A "deny_consent" scenario: the provider refuses whatever the user clicked.
      if (answer.approved === true && !data.denyConsent) {
        connect.disabled = true;
        say("Connected to " + data.system + ".", "connected");
        created(data.success.tenant);
        post(data.success);
      } else {
        say(data.system + " was not connected: the request was denied.", "denied");
      }
    });
  }

  if (data.page === "consent") {
    var reply = function (approved) {
      if (window.opener) {
        window.opener.postMessage({ message: "mock-consent", state: data.state, approved: approved }, window.location.origin);
      }
      // Like a real provider's callback page: answer, then close once the click has finished
      // (closing inside the handler cuts off automation tools still completing the click).
      say(approved ? "Approved. This window closes now." : "Denied. This window closes now.", approved ? "approved" : "denied");
      setTimeout(function () { window.close(); }, 150);
    };
    byId("approve").addEventListener("click", function () { reply(true); });
    byId("deny").addEventListener("click", function () { reply(false); });
  }

  // The buttons are served disabled and enabled only here, once their handlers are in place: a click
  // that comes before this script has run (a slow load, a browser test acting as soon as the button
  // shows) waits for it instead of being lost.
  Array.prototype.forEach.call(document.querySelectorAll("button[data-until-script]"), function (button) {
    button.removeAttribute("data-until-script");
    button.disabled = false;
  });
})();
