/**
 * Prewarm: open, before the user asks, the connection a later `<pandium-embed>` frame will use.
 *
 * Chromium partitions connections by the page's site and the frame's site: a `<link rel=preconnect>`,
 * `fetch` or image from the host page opens a connection that a cross-site frame never reuses, while one
 * opened by an earlier frame on Pandium's origin in the same page is reused. So a prewarm is a hidden
 * frame on each configured Pandium origin, at a path that carries no token and mints nothing
 * (`/robots.txt`), removed once it has loaded (the connection outlives it) or after a timeout.
 */

import { configuredOrigins } from "./config.js";

const enum Prewarm {
  Timeout = 10_000, // ms: a frame that never loads is removed anyway
  Again = 60_000, // ms: within this the connection is still there, so another hover opens nothing
}

const warmed = new Map<string, number>();

/** `new URL(value).origin`, or "null" (never configured, never contacted) for anything unparsable. */
const originOf = (value: string): string => {
  try {
    return new URL(value).origin;
  } catch {
    return "null";
  }
};

/**
 * Open a connection to each configured Pandium origin (`PandiumConfig.origins`, or `configure()`'s), or
 * only to `origins` among them: an origin that is not configured is never contacted. Call it when a
 * user is likely to open the integrations page soon (on hover, on the settings route); a second call
 * within a minute does nothing. It never mints and sends no token.
 */
export function prewarm(origins?: readonly string[]): void {
  const configured = configuredOrigins.map(originOf);
  for (const origin of origins?.map(originOf) ?? configured) {
    if (origin != "null" && configured.includes(origin) && !(Date.now() - warmed.get(origin)! < Prewarm.Again)) {
      warmed.set(origin, Date.now());
      // `hidden` (display: none) also keeps it out of the accessibility tree and the tab order.
      const frame = document.createElement("iframe");
      frame.hidden = true;
      frame.referrerPolicy = "no-referrer";
      frame.src = origin + "/robots.txt";
      const remove = () => frame.remove();
      frame.onload = remove;
      setTimeout(remove, Prewarm.Timeout);
      // In <head>, before <body> exists, a frame in <html> loads just the same.
      (document.body ?? document.documentElement).append(frame);
    }
  }
}

/** `data-pandium-prewarm`'s value: the origins it names (space-separated), or all configured if empty. */
export const prewarmFor = (marked: Element): void => {
  const value = marked.getAttribute("data-pandium-prewarm")!.trim();
  prewarm(value ? value.split(/\s+/) : undefined);
};

/**
 * The declarative form: hovering, focusing or touching anything inside an element with a
 * `data-pandium-prewarm` attribute (the link or button that opens the integrations page) prewarms.
 */
export function prewarmOnIntent(): void {
  for (const type of ["pointerover", "focusin", "touchstart"]) {
    document.addEventListener(
      type,
      (event) => {
        const marked = (event.target as Element).closest?.("[data-pandium-prewarm]");
        if (marked) prewarmFor(marked);
      },
      { capture: true, passive: true },
    );
  }
}
