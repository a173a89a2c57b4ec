// Rendered twice by tests/browser/test_npm_react.py: to a string in Node (the server), then hydrated.
import { PandiumEmbed } from "pandium-embed/react";

export function View() {
  return (
    <PandiumEmbed
      id="h"
      view="marketplace"
      minHeight={300}
      onLoad={() => window.__loads.push("load")}
      onResize={(detail) => window.__loads.push(detail.height)}
    />
  );
}
