// The test bed for tests/browser/test_npm_react.py: bundled from the packed npm package (not js/src/),
// rendered under <StrictMode> in a development build, where React renders and runs effects twice.
import { StrictMode, useRef, useState, version } from "react";
import { createRoot } from "react-dom/client";
import { configure } from "pandium-embed";
import { PandiumEmbed, usePandiumPopup } from "pandium-embed/react";
import { Integrations } from "./react-example.jsx";

const root = document.getElementById("root");
configure(JSON.parse(document.querySelector('meta[name="pandium-embed"]').content));

window.__reactVersion = version;
window.__calls = [];
window.__connected = [];
// What the elements dispatched, counted outside React: each callback must run once per event.
window.__dispatched = {};
document.addEventListener("pandium:message", (e) => {
  window.__dispatched[e.target.id] = (window.__dispatched[e.target.id] || 0) + 1;
});
const record = (callback, id) => (detail, event) => window.__calls.push({ callback, id, detail, type: event.type });

function Embed({ id, innerRef, ...props }) {
  return (
    <PandiumEmbed
      id={id}
      ref={innerRef}
      {...props}
      onLoad={record("onLoad", id)}
      onResize={record("onResize", id)}
      onSaveSync={record("onSaveSync", id)}
      onInstallCancel={record("onInstallCancel", id)}
      onError={record("onError", id)}
      onMessage={record("onMessage", id)}
    />
  );
}

function PopupButton() {
  const open = usePandiumPopup({
    connector: "hubspot",
    onSuccess: record("onSuccess", "popup"),
    onClose: record("onClose", "popup"),
    onError: record("onError", "popup"),
  });
  return (
    <button id="pop" type="button" onClick={open}>
      Connect HubSpot
    </button>
  );
}

function App() {
  const [integration, setIntegration] = useState(1);
  const [shown, setShown] = useState(true);
  const ref = useRef(null);
  window.__app = { setIntegration, hide: () => setShown(false), element: () => ref.current };
  return (
    <>
      {/* First, so frames resizing below never move it under the pointer. */}
      <PopupButton />
      {shown && <Embed id="a" integration={integration} innerRef={ref} />}
      <Embed id="b" view="marketplace" minHeight={200} className="wide" />
      <div id="example">
        <Integrations onConnected={(id) => window.__connected.push(id)} />
      </div>
    </>
  );
}

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
