/**
 * The ES module (dist/pandium-embed.mjs, the npm package's main entry) for bundlers: importing it defines
 * `<pandium-embed>` (where there is a DOM: on the server it does nothing), and exports the element's
 * class, `configure()` and the types.
 */

import { type PandiumEmbedConfig, setConfig } from "./config";
import { defineElement, PandiumEmbed } from "./element";

export { PandiumEmbed };
export type * from "./types";
export type { PandiumEmbedConfig } from "./config";

defineElement(undefined);

/**
 * Set the trusted Pandium origins (`PandiumConfig.origins`) and the middleware's route prefix once for
 * the page, for a bundled copy (the served `<prefix>/embed.js` has them baked in). This copy's elements
 * already on the page start again with them. Without it, an element trusts only its own `origin` attribute: with
 * neither it emits nothing and warns once (fail closed).
 */
export function configure(config: PandiumEmbedConfig): void {
  const { origins, prefix } = config;
  if (!Array.isArray(origins) || !origins.every((origin) => typeof origin == "string")) {
    throw new TypeError('pandium-embed: configure({origins}) takes an array of origins, e.g. ["https://imp.pandium.io"]');
  }
  if (prefix !== undefined && !/^\/[^/]/.test(prefix)) {
    throw new TypeError('pandium-embed: configure({prefix}) takes the middleware\'s prefix, e.g. "/pandium"');
  }
  if (typeof window == "undefined") return;
  setConfig(config);
  // Only this copy's elements read this config (a served copy defined first has its own, baked in).
  for (const element of document.querySelectorAll("pandium-embed")) {
    if (element instanceof PandiumEmbed) element.reload();
  }
}
