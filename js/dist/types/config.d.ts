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
/** The configured Pandium origins (normalised by each element). */
export declare let configuredOrigins: readonly string[];
/**
 * Take the baked settings. Anything but an array of origins and a string prefix is ignored: an
 * unsubstituted copy reads a global name, and HTML injected into the page can define globals
 * (`<form id=...>`, whose elements stringify to their URLs), but never an array or a string.
 */
export declare function setConfig(config: unknown, script?: string): void;
/** A mint or events route, e.g. `route("marketplace")`, resolved against the script or the prefix. */
export declare function route(path: string): URL;
