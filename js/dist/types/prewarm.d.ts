/**
 * Prewarm: open, before the user asks, the connection a later `<pandium-embed>` frame will use.
 *
 * Chromium partitions connections by the page's site and the frame's site: a `<link rel=preconnect>`,
 * `fetch` or image from the host page opens a connection that a cross-site frame never reuses, while one
 * opened by an earlier frame on Pandium's origin in the same page is reused. So a prewarm is a hidden
 * frame on each configured Pandium origin, at a path that carries no token and mints nothing
 * (`/robots.txt`), removed once it has loaded (the connection outlives it) or after a timeout.
 */
/**
 * Open a connection to each configured Pandium origin (`PandiumConfig.origins`, or `configure()`'s), or
 * only to `origins` among them: an origin that is not configured is never contacted. Call it when a
 * user is likely to open the integrations page soon (on hover, on the settings route); a second call
 * within a minute does nothing. It never mints and sends no token.
 */
export declare function prewarm(origins?: readonly string[]): void;
/** `data-pandium-prewarm`'s value: the origins it names (space-separated), or all configured if empty. */
export declare const prewarmFor: (marked: Element) => void;
/**
 * The declarative form: hovering, focusing or touching anything inside an element with a
 * `data-pandium-prewarm` attribute (the link or button that opens the integrations page) prewarms.
 */
export declare function prewarmOnIntent(): void;
