"use client";

import { configure } from "pandium-embed";
import { PandiumEmbed } from "pandium-embed/react";
import { useState } from "react";

// Inlined at build time (NEXT_PUBLIC_*): the Pandium origins your backend's PandiumConfig trusts.
// On the server configure() only records them; the element starts in the browser.
configure({ origins: process.env.NEXT_PUBLIC_PANDIUM_ORIGINS.split(" "), prefix: "/pandium" });

export default function Marketplace() {
  const [saved, setSaved] = useState([]);
  const onSaveSync = (detail) => setSaved((ids) => [...ids, detail.tenant.id]);
  return (
    <>
      <PandiumEmbed id="marketplace" view="marketplace" onSaveSync={onSaveSync} />
      <PandiumEmbed id="install" integration="2" onSaveSync={onSaveSync} />
      <p id="saved">{saved.length ? `Saved tenant ${saved.join(", ")}` : "Nothing saved yet"}</p>
    </>
  );
}
