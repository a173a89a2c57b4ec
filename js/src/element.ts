/**
 * `<pandium-embed>`: frames (or pops out) a Pandium page through the host app's own mint route, and
 * turns the messages that page sends into `pandium:*` DOM events on the element.
 */

import { configuredOrigins, route, setConfig } from "./config.js";
import { diagnose, elementWindows, refusal } from "./diagnostics.js";
import { copyMessage, eventEntry, isPlainObject, MESSAGE_NAME, type PlainObject, RatePerSecond, rateBudget, REPORTED, Wire } from "./messages.js";
import type { PandiumEmbedEventMap, PandiumEventName } from "./events.js";
import type { PandiumOpenOptions } from "./types.js";

const enum Default {
  FrameHeight = 600, // px, until Pandium's page says how tall it is
  LoadTimeout = 20_000, // ms without a frame `load` before `pandium:error {reason: "timeout"}`
  DevSilence = 10_000, // ms after load without a message before the development build says so
  PopupWidth = 720, // px
  PopupHeight = 800,
  PopupPoll = 500, // ms; only polling `window.closed` tells when a cross-origin popup has closed
}

/**
 * `sandbox` keeps what Pandium's pages need. Popups must escape the sandbox: the Auth-Only page's
 * OAuth popup would break if it inherited it.
 */
const SANDBOX =
  "allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox allow-storage-access-by-user-activation";

/** Server rendering and Node have no `HTMLElement`: the class still defines there, and does nothing. */
const Base: typeof HTMLElement = globalThis.HTMLElement ?? (class {} as typeof HTMLElement);

/** A number attribute such as `min-height="300px"`; anything not a number >= 0 gives the fallback. */
function numberAttribute(element: Element, name: string, fallback: number): number {
  const value = parseFloat(element.getAttribute(name)!);
  return value >= 0 ? value : fallback;
}

export class PandiumEmbed extends Base {
  static observedAttributes = ["view", "connector", "integration", "src", "origin", "mode", "hidden"];

  /**
   * For a button of your own: call it in the click handler. Opens the popup and returns a detached
   * `<pandium-embed>` that emits the events (they do not reach `document`: listen on it). Only the
   * options' own keys become attributes, so a polluted `Object.prototype` adds nothing.
   */
  static open(options?: PandiumOpenOptions): PandiumEmbed {
    const element = document.createElement("pandium-embed");
    for (const [name, value] of Object.entries(options ?? {})) {
      if (value != null && value !== false) element.setAttribute(name, value as string);
    }
    element.open();
    return element;
  }

  // Read afresh at each start and each open(): normalised with `new URL(x).origin`.
  #origins = new Set<string>();
  #started = false;
  #frame?: HTMLIFrameElement;
  #button?: HTMLButtonElement;
  #popup?: Window;
  #popupPoll?: ReturnType<typeof setInterval>;
  #loadTimer?: ReturnType<typeof setTimeout>;
  #silenceTimer?: ReturnType<typeof setTimeout>;
  #heard = false;
  #height = 0;
  #wantedHeight = 0;
  #resizeFrame = 0;
  // Rate budgets by name, made on first use: each lifecycle kind, "" for everything else, and each
  // reported kind by its wire name. Only those few names, none of them an Object.prototype key.
  #budgets: { [name: string]: () => boolean } = {};
  #lastReport?: string;
  // Preload: events of an element that is `hidden` wait until it is shown.
  #held: CustomEvent[] = [];

  connectedCallback(): void {
    this.#start();
  }

  disconnectedCallback(): void {
    this.#stop();
  }

  // Moved with `moveBefore()` (a preloaded element put in its place): the frame, its page and its token
  // stay as they are. Without this callback the browser would disconnect and reconnect it: a new mint.
  connectedMoveCallback(): void {}

