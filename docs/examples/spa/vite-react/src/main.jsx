import { configure } from "pandium-embed";
import { PandiumEmbed } from "pandium-embed/react";
import { StrictMode, useState } from "react";
import { createRoot } from "react-dom/client";

// No server template renders the settings into this page: they come in at build time instead.
configure({ origins: import.meta.env.VITE_PANDIUM_ORIGINS.split(" "), prefix: "/pandium" });

function Integrations() {
  const [saved, setSaved] = useState([]);
  const onSaveSync = (detail) => setSaved((ids) => [...ids, detail.tenant.id]);
  return (
    <main>
      <PandiumEmbed id="marketplace" view="marketplace" onSaveSync={onSaveSync} />
      <PandiumEmbed id="install" integration="2" onSaveSync={onSaveSync} />
      <p id="saved">{saved.length ? `Saved tenant ${saved.join(", ")}` : "Nothing saved yet"}</p>
    </main>
  );
}

createRoot(document.getElementById("root")).render(
  <StrictMode>
    <Integrations />
  </StrictMode>,
);
