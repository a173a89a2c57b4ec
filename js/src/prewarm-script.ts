/**
 * The opt-in classic script the middleware serves at `<prefix>/prewarm.js`, with the same config baked in
 * as `<prefix>/embed.js`. Kept out of embed.js, whose size is budgeted: a page that links to the
 * integrations page adds it. Hovering, focusing or touching an element marked `data-pandium-prewarm`
 * prewarms; `<script src=".../prewarm.js" data-pandium-prewarm>` also prewarms as soon as it runs.
 */

import { setConfig } from "./config.js";
import { prewarmFor, prewarmOnIntent } from "./prewarm.js";

/** Replaced by the middleware with its config's JSON, as in embed.js (pandium_embed/loader.py). */
declare const __PANDIUM_EMBED_CONFIG__: unknown;

let baked: unknown;
try {
  baked = __PANDIUM_EMBED_CONFIG__;
} catch {
  // Not substituted: no configured origin, so nothing is ever prewarmed.
}
setConfig(baked);
prewarmOnIntent();
const script = document.currentScript;
if (script?.hasAttribute("data-pandium-prewarm")) prewarmFor(script);
