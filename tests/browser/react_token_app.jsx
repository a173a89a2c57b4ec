// The test bed for usePandiumToken (tests/browser/test_npm_react.py): bundled from the packed npm
// package, rendered under <StrictMode> in a development build (double render, double effects).
import { StrictMode, useState } from "react";
import { createRoot } from "react-dom/client";
import { configure } from "pandium-embed";
import { PandiumEmbed, usePandiumToken } from "pandium-embed/react";
import { Marketplace } from "./react-token-example.jsx";

configure(JSON.parse(document.querySelector('meta[name="pandium-embed"]').content));
window.__loads = 0;
window.__token = {};
window.__saved = [];

function Minted() {
  // A single-page app's bearer token rides on the request's headers.
  const token = usePandiumToken({ flow: "marketplace" }, { headers: { Authorization: "Bearer spa-session" } });
  window.__token.reload = token.reload;
  if (!token.src) return null;
  return <PandiumEmbed id="t" src={token.src} origin={token.origin} onLoad={() => window.__loads++} />;
}

function App() {
  const [shown, setShown] = useState(true);
  window.__token.hide = () => setShown(false);
  return shown ? <Minted /> : null;
}

createRoot(document.getElementById("root")).render(
  <StrictMode>
    {location.hash === "#example" ? (
      <Marketplace jwt="spa-session" onSaveSync={(detail) => window.__saved.push(detail.tenant.id)} />
    ) : (
      <App />
    )}
  </StrictMode>,
);
