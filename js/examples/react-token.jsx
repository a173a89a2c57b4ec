import { PandiumEmbed, usePandiumToken } from "pandium-embed/react";

// A single-page app whose API takes a bearer token (no cookie session): mint through
// POST /pandium/token with it, once per mount, and load the answer.
export function Marketplace({ jwt, onSaveSync }) {
  const token = usePandiumToken({ flow: "marketplace" }, { headers: { Authorization: `Bearer ${jwt}` } });
  if (token.error) return <button onClick={token.reload}>Try again</button>;
  if (!token.src) return null;
  return <PandiumEmbed src={token.src} origin={token.origin} onSaveSync={onSaveSync} onError={token.reload} />;
}
