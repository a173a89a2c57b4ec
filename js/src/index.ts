/**
 * The ES module (dist/pandium-embed.mjs, the npm package's main entry) for bundlers: importing it defines
 * `<pandium-embed>` a microtask later (where there is a DOM: on the server it does nothing), and exports
 * the element's class, `configure()` and the types.
 *
 * @module pandium-embed
 */

import { type PandiumEmbedConfig, setConfig } from "./config.js";
import { defineElement, PandiumEmbed } from "./element.js";

export { PandiumEmbed };
export type * from "./types.js";
export type { PandiumEmbedConfig } from "./config.js";

let settings: PandiumEmbedConfig | undefined;

// A microtask later: an app that calls `configure()` in its own module body (the same module graph, so
// before any microtask) is configured first, and elements already in the page (server-rendered markup)
// start once, with its settings, instead of starting untrusted and again.
queueMicrotask(() => defineElement(settings));

/**
 * Set the trusted Pandium origins (`PandiumConfig.origins`) and the middleware's route prefix once for
 * the page, for a bundled copy (the served `<prefix>/embed.js` has them baked in). Call it in your
 * entry module's body and elements start with them; called later, this copy's elements already on the
 * page start again with them. Without it, an element trusts only its own `origin` attribute: with
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
  settings = config;
  // Not defined yet (it will be, with these settings), or by another copy, which has its own settings.
  if (typeof window == "undefined" || customElements.get("pandium-embed") !== PandiumEmbed) return;
  setConfig(config);
  for (const element of document.querySelectorAll("pandium-embed")) {
    if (element instanceof PandiumEmbed) element.reload();
  }
}
