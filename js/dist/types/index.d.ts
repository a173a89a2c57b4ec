/**
 * The ES module (dist/pandium-embed.mjs, the npm package's main entry) for bundlers: importing it defines
 * `<pandium-embed>` a microtask later (where there is a DOM: on the server it does nothing), and exports
 * the element's class, `configure()` and the types.
 *
 * @module pandium-embed
 */
import { type PandiumEmbedConfig } from "./config.js";
import { PandiumEmbed } from "./element.js";
export { PandiumEmbed };
export type * from "./types.js";
export type { PandiumEmbedConfig } from "./config.js";
/**
 * Set the trusted Pandium origins (`PandiumConfig.origins`) and the middleware's route prefix once for
 * the page, for a bundled copy (the served `<prefix>/embed.js` has them baked in). Call it in your
 * entry module's body and elements start with them; called later, this copy's elements already on the
 * page start again with them. Without it, an element trusts only its own `origin` attribute: with
 * neither it emits nothing and warns once (fail closed).
 */
export declare function configure(config: PandiumEmbedConfig): void;
