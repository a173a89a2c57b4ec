/**
 * `pandium-embed/react`: `<PandiumEmbed>` and `usePandiumPopup()` for React 18 and later.
 *
 * The component renders the `<pandium-embed>` element itself (the same markup on the server, so
 * hydration matches) and attaches the callbacks as event listeners once mounted. Nothing here mints or
 * loads: the element does, once per element it connects, so StrictMode's double render and double
 * effects mint nothing twice, and each callback runs once per message.
 *
 * @module pandium-embed/react
 */
import { type ReactNode } from "react";
import "./index.js";
import type { PandiumCloseDetail, PandiumEmbedElement, PandiumErrorDetail, PandiumLoadDetail, PandiumMessageDetail, PandiumOpenOptions, PandiumResizeDetail, PandiumSuccessDetail, PandiumTenantDetail } from "./types.js";
/** A callback gets the event's detail (a frozen copy) and the event itself. */
export type PandiumCallback<Detail> = (detail: Detail, event: CustomEvent<Detail>) => void;
export interface PandiumCallbacks {
    onLoad?: PandiumCallback<PandiumLoadDetail>;
    onResize?: PandiumCallback<PandiumResizeDetail>;
    onSuccess?: PandiumCallback<PandiumSuccessDetail>;
    onSaveSync?: PandiumCallback<PandiumTenantDetail>;
    onInstallCancel?: PandiumCallback<PandiumTenantDetail>;
    onError?: PandiumCallback<PandiumErrorDetail>;
    onClose?: PandiumCallback<PandiumCloseDetail>;
    onMessage?: PandiumCallback<PandiumMessageDetail>;
}
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
