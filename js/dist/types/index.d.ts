/**
 * The ES module (dist/pandium-embed.mjs, the npm package's main entry) for bundlers: `pandium-embed/pure`
 * plus its `define()` a microtask after import (where there is a DOM: on the server it does nothing), and
 * `prewarmOnIntent()` for links and buttons marked `data-pandium-prewarm`.
 *
 * A microtask later: an app that calls `configure()` in its own module body (the same module graph, so
 * before any microtask) is configured first, and elements already in the page (server-rendered markup)
 * start once, with its settings, instead of starting untrusted and again. An app that configures later
 * (after a fetch, in a framework's start-up hook) imports `pandium-embed/pure` and calls `define()` itself.
 *
 * @module pandium-embed
 */
export * from "./pure.js";
