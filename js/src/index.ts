/**
 * The ES module (dist/pandium-embed.mjs) for bundlers: importing it defines `<pandium-embed>`, and the
 * element's class and types are exported.
 */

import { defineElement, PandiumEmbed } from "./element";

export { PandiumEmbed };
export type * from "./types";
export type { PandiumEmbedConfig } from "./config";

defineElement(undefined);
