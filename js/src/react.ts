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

import { createElement, forwardRef, type ReactNode, type RefObject, useCallback, useEffect, useImperativeHandle, useRef, useState } from "react";
import { mintURL, PANDIUM_EVENT_TYPES } from "./index.js";
import type { PandiumEmbedElement, PandiumEventDetails, PandiumEventName, PandiumEventType, PandiumOpenOptions, PandiumTokenRequest } from "./index.js";

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

/** `"pandium:install-cancel"` → `"onInstallCancel"`: `Pascal` above, at run time. */
function callbackName(type: PandiumEventType): keyof PandiumCallbacks {
  const words = type.slice("pandium:".length).split("-");
  return ("on" + words.map((word) => word[0].toUpperCase() + word.slice(1)).join("")) as keyof PandiumCallbacks;
}

/** Each event with its callback prop, e.g. `["pandium:install-cancel", "onInstallCancel"]`. */
const CALLBACKS = PANDIUM_EVENT_TYPES.map((type) => [type, callbackName(type)] as const);

const ATTRIBUTES: Readonly<Record<string, string>> = {
  view: "view",
  connector: "connector",
  integration: "integration",
  src: "src",
  origin: "origin",
  mode: "mode",
  report: "report",
  minHeight: "min-height",
  maxHeight: "max-height",
  title: "title",
  loading: "loading",
  timeout: "timeout",
  expectMessage: "expect-message",
  fallback: "fallback",
  hidden: "hidden",
  width: "width",
  height: "height",
  id: "id",
  // "class", not "className": React 18 writes a custom element's props as attributes by their names.
  className: "class",
};

/** Attribute values for the element: `true` is present (""), `false` and `undefined` are absent. */
function attributes(props: PandiumEmbedProps): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [prop, value] of Object.entries(props)) {
    const name = ATTRIBUTES[prop];
    if (name && value != null && value !== false) result[name] = value === true ? "" : String(value);
  }
  return result;
}

/**
 * Listen on `element` for every callback; `latest` is read when an event arrives, so a new callback
 * function on each render never re-subscribes. Returns the function that removes the listeners.
 */
function listen(element: EventTarget, latest: RefObject<PandiumCallbacks>): () => void {
  const listeners = CALLBACKS.map(([type, prop]) => {
    const listener = (event: Event) => {
      const detail = (event as CustomEvent).detail;
      (latest.current[prop] as PandiumCallback<unknown> | undefined)?.(detail, event as CustomEvent);
    };
    element.addEventListener(type, listener);
    return () => element.removeEventListener(type, listener);
  });
  return () => listeners.forEach((remove) => remove());
}

/** `<PandiumEmbed view="marketplace" onSaveSync={...} />`; the ref is the element (`reload()`, `open()`). */
export const PandiumEmbed = forwardRef<PandiumEmbedElement, PandiumEmbedProps>(function PandiumEmbed(props, ref) {
  const element = useRef<PandiumEmbedElement>(null);
  const latest = useRef<PandiumCallbacks>(props);
  latest.current = props;
  useImperativeHandle(ref, () => element.current!, []);
  useEffect(() => listen(element.current!, latest), []);
  if (props.children != null) return createElement("pandium-embed", { ref: element, ...attributes(props) }, props.children);
  // The element builds its own children (the iframe), and may do so before React hydrates server-rendered
  // markup: React would then find a child it did not render and render the whole root again (a second
  // element, a second mint). An empty `__html` tells React the children are not its to hydrate or
  // manage; the markup it renders is the same, `<pandium-embed ...></pandium-embed>`. (Empty as a
  // TrustedHTML where the browser has one: see EMPTY_HTML.)
  return createElement("pandium-embed", { ref: element, ...attributes(props), ...OWN_CHILDREN });
});

// The empty HTML is the browser's own TrustedHTML where it has Trusted Types: a page that enforces them
// (`require-trusted-types-for 'script'`) refuses even an empty string, and this one needs no policy.
const EMPTY_HTML = (globalThis as { trustedTypes?: { emptyHTML: TrustedHTML } }).trustedTypes?.emptyHTML ?? "";
const OWN_CHILDREN = { dangerouslySetInnerHTML: { __html: EMPTY_HTML }, suppressHydrationWarning: true };

/**
 * For a button of your own: `const open = usePandiumPopup({connector: "gwt", onSuccess})`, then
 * `<button onClick={open}>`. Each call opens the popup (call it in the click handler, or the browser
 * blocks it) and returns the detached element that reports its events to the callbacks.
 */
export function usePandiumPopup(options: PandiumOpenOptions & PandiumCallbacks): () => PandiumEmbedElement {
  const latest = useRef(options);
  latest.current = options;
  return useCallback(() => {
    const { connector, integration, src, view, origin, report, width, height } = latest.current;
    const route = { connector, integration, src, view } as PandiumOpenOptions;
    const element = window.PandiumEmbed.open({ ...route, origin, report, width, height });
    // In time: a blocked popup is reported a microtask later, and messages arrive later still.
    listen(element, latest);
    return element;
  }, []);
}

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
export function usePandiumToken(request: PandiumTokenRequest, options: { headers?: HeadersInit } = {}): PandiumToken {
  const [minted, setMinted] = useState<{ src?: string; origin?: string; error?: Error }>({});
  const [round, setRound] = useState(0);
  const latest = useRef(options);
  latest.current = options;
  const body = JSON.stringify(request);
  useEffect(() => {
    const controller = new AbortController();
    queueMicrotask(() => {
      if (controller.signal.aborted) return;
      mintURL(JSON.parse(body), { headers: latest.current.headers, signal: controller.signal }).then(
        ({ url, origin }) => setMinted({ src: url, origin }),
        (error: Error) => controller.signal.aborted || setMinted((last) => ({ ...last, error })),
      );
    });
    return () => controller.abort();
  }, [body, round]);
  const reload = useCallback(() => setRound((count) => count + 1), []);
  return { ...minted, reload };
}
