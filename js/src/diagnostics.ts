/**
 * The development build's explanations: why a message was dropped, why a frame shows the wrong page or
 * stays silent, why a route refused. Each call site is guarded by `if (__DEV__)`, so the production build
 * has neither this module nor any of its texts.
 */

import type { PandiumDiagnosticReason } from "./types.js";

const said = new Set<string>();

/**
 * Say why, once per text and page on the console (a misconfiguration is said once, not per message),
 * and each time as `pandium:diagnostic` on the element, for a dev overlay or a test to show.
 */
export function diagnose(element: Element, reason: PandiumDiagnosticReason, text: string): void {
  if (!said.has(text)) {
    said.add(text);
    console.warn("pandium-embed: " + text);
  }
  const detail = Object.freeze({ reason, text });
  element.dispatchEvent(new CustomEvent("pandium:diagnostic", { bubbles: true, composed: true, detail }));
}

/** The windows of every element's frame and popup: a message from one of them is another element's. */
export const elementWindows = new WeakSet<Window>();

/** A route's refusal as the middleware words it (`{"error", "status", "message"}`), or its status alone. */
export async function refusal(response: Response): Promise<string> {
  try {
    const { error, message } = await response.json();
    return `${response.status} ${error}: ${message}`;
  } catch {
    return `${response.status} (not the middleware's answer: is ${new URL(response.url).pathname} proxied to your backend?)`;
  }
}
