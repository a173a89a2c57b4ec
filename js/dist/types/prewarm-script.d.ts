/**
 * The opt-in classic script the middleware serves at `<prefix>/prewarm.js`, with the same config baked in
 * as `<prefix>/embed.js`. Kept out of embed.js, whose size is budgeted: a page that links to the
 * integrations page adds it. Hovering, focusing or touching an element marked `data-pandium-prewarm`
 * prewarms; `<script src=".../prewarm.js" data-pandium-prewarm>` also prewarms as soon as it runs.
 */
export {};
