document.querySelector("#connect").addEventListener("click", () => {
  const handle = PandiumEmbed.open({ connector: "gwt", report: true });
  handle.addEventListener("pandium:success", (e) => refreshConnections(e.detail.tenant.id));
  handle.addEventListener("pandium:close", () => refreshConnections());
  handle.addEventListener("pandium:error", (e) => { if (e.detail.reason === "popup-blocked") showPopupHelp(); });
});
