import { PandiumEmbed } from "pandium-embed/react";

export function Integrations({ onConnected }) {
  return (
    <PandiumEmbed
      view="marketplace"
      expectMessage={10000}
      fallback="popup"
      onSaveSync={(detail) => onConnected(detail.tenant.id)}
      onError={(detail) => console.warn("Pandium:", detail.reason)}
    />
  );
}
