/**
 * The public types of `<pandium-embed>`: its event details (the events themselves are in events.ts)
 * and its options. Every detail is a frozen copy: read it, don't write it.
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

/** `pandium:save-sync`. */
export interface PandiumTenantDetail {
  readonly tenant: PandiumTenant;
}

/** The tenant of `pandium:install-cancel`: the set-up the user left may not have made one (`id` null). */
export interface PandiumCancelledTenant {
  readonly id?: number | null;
  readonly name?: string;
  readonly integration?: { readonly id: number; readonly name: string };
  readonly [key: string]: PandiumJSON | undefined;
}

/** `pandium:install-cancel`. */
export interface PandiumCancelDetail {
  readonly tenant: PandiumCancelledTenant;
}

/**
 * Reasons the mint route gives (see pandium_embed/responses.py), plus the loader's own: "timeout"
 * (the frame did not load), "no-message" (`expect-message`: the frame loaded but its page never sent an
 * accepted message), "popup-blocked" (`window.open` returned null) and "report-failed" (the `report`
 * POST failed: `status` is the response's, or 0 for a network error).
 */
export type PandiumErrorReason =
  | "not-signed-in"
  | "cross-site"
  | "not-found"
  | "method-not-allowed"
  | "server-error"
  | "timeout"
  | "no-message"
  | "popup-blocked"
  | "report-failed"
  | (string & {});

/**
 * `pandium:error`: the mint route refused (status 401, 403, 404, 500, ...), the frame timed out or the
 * popup was blocked (status 0), or a report failed (its HTTP status, 0 for a network error).
 */
export interface PandiumErrorDetail {
  readonly status: number;
  readonly reason: PandiumErrorReason;
}

/** `pandium:close`: the popup window opened by `open()` was closed (by the user, Pandium or `close()`). */
export interface PandiumCloseDetail {}

/**
 * Why the development build says something (`pandium:diagnostic`; the production build never does):
 * a message dropped for its sender, origin, shape, size or rate; a frame showing this site's own page;
 * a frame whose page never spoke; no trusted origin; an unusable `src`; a route's refusal.
 */
export type PandiumDiagnosticReason =
  | "not-own-window"
  | "untrusted-origin"
  | "not-pandium"
  | "oversized"
  | "flood"
  | "host-page"
  | "no-message"
  | "no-origin"
  | "bad-src"
  | "refused";

/** `pandium:diagnostic` (development build only): what went wrong and how to fix it, in words. */
export interface PandiumDiagnosticDetail {
  readonly reason: PandiumDiagnosticReason;
  readonly text: string;
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

/** Which page to open: the marketplace (the default), one connector, one integration, or a URL. */
export type PandiumRoute =
  | { view?: "marketplace"; connector?: undefined; integration?: undefined; src?: undefined }
  | { connector: string; view?: undefined; integration?: undefined; src?: undefined }
  | { integration: string | number; view?: undefined; connector?: undefined; src?: undefined }
  | { src: string; view?: undefined; connector?: undefined; integration?: undefined };

/** `PandiumEmbed.open(options)`: the element's attributes, as an object (`false` leaves one out). */
export type PandiumOpenOptions = PandiumRoute & {
  /** Trusted origin(s), space-separated; default: the origins baked into the served loader. */
  origin?: string;
  /** Forward success and save-sync to `POST <prefix>/events`. */
  report?: boolean;
  /** Popup size in CSS pixels (default 720 x 800). */
  width?: number;
  height?: number;
};
