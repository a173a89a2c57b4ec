/**
 * `<pandium-embed>`: frames (or pops out) a Pandium page through the host app's own mint route, and
 * turns the messages that page sends into `pandium:*` DOM events on the element.
 */
import type { PandiumEmbedEventMap } from "./events.js";
import type { PandiumOpenOptions } from "./types.js";
/** Server rendering and Node have no `HTMLElement`: the class still defines there, and does nothing. */
declare const Base: typeof HTMLElement;
export declare class PandiumEmbed extends Base {
    #private;
    static observedAttributes: string[];
    /**
     * For a button of your own: call it in the click handler. Opens the popup and returns a detached
     * `<pandium-embed>` that emits the events (they do not reach `document`: listen on it). Only the
     * options' own keys become attributes, so a polluted `Object.prototype` adds nothing.
     */
    static open(options?: PandiumOpenOptions): PandiumEmbed;
    connectedCallback(): void;
    disconnectedCallback(): void;
    connectedMoveCallback(): void;
    attributeChangedCallback(name: string, old: string | null, value: string | null): void;
    /** Navigate a fresh frame to the mint route again: a new single-use token. */
    reload(): void;
    /**
     * Open the route in a popup window; call it from a user gesture (a click), or the browser blocks it
     * (`pandium:error {status: 0, reason: "popup-blocked"}`). If this element's popup is still open,
     * focus it instead. Browsers that block third-party cookies in frames keep them in a top-level window.
     */
    open(): void;
    /** Close the popup this element opened (`pandium:close` follows); nothing if there is none. */
    close(): void;
}
/**
 * Take the config and define `<pandium-embed>` and `window.PandiumEmbed`, once per page: defining a name
 * twice throws, so including the loader twice (or the served script and the npm copy) must be harmless.
 * Without a DOM (server rendering, Node) it does nothing.
 */
export declare function defineElement(config: unknown): void;
/** The element, as `document.querySelector("pandium-embed")` returns it. */
export type PandiumEmbedElement = PandiumEmbed;
/** `window.PandiumEmbed`: the element's class, defined by the loader. */
export type PandiumEmbedConstructor = typeof PandiumEmbed;
declare global {
    /** Defined by the loader (`<prefix>/embed.js`); undefined until the script has run. */
    var PandiumEmbed: PandiumEmbedConstructor;
    interface HTMLElementTagNameMap {
        "pandium-embed": PandiumEmbedElement;
    }
    interface GlobalEventHandlersEventMap extends PandiumEmbedEventMap {
    }
    interface HTMLElementEventMap extends PandiumEmbedEventMap {
    }
}
export {};
