/**
 * `pandium-embed/react`: `<PandiumEmbed>`, `usePandiumPopup()` and `usePandiumToken()` for React 18 and later.
 *
 * The component renders the `<pandium-embed>` element itself (the same markup on the server, so
 * hydration matches) and attaches the callbacks as event listeners once mounted. Nothing here mints or
 * loads: the element does, once per element it connects, so StrictMode's double render and double
 * effects mint nothing twice, and each callback runs once per message.
 *
 * @module pandium-embed/react
 */
import { type ReactNode } from "react";
import type { PandiumEmbedElement, PandiumEventDetails, PandiumEventName, PandiumOpenOptions, PandiumTokenRequest } from "./index.js";
/** A callback gets the event's detail (a frozen copy) and the event itself. */
export type PandiumCallback<Detail> = (detail: Detail, event: CustomEvent<Detail>) => void;
/** `"install-cancel"` → `"InstallCancel"`. */
type Pascal<Name extends string> = Name extends `${infer Head}-${infer Tail}` ? `${Capitalize<Head>}${Pascal<Tail>}` : Capitalize<Name>;
/** One callback per event, named after it: `pandium:install-cancel` → `onInstallCancel`. */
export type PandiumCallbacks = {
    [Name in PandiumEventName as `on${Pascal<Name>}`]?: PandiumCallback<PandiumEventDetails[Name]>;
};
/** The element's attributes as props (camelCase), plus its callbacks. */
export interface PandiumEmbedProps extends PandiumCallbacks {
    view?: "marketplace";
    connector?: string;
    integration?: string | number;
    src?: string;
    /** Trusted origin(s), space-separated; default: `configure({origins})` or the served loader's. */
    origin?: string;
    mode?: "popup";
    report?: boolean;
    minHeight?: number | string;
    maxHeight?: number | string;
    title?: string;
    loading?: "lazy" | "eager";
    timeout?: number;
    /** Milliseconds after load without an accepted message before `onError({status: 0, reason: "no-message"})`. */
    expectMessage?: number;
    /** With `expectMessage`: replace a silent frame by the pop-out button. */
    fallback?: "popup";
    /** Preload: the element loads at once and holds its events until `hidden` is false. */
    hidden?: boolean;
    /** Popup size in CSS pixels (pop-out mode). */
    width?: number;
    height?: number;
    id?: string;
    className?: string;
    /** Your own content for pop-out mode (a click in the element opens the popup). */
    children?: ReactNode;
}
/** `<PandiumEmbed view="marketplace" onSaveSync={...} />`; the ref is the element (`reload()`, `open()`). */
export declare const PandiumEmbed: import("react").ForwardRefExoticComponent<PandiumEmbedProps & import("react").RefAttributes<import("./element.js").PandiumEmbed>>;
/**
 * For a button of your own: `const open = usePandiumPopup({connector: "gwt", onSuccess})`, then
 * `<button onClick={open}>`. Each call opens the popup (call it in the click handler, or the browser
 * blocks it) and returns the detached element that reports its events to the callbacks.
 */
export declare function usePandiumPopup(options: PandiumOpenOptions & PandiumCallbacks): () => PandiumEmbedElement;
/** `usePandiumToken()`'s answer: the minted URL and origin once there, or the error; `reload()` mints anew. */
export interface PandiumToken {
    /** The element's `src`: undefined until the first token is minted. */
    readonly src?: string;
    /** The element's `origin`: the origin of `src`. */
    readonly origin?: string;
    /** Why the last mint failed (a `PandiumTokenError` carries `status` and `reason`). */
    readonly error?: Error;
    /** Mint a fresh token (the element's own `reload()` would load the spent one again). */
    readonly reload: () => void;
}
/**
 * The bearer-token path for single-page apps: `POST <prefix>/token` with your `headers` (e.g.
 * `Authorization`), once per mount, even under StrictMode (its second mount comes before the first one's
 * request starts: the request waits a microtask, and the first mount's clean-up cancels it); again on
 * `reload()` or when `request` changes; aborted on unmount. Render the element once `src` is there:
 *
 *   const token = usePandiumToken({ flow: "marketplace" }, { headers: { Authorization: `Bearer ${jwt}` } });
 *   return token.src ? <PandiumEmbed src={token.src} origin={token.origin} /> : null;
 */
export declare function usePandiumToken(request: PandiumTokenRequest, options?: {
    headers?: HeadersInit;
}): PandiumToken;
export {};
