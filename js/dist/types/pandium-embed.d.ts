/**
 * The classic script (dist/pandium-embed.js) that the middleware serves at `<prefix>/embed.js` with its
 * config baked in, and that the wheel ships.
 */
export {};
