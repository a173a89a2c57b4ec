/**
 * `pandium-embed/pure` (dist/pure.mjs): the element's class, `configure()`, `define()` and `mintURL()`,
 * without side effects: importing it defines nothing. Call `configure(...)` and then `define()` when
 * your app starts; elements already in the page (server-rendered markup) start then, once, with the
 * settings. (The package's main entry, index.ts, is this plus a `define()` a microtask after import.)
 *
 * @module pandium-embed/pure
 */
import { type PandiumEmbedConfig } from "./config.js";
import { PandiumEmbed } from "./element.js";
import { type PandiumEventType } from "./events.js";
export { PandiumEmbed };
export { prewarm, prewarmOnIntent } from "./prewarm.js";
export type * from "./types.js";
export type { PandiumEmbedEventMap, PandiumEventDetails, PandiumEventName, PandiumEventType } from "./events.js";
export type { PandiumEmbedElement, PandiumEmbedConstructor } from "./element.js";
export type { PandiumEmbedConfig } from "./config.js";
/** Every event's DOM name, e.g. `"pandium:save-sync"` (events cannot be listened to by prefix). */
export declare const PANDIUM_EVENT_TYPES: readonly PandiumEventType[];
/**
 * Define `<pandium-embed>` (and `window.PandiumEmbed`) with the settings given to `configure()`, once
 * per page; without a DOM (server rendering) it does nothing. Elements already in the page start now.
 */
export declare function define(): void;
/**
 * Set the trusted Pandium origins (`PandiumConfig.origins`) and the middleware's route prefix once for
 * the page, for a bundled copy (the served `<prefix>/embed.js` has them baked in). Call it before
 * `define()` (with the main entry: in your entry module's body) and elements start with them; called
 * later, this copy's elements already on the page start again with them. Without it, an element trusts only its own `origin` attribute: with
 * neither it emits nothing (fail closed; the development build says so).
 */
export declare function configure(config: PandiumEmbedConfig): void;
/** What `POST <prefix>/token` is asked for: a flow and its target. */
export type PandiumTokenRequest = {
    flow: "marketplace";
} | {
    flow: "install";
    integration_id: string | number;
} | {
    flow: "connect";
    connector: string;
};
/** A fresh single-use URL of Pandium's page, and the origin to trust for its messages. */
export interface PandiumMintedURL {
    readonly url: string;
    readonly origin: string;
    /** Epoch seconds: load it before then. */
    readonly expires_at: number;
}
/** `POST <prefix>/token` refused: `status` and `reason` as `pandium:error` has them. */
export declare class PandiumTokenError extends Error {
    readonly status: number;
    readonly reason: string;
    name: string;
    constructor(status: number, reason: string);
}
/**
 * For a single-page app whose requests carry a bearer token (no cookie session): mint through
 * `POST <prefix>/token` with your `headers` (e.g. `Authorization`) and load the answer as the element's
 * `src` and `origin`. Each call mints one token; `signal` aborts the request. Rejects with a
 * `PandiumTokenError` when the middleware refuses, a `TypeError` on a network error.
 */
export declare function mintURL(request: PandiumTokenRequest, init?: {
    headers?: HeadersInit;
    signal?: AbortSignal;
}): Promise<PandiumMintedURL>;
