/**
 * The loader's page-wide settings: which Pandium origins to trust and where the mint routes are.
 * The served copy has them baked in by the middleware; `<pandium-embed origin="...">` overrides the
 * origins for one element.
 */

/** What the middleware bakes into the served loader (`PandiumConfig.origins` and `.prefix`). */
export interface PandiumEmbedConfig {
  /** The Pandium origins whose pages may send messages, e.g. `["https://imp.pandium.io"]`. */
  readonly origins?: readonly string[];
  /** The middleware's route prefix, default `"/pandium"`. */
  readonly prefix?: string;
}

const DEFAULT_PREFIX = "/pandium";

/** The configured Pandium origins (normalised by each element). */
export let configuredOrigins: readonly string[] = [];
let routes: URL;

/**
 * Take the baked settings. Anything but an array of origins and a string prefix is ignored: an
 * unsubstituted copy reads a global name, and HTML injected into the page can define globals
 * (`<form id=...>`, whose elements stringify to their URLs), but never an array or a string.
 */
export function setConfig(config: unknown, script?: string): void {
  const { origins, prefix } = (config ?? {}) as { origins?: unknown; prefix?: unknown };
  configuredOrigins = Array.isArray(origins) ? origins : [];
  routes = new URL((typeof prefix == "string" ? prefix : DEFAULT_PREFIX) + "/", location.href);
  // The mint routes are siblings of the served script (`<root_path><prefix>/embed.js`), so an app
  // under a sub-path or behind a proxy works without configuration; a copy served from anywhere else
  // (another path, another origin) uses the prefix.
  try {
    const own = new URL(script ?? "");
    if (own.origin == location.origin && /\/embed\.js$/.test(own.pathname)) routes = own;
  } catch {
    // Not loaded by a classic <script src> (a module, an inline copy): the prefix it is.
  }
}

/** A mint or events route, e.g. `route("marketplace")`, resolved against the script or the prefix. */
export function route(path: string): URL {
  return new URL(path, routes);
}
