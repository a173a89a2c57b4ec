// Acme CRM demo: the event panel, the Connections tiles and sign-out. No inline scripts anywhere, so the
// page runs under the strict CSP the app sends; every value is written as text, never as HTML.
"use strict";

const MAX_ENTRIES = 60;
const log = document.getElementById("event-log");
// pandium:message repeats every accepted message; only show it for types without their own event.
const HAS_OWN_EVENT = new Set([
  "pandium-content-height-change", "pandium-success", "pandium-install-cancel", "pandium-save-sync",
]);

function summary(detail) {
  // A tenant is a large object; its id and name are what a person scanning the panel needs.
  const tenant = detail && detail.tenant;
  const shown = tenant && typeof tenant === "object" ? { ...detail, tenant: { id: tenant.id, name: tenant.name } } : detail;
  const text = JSON.stringify(shown);
  return text && text.length > 240 ? text.slice(0, 240) + "…" : text || "";
}

function record(event) {
  if (!log) return;
  const source = event.target.id || event.target.getAttribute("connector") || event.target.tagName.toLowerCase();
  const first = log.firstElementChild;
  // Resizes come in bursts; keep one line for a run of them.
  if (event.type === "pandium:resize" && first && first.dataset.type === event.type && first.dataset.source === source) {
    first.querySelector("code").textContent = summary(event.detail);
    return;
  }
  const item = document.createElement("li");
  item.dataset.type = event.type;
  item.dataset.source = source;
  const time = document.createElement("time");
  time.textContent = new Date().toLocaleTimeString();
  const name = document.createElement("strong");
  name.textContent = event.type;
  const from = document.createElement("span");
  from.className = "from";
  from.textContent = "from " + source;
  const code = document.createElement("code");
  code.textContent = summary(event.detail);
  item.append(time, " ", name, " ", from, code);
  log.prepend(item);
  while (log.children.length > MAX_ENTRIES) log.lastElementChild.remove();
}

for (const name of ["load", "resize", "success", "install-cancel", "save-sync", "error"]) {
  document.addEventListener("pandium:" + name, record);
}
document.addEventListener("pandium:message", (event) => {
  if (!HAS_OWN_EVENT.has(event.detail.type)) record(event);
});

// A refused mint (for example after signing out) arrives as pandium:error with the route's status.
document.addEventListener("pandium:error", (event) => {
  if (event.detail.status === 401) document.getElementById("signed-out-banner").hidden = false;
});

const reload = document.getElementById("reload-marketplace");
if (reload) reload.addEventListener("click", () => document.getElementById("marketplace").reload());

// Sign out without leaving the page, then reload the embeds: the next mint answers 401, which the
// loader reports as pandium:error. (Without JavaScript the form posts and redirects to /login.)
const logoutForm = document.getElementById("logout-form");
if (logoutForm) {
  logoutForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    await fetch("/logout", { method: "POST", headers: { Accept: "application/json" } });
    document.getElementById("signed-in-as").textContent = "Signed out";
    for (const embed of document.querySelectorAll("pandium-embed")) embed.reload();
  });
}

for (const button of document.querySelectorAll("button[data-connect]")) {
  button.addEventListener("click", () => {
    const tile = button.closest(".tile");
    const slot = tile.querySelector(".embed-slot");
    if (slot.firstElementChild) slot.firstElementChild.remove();
    const embed = document.createElement("pandium-embed");
    embed.setAttribute("connector", button.dataset.connect);
    embed.setAttribute("min-height", "220");
    embed.addEventListener("pandium:success", (success) => {
      const tenant = success.detail.tenant || {};
      tile.querySelector("[data-status]").textContent =
        "Connected" + (tenant.id !== undefined ? " (tenant #" + tenant.id + ")" : "");
      tile.classList.add("connected");
    });
    slot.append(embed);
  });
}
