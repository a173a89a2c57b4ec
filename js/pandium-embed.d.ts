/**
 * Types for the <pandium-embed> element defined by pandium-embed.js (served at <prefix>/embed.js).
 *
 * Add this file to your program (tsconfig "files"/"include", or `/// <reference path="...">`) and
 * `el.addEventListener("pandium:success", (e) => e.detail.tenant.id)` is typed on the element, on
 * `document` and on `window` (the events bubble and are composed).
 *
 * Every detail is a frozen copy: read it, don't write it.
 */

/** A JSON-like value as copied from a Pandium message (other objects become null). */
export type PandiumJSON = string | number | boolean | null | readonly PandiumJSON[] | { readonly [key: string]: PandiumJSON };

/** The tenant Pandium reports; the documented fields are typed, the rest is JSON. */
export interface PandiumTenant {
  readonly id: number;
  readonly name: string;
  readonly namespace?: string;
  readonly archived?: boolean;
  readonly paused?: boolean;
  readonly source?: string;
  readonly integration?: { readonly id: number; readonly name: string };
  readonly [key: string]: PandiumJSON | undefined;
}

/** `pandium:load`: the frame finished a navigation (also for error pages: not a success signal). */
export interface PandiumLoadDetail {}

/** `pandium:resize`: the frame's new height in CSS pixels, rounded up and clamped. */
export interface PandiumResizeDetail {
  readonly height: number;
}

/** `pandium:success`: the Auth-Only page connected the user. */
export interface PandiumSuccessDetail {
  readonly tenant: PandiumTenant;
  readonly webhook_url: string;
}

/** `pandium:install-cancel` and `pandium:save-sync`. */
export interface PandiumTenantDetail {
  readonly tenant: PandiumTenant;
}

/** Reasons the mint route gives (see pandium_embed/responses.py), plus "timeout". */
export type PandiumErrorReason =
  | "not-signed-in"
  | "cross-site"
  | "not-found"
  | "method-not-allowed"
  | "server-error"
  | "timeout"
  | (string & {});

/** `pandium:error`: the mint route refused (status 401, 403, 404, 500, ...) or the frame timed out (status 0). */
export interface PandiumErrorDetail {
  readonly status: number;
  readonly reason: PandiumErrorReason;
}

/** A wire message from Pandium's page, as copied. */
export interface PandiumMessageData {
  readonly message: `pandium-${string}`;
  readonly [key: string]: PandiumJSON | undefined;
}

/** `pandium:message`: every accepted message; `type` is the wire name, e.g. "pandium-save-sync". */
export interface PandiumMessageDetail {
  readonly type: `pandium-${string}`;
  readonly data: PandiumMessageData;
}

export interface PandiumEmbedEventMap {
  "pandium:load": CustomEvent<PandiumLoadDetail>;
  "pandium:resize": CustomEvent<PandiumResizeDetail>;
  "pandium:success": CustomEvent<PandiumSuccessDetail>;
  "pandium:install-cancel": CustomEvent<PandiumTenantDetail>;
  "pandium:save-sync": CustomEvent<PandiumTenantDetail>;
  "pandium:error": CustomEvent<PandiumErrorDetail>;
  "pandium:message": CustomEvent<PandiumMessageDetail>;
}

/**
 * `<pandium-embed view="marketplace">`, `connector="<name>"`, `integration="<id>"`, or
 * `src="..." origin="https://..."`; also `min-height`, `max-height`, `title`, `loading`, `timeout`.
 * The class itself is not exported by the script (it is a classic script); reach an element
 * through the DOM: `document.querySelector("pandium-embed")`.
 */
export interface PandiumEmbedElement extends HTMLElement {
  /** Navigate a fresh frame to the mint route again: a new single-use token. */
  reload(): void;
}

declare global {
  interface HTMLElementTagNameMap {
    "pandium-embed": PandiumEmbedElement;
  }
  interface GlobalEventHandlersEventMap extends PandiumEmbedEventMap {}
  interface HTMLElementEventMap extends PandiumEmbedEventMap {}
}
