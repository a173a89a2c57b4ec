/**
 * `true` in the development build (`pandium-embed.development.js`, the `development` export condition),
 * `false` in production: esbuild's `define` (js/build.mjs) replaces it, and the production build drops
 * every branch it guards, so it carries no diagnostic text at all.
 */
declare const __DEV__: boolean;
