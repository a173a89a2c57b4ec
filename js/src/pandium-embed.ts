/**
 * The classic script (dist/pandium-embed.js) that the middleware serves at `<prefix>/embed.js` with its
 * config baked in, and that the wheel ships.
 */

import { defineElement } from "./element.js";

/**
 * The middleware replaces this identifier in the built file with its config's JSON,
 * `{"origins": [...], "prefix": "..."}` (pandium_embed/loader.py). An identifier survives minification
 * where a comment would not. Left as it is (a copy not served by the middleware), it names no variable:
 * reading it throws, and the element falls back to its `origin` attribute.
 */
declare const __PANDIUM_EMBED_CONFIG__: unknown;

let baked: unknown;
try {
  baked = __PANDIUM_EMBED_CONFIG__;
} catch {
  // Not substituted: no baked config.
}
defineElement(baked);
