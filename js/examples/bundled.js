import { configure } from "pandium-embed";

// Your server renders PandiumConfig's origins and prefix into the page:
// <meta name="pandium-embed" content="{{ browser_settings(config) }}">
configure(JSON.parse(document.querySelector('meta[name="pandium-embed"]').content));

document.addEventListener("pandium:save-sync", (event) => {
  console.log("Pandium saved tenant", event.detail.tenant.id);
});