  // A route attribute changed: a fresh frame. Setting one to the value it has (as React may while
  // hydrating server-rendered markup) changes nothing, and must not mint again.
  attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (name == "hidden") {
      // Shown: the events held while it was hidden, in order.
      if (value == null) for (const event of this.#held.splice(0)) this.dispatchEvent(event);
    } else if (this.#started && old !== value) this.reload();
  }

  /** Navigate a fresh frame to the mint route again: a new single-use token. */
  reload(): void {
    this.#stop();
    if (this.isConnected) this.#start();
  }

  /**
   * Open the route in a popup window; call it from a user gesture (a click), or the browser blocks it
   * (`pandium:error {status: 0, reason: "popup-blocked"}`). If this element's popup is still open,
   * focus it instead. Browsers that block third-party cookies in frames keep them in a top-level window.
   */
  open(): void {
    let popup = this.#popup;
    if (popup && !popup.closed) return popup.focus();
    if (popup) this.#forgetPopup(true);
    const src = this.#prepare();
    const features = `popup,width=${numberAttribute(this, "width", Default.PopupWidth)},height=${numberAttribute(this, "height", Default.PopupHeight)}`;
    popup = (src && window.open(src, "_blank", features)) || undefined;
    if (!popup) {
      // Reported a microtask later, so a listener added right after `PandiumEmbed.open()` hears it.
      if (src) queueMicrotask(() => this.#emit("error", { status: 0, reason: "popup-blocked" }));
      return;
    }
    this.#popup = popup;
    if (__DEV__) elementWindows.add(popup);
    addEventListener("message", this.#onMessage);
    this.#popupPoll = setInterval(() => popup.closed && this.#forgetPopup(true), Default.PopupPoll);
  }

  /** Close the popup this element opened (`pandium:close` follows); nothing if there is none. */
  close(): void {
    this.#popup?.close();
  }

  /** The trusted origins and the URL to load, read from the attributes and the config. */
  #prepare(): string | undefined {
    const attribute = (name: string) => this.getAttribute(name);
    const origins = (this.#origins = new Set());
    const listed = attribute("origin");
    for (const origin of listed != null ? listed.split(/\s+/) : configuredOrigins) {
      try {
        const normalised = new URL(origin).origin;
        // Sandboxed frames and data: URLs have the opaque origin "null": never trusted.
        if (normalised != "null") origins.add(normalised);
      } catch {
        // Not a URL: trusts nothing.
      }
    }
    // Without an origin: the middleware's copy has the config's baked in, a bundled copy takes them
    // from configure(), one element from its attribute.
    if (__DEV__ && !origins.size) {
      diagnose(
        this,
        "no-origin",
        `no Pandium origin, so no events: load ${route("embed.js").pathname} from the middleware, ` +
          'call configure({origins}) or set origin="https://imp.pandium.io"',
      );
    }
    const src = attribute("src");
    const connector = attribute("connector");
    const integration = attribute("integration");
    try {
      const url =
        src != null
          ? new URL(src, location.href)
          : route(
              connector != null
                ? "connect/" + encodeURIComponent(connector)
                : integration != null
                  ? "install/" + encodeURIComponent(integration)
                  : "marketplace",
            );
      if (/^https?:$/.test(url.protocol)) return url.href;
    } catch {
      // An unparsable src: warned below.
    }
    if (__DEV__) diagnose(this, "bad-src", "src must be an http(s) URL, or left out to load connector, integration or view");
  }

  #start(): void {
    const src = this.#prepare();
    this.#started = true;
    this.#heard = false;
    if (this.getAttribute("mode") == "popup") return this.#startButton();
    if (!src) return;
    this.#height ||= Math.ceil(this.#clamp(Default.FrameHeight));
    const frame = document.createElement("iframe");
    frame.title = this.getAttribute("title") || "Pandium integrations";
    frame.setAttribute("sandbox", SANDBOX);
    // Named explicitly: the frame's src is our own redirecting route, and a bare feature name would
    // mean the host app's origin.
    frame.allow = "clipboard-write " + ([...this.#origins].join(" ") || "'none'");
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    const lazy = this.getAttribute("loading") == "lazy";
    if (lazy) frame.loading = "lazy";
    // Through CSSOM (`element.style`), which a strict `style-src` allows; injected <style> would not be.
    frame.style.cssText = `display:block;width:100%;border:0;height:${this.#height}px`;
    // Listening before `src` is set: a message sent at the Pandium page's script start is not lost.
    addEventListener("message", this.#onMessage);
    frame.addEventListener("load", () => this.#loaded());
    frame.src = src;
    if (!lazy) {
      const timeout = numberAttribute(this, "timeout", Default.LoadTimeout);
      this.#loadTimer = setTimeout(() => this.#emit("error", { status: 0, reason: "timeout" }), timeout);
    }
    this.appendChild((this.#frame = frame));
    if (__DEV__) elementWindows.add(frame.contentWindow!);
  }

  /** Pop-out mode: a popup needs a user gesture, so a click in the element (its button, or yours) opens it. */
  #startButton(): void {
    this.addEventListener("click", this.#onClick);
    const connector = this.getAttribute("connector");
    const button = (this.#button = document.createElement("button"));
    button.type = "button";
    button.textContent = connector != null ? "Connect " + connector : "Open integrations";
    // Your own children may be parsed after the element upgrades: decide once the document is parsed.
    const place = () => button == this.#button && !this.children.length && this.append(button);
    if (document.readyState == "loading") document.addEventListener("DOMContentLoaded", place);
    else place();
  }

  #stop(): void {
    // Stops listening to the popup, but does not close it: the user may still be using it.
    this.#forgetPopup(false);
    removeEventListener("message", this.#onMessage);
    this.removeEventListener("click", this.#onClick);
    clearTimeout(this.#loadTimer);
    clearTimeout(this.#silenceTimer);
    this.#silenceTimer = undefined;
    cancelAnimationFrame(this.#resizeFrame);
    this.#resizeFrame = 0;
    this.#started = false;
    this.#held = [];
    this.#frame?.remove();
    this.#button?.remove();
    this.#frame = this.#button = undefined;
  }

  #forgetPopup(closed: boolean): void {
    clearInterval(this.#popupPoll);
    this.#popup = undefined;
    if (!this.#frame) removeEventListener("message", this.#onMessage);
    if (closed) this.#emit("close", {});
  }

  // One function each per element: adding the listener for both the frame and the popup registers it
  // once, and removing it removes it.
  #onClick = () => this.open();

  /**
   * The message-acceptance path: each rule in order; a message failing one is dropped (and the
   * development build says why).
   */
  #onMessage = (event: MessageEvent): void => {
    const data: unknown = event.data;
    // 3. (checked first for the diagnostics only) Shape: a plain object whose `message` is a Pandium
    //    wire name; anything else is not Pandium's.
    const name = isPlainObject(data) && typeof data.message == "string" && MESSAGE_NAME.test(data.message) ? data.message : "";
    // 1. Sender: this element's own frame or popup window. An origin check alone is not enough: a
    //    sibling frame can be on Pandium's origin.
    const sender = event.source;
    if (!sender || (sender !== this.#popup && sender !== this.#frame?.contentWindow)) {
      // Another element's frame, devtools or an extension: none of this element's business. A
      // Pandium-shaped message from a window no element owns is worth a word (a hand-made iframe?).
      if (__DEV__ && name && !elementWindows.has(sender as Window)) {
        diagnose(
          this,
          "not-own-window",
          `${name} from ${event.origin} dropped: it came from a window that is not a <pandium-embed>'s frame or popup ` +
            "(a hand-made <iframe> of Pandium's page sends to nobody: use <pandium-embed>)",
        );
      }
      return;
    }
    // 2. Origin: exactly a trusted one (a Set lookup, no prefix or pattern matching). The frame's
    //    window outlives its navigations, so this is what stops it once it has left Pandium.
    if (!this.#origins.has(event.origin)) {
      // Pandium's page on an origin not configured (a staging or stand-in URL): the common reason for a
      // frame that shows but sends no events. With no origin at all, the start has already said so.
      if (__DEV__ && this.#origins.size) {
        diagnose(
          this,
          "untrusted-origin",
          `message from ${event.origin} dropped: it is not a trusted Pandium origin (${[...this.#origins].join(", ")}); ` +
            "add it to PandiumConfig.origins (its base URLs), configure({origins}) or the origin attribute",
        );
      }
      return;
    }
    if (!name) {
      if (__DEV__) {
        diagnose(
          this,
          "not-pandium",
          `a message from ${event.origin} dropped: not a Pandium message (an object whose "message" is "pandium-" ` +
            "and 1 to 64 lower-case letters, digits or dashes)",
        );
      }
      return;
    }
    // Pandium's page is talking: it is not the silent error page `expect-message` watches for.
    clearTimeout(this.#silenceTimer);
    this.#heard = true;
    const type = name.slice(Wire.Prefix.length);
    // 4. Heights are cheap and the last one must win: applied even when the budget below is spent.
    if (type == Wire.Height) this.#resize((data as PlainObject).height);
    // 5. Budget: each lifecycle kind has its own, so neither a flood of anything else nor a burst of
    //    another kind starves it.
    const entry = eventEntry(type);
    if (!(this.#budgets[entry ? type : ""] ??= rateBudget(RatePerSecond.Events))()) {
      if (__DEV__) {
        diagnose(this, "flood", `flood: ${name} dropped, over ${RatePerSecond.Events} ${entry ? name + " " : ""}messages a second from this frame`);
      }
      return;
    }
    // 6. Size: a frozen deep copy within the size budget (keys count), or nothing at all.
    const copy = copyMessage(data as PlainObject);
    if (!copy) {
      if (__DEV__) diagnose(this, "oversized", `${name} dropped: over 10,000 values and keys, 1 MiB of text or 32 levels deep`);
      return;
    }
    // Delivered: a lifecycle event carries its documented fields; other names carry the whole copy,
    // except the height message and the loader's own event names (only ever `pandium:message`).
    const detail = entry ? Object.fromEntries(entry.map((field) => [field, copy[field]])) : entry === undefined && type != Wire.Height && copy;
    if (this.hasAttribute("report") && REPORTED.includes(type as PandiumEventName)) {
      this.#report({ type: name, connector: this.getAttribute("connector"), ...detail });
    }
    if (detail) this.#emit(type, detail);
    this.#emit("message", { type: name, data: copy });
  };

  /**
   * `<pandium-embed report>`: forward to `<prefix>/events`. `mode: "same-origin"` makes the browser
   * itself refuse any other origin; credentials default to same-origin. Never throws: the async
   * wrapper turns even a `JSON.stringify` error into a rejection, reported as `report-failed`.
   * Bounded: a repeat of the last report is not sent again, and each kind has a budget.
   */
  #report(body: { type: string; [field: string]: unknown }): void {
    const failed = (status: number) => this.#emit("error", { status, reason: "report-failed" });
    const send = async () => {
      const json = JSON.stringify(body);
      if (this.#lastReport != json && (this.#budgets[body.type] ??= rateBudget(RatePerSecond.Reports))()) {
        this.#lastReport = json;
        return fetch(route("events"), {
          method: "POST",
          mode: "same-origin",
          headers: { "Content-Type": "application/json" },
          body: json,
        });
      }
    };
    send().then(
      (response) => {
        if (!response || response.ok) return;
        if (__DEV__) refusal(response).then((why) => diagnose(this, "refused", `POST ${route("events").pathname} (report) answered ${why}`));
        failed(response.status);
      },
      () => failed(0),
    );
  }

  /**
   * The frame's `load` fires for error pages too: `pandium:load` means "navigation finished", never
   * success. A refused mint route's page is same-origin and carries its status and reason on
   * `<html data-pandium-status data-pandium-reason>`; a Pandium page's document is not readable.
   */
  #loaded(): void {
    clearTimeout(this.#loadTimer);
    this.#emit("load", {});
    const root = this.#frame?.contentDocument?.documentElement;
    const status = root?.getAttribute("data-pandium-status");
    if (status) return this.#emit("error", { status: +status, reason: root!.getAttribute("data-pandium-reason") || "" });
    // Readable, but not the middleware's error page: this site's own page answered the mint route (a
    // dev server's index.html fallback, a catch-all route), so nothing in front of the app runs the
    // middleware for the prefix. (Not for a `src` of the app's choosing. The path only: a URL here
    // could carry a token.)
    if (__DEV__ && root && !this.hasAttribute("src")) {
      const prefix = route(".").pathname;
      diagnose(
        this,
        "host-page",
        `the frame shows this site's own page (${this.#frame!.contentWindow!.location.pathname}), not Pandium's: nothing ran the middleware for ${prefix}. ` +
          `Behind a dev server (Vite, webpack, Next.js), proxy ${prefix} to the backend that runs PandiumMiddleware; ` +
          `otherwise add the middleware to this app (its prefix must be ${prefix.slice(0, -1)})`,
      );
    }
    // A frame whose page never talks (a mock that is down, a parent origin Pandium does not know, a
    // browser blocking the cookies Pandium's page needs) still "loads": an error page. Pandium's pages
    // send their height as they render, so silence that long after the first load means trouble.
    // The development build watches every frame (for a diagnostic only, without the attribute).
    if ((__DEV__ || this.hasAttribute("expect-message")) && !this.#heard && !this.#silenceTimer) {
      const wait = numberAttribute(this, "expect-message", __DEV__ && !this.hasAttribute("expect-message") ? Default.DevSilence : 0);
      this.#silenceTimer = setTimeout(() => this.#silent(), wait);
    }
  }

  /** `expect-message` ran out: say so, and with `fallback="popup"` offer the pop-out button instead. */
  #silent(): void {
    if (__DEV__) {
      const origins = [...this.#origins].join(" or ") || "a trusted origin";
      diagnose(
        this,
        "no-message",
        `the frame loaded but its page sent no message from ${origins} within ${numberAttribute(this, "expect-message", Default.DevSilence) / 1000} s: ` +
          "it shows an error page. Is Pandium (or the stand-in, `pandium-embed mock`) running at that origin? Does it allow " +
          `this page's origin ${location.origin} as a parent (the stand-in's --parent-origin)? A frame-ancestors refusal in the console says it does not`,
      );
      if (!this.hasAttribute("expect-message")) return;
    }
    this.#emit("error", { status: 0, reason: "no-message" });
    if (this.getAttribute("fallback") != "popup" || !this.#frame) return;
    this.#frame.remove();
    this.#frame = undefined;
    removeEventListener("message", this.#onMessage);
    this.#startButton();
  }

  #clamp(height: number): number {
    return Math.min(Math.max(height, numberAttribute(this, "min-height", 0)), numberAttribute(this, "max-height", Infinity));
  }

  /** At most one style write per animation frame; the last height wins; changes under 1 px write nothing. */
  #resize(height: unknown): void {
    // Number.isFinite is false for anything but a finite number (no coercion of "900" or [900]).
    if (!(Number.isFinite(height) && (height as number) >= 0)) return;
    this.#wantedHeight = height as number;
    this.#resizeFrame ||= requestAnimationFrame(() => {
      const px = Math.ceil(this.#clamp(this.#wantedHeight));
      this.#resizeFrame = 0;
      if (this.#frame && Math.abs(px - this.#height) >= 1) {
        this.#frame.style.height = (this.#height = px) + "px";
        this.#emit("resize", { height: px });
      }
    });
  }

  /** Fail closed: with no trusted origin, the element emits nothing at all. */
  #emit(type: string, detail: object): void {
    if (this.#origins.size) {
      const event = new CustomEvent("pandium:" + type, { bubbles: true, composed: true, detail: Object.freeze(detail) });
      if (this.hidden) this.#held.push(event);
      else this.dispatchEvent(event);
    }
  }
}

/**
 * Take the config and define `<pandium-embed>` and `window.PandiumEmbed`, once per page: defining a name
 * twice throws, so including the loader twice (or the served script and the npm copy) must be harmless.
 * Without a DOM (server rendering, Node) it does nothing.
 */
export function defineElement(config: unknown): void {
  if (typeof window == "undefined" || !window.customElements || customElements.get("pandium-embed")) return;
  // Settings first: defining the element upgrades (and so starts) the elements already in the page.
  setConfig(config, (document.currentScript as HTMLScriptElement | null)?.src);
  customElements.define("pandium-embed", PandiumEmbed);
  window.PandiumEmbed = PandiumEmbed;
}

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
  // The events bubble and are composed: typed on the element, on `document` and on `window`.
  interface GlobalEventHandlersEventMap extends PandiumEmbedEventMap {}
  interface HTMLElementEventMap extends PandiumEmbedEventMap {}
}
