import { StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { configure } from "pandium-embed";
import { View } from "./hydrate-view.jsx";

// In the entry module's body: the element (already in the page, from the server) starts configured.
configure(JSON.parse(document.querySelector('meta[name="pandium-embed"]').content));
window.__loads = [];
window.__recoverable = [];
hydrateRoot(
  document.getElementById("root"),
  <StrictMode>
    <View />
  </StrictMode>,
  { onRecoverableError: (error) => window.__recoverable.push(String(error)) },
);
