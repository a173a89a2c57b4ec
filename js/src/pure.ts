/**
 * `pandium-embed/pure` (dist/pure.mjs): the element's class, `configure()`, `define()` and `mintURL()`,
 * without side effects: importing it defines nothing. Call `configure(...)` and then `define()` when
 * your app starts; elements already in the page (server-rendered markup) start then, once, with the
 * settings. (The package's main entry, index.ts, is this plus a `define()` a microtask after import.)
 *
 * @module pandium-embed/pure
 */

import { type PandiumEmbedConfig, route, setConfig } from "./config.js";
import { refusal } from "./diagnostics.js";
import { defineElement, PandiumEmbed } from "./element.js";
import { EVENTS, type PandiumEventType } from "./events.js";

export { PandiumEmbed };
export { prewarm, prewarmOnIntent } from "./prewarm.js";
export type * from "./types.js";
export type { PandiumEmbedEventMap, PandiumEventDetails, PandiumEventName, PandiumEventType } from "./events.js";
export type { PandiumEmbedElement, PandiumEmbedConstructor } from "./element.js";
export type { PandiumEmbedConfig } from "./config.js";

/** Every event's DOM name, e.g. `"pandium:save-sync"` (events cannot be listened to by prefix). */
export const PANDIUM_EVENT_TYPES: readonly PandiumEventType[] = Object.keys(EVENTS).map((name) => `pandium:${name}` as PandiumEventType);

let settings: PandiumEmbedConfig | undefined;

/**
 * Define `<pandium-embed>` (and `window.PandiumEmbed`) with the settings given to `configure()`, once
 * per page; without a DOM (server rendering) it does nothing. Elements already in the page start now.
 */
export function define(): void {
  defineElement(settings);
}

/**
 * Set the trusted Pandium origins (`PandiumConfig.origins`) and the middleware's route prefix once for
 * the page, for a bundled copy (the served `<prefix>/embed.js` has them baked in). Call it before
 * `define()` (with the main entry: in your entry module's body) and elements start with them; called
 * later, this copy's elements already on the page start again with them. Without it, an element trusts only its own `origin` attribute: with
 * neither it emits nothing (fail closed; the development build says so).
 */
export function configure(config: PandiumEmbedConfig): void {
  const { origins, prefix } = config;
  if (!Array.isArray(origins) || !origins.every((origin) => typeof origin == "string")) {
    throw new TypeError('pandium-embed: configure({origins}) takes an array of origins, e.g. ["https://imp.pandium.io"]');
  }
  if (prefix !== undefined && !/^\/[^/]/.test(prefix)) {
    throw new TypeError('pandium-embed: configure({prefix}) takes the middleware\'s prefix, e.g. "/pandium"');
  }
  settings = config;
  if (typeof window == "undefined") return;
  // At once, for this copy's prewarm(); its elements start with them when it defines the element.
  setConfig(config);
  // Not defined yet (it will be, with these settings), or by another copy, which has its own settings.
  if (customElements.get("pandium-embed") !== PandiumEmbed) return;
  for (const element of document.querySelectorAll("pandium-embed")) {
    if (element instanceof PandiumEmbed) element.reload();
  }
}

/** What `POST <prefix>/token` is asked for: a flow and its target. */
export type PandiumTokenRequest =
  | { flow: "marketplace" }
  | { flow: "install"; integration_id: string | number }
  | { flow: "connect"; connector: string };

/** A fresh single-use URL of Pandium's page, and the origin to trust for its messages. */
export interface PandiumMintedURL {
  readonly url: string;
  readonly origin: string;
  /** Epoch seconds: load it before then. */
  readonly expires_at: number;
}

/** `POST <prefix>/token` refused: `status` and `reason` as `pandium:error` has them. */
export class PandiumTokenError extends Error {
  override name = "PandiumTokenError";
  constructor(
    readonly status: number,
    readonly reason: string,
  ) {
    super(`pandium-embed: POST /token answered ${status} (${reason})`);
  }
}

/**
 * For a single-page app whose requests carry a bearer token (no cookie session): mint through
 * `POST <prefix>/token` with your `headers` (e.g. `Authorization`) and load the answer as the element's
 * `src` and `origin`. Each call mints one token; `signal` aborts the request. Rejects with a
 * `PandiumTokenError` when the middleware refuses, a `TypeError` on a network error.
 */
export async function mintURL(request: PandiumTokenRequest, init: { headers?: HeadersInit; signal?: AbortSignal } = {}): Promise<PandiumMintedURL> {
  const headers = new Headers(init.headers);
  headers.set("Content-Type", "application/json");
  const response = await fetch(route("token"), { method: "POST", mode: "same-origin", headers, body: JSON.stringify(request), signal: init.signal });
  if (!response.ok) {
    if (__DEV__) {
      const why = await refusal(response.clone());
      const text = `POST ${route("token").pathname} answered ${why}`;
      console.warn("pandium-embed: " + text);
    }
    const reason = await response.json().then(
      (body: { error?: unknown }) => (typeof body.error == "string" ? body.error : ""),
      () => "",
    );
    throw new PandiumTokenError(response.status, reason);
  }
  const { url, expires_at } = (await response.json()) as { url: string; expires_at: number };
  return { url, origin: new URL(url).origin, expires_at };
}
