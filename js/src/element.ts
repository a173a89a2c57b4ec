/**
 * `<pandium-embed>`: frames (or pops out) a Pandium page through the host app's own mint route, and
 * turns the messages that page sends into `pandium:*` DOM events on the element.
 */

import { configuredOrigins, route, setConfig, warn } from "./config.js";
import {
  copyMessage,
  isPlainObject,
  LIFECYCLE,
  MESSAGE_NAME,
  NO_EVENT_OF_ITS_OWN,
  RatePerSecond,
  rateBudget,
  REPORTED,
  Wire,
} from "./messages.js";
import type { PandiumOpenOptions } from "./types.js";

const enum Default {
  FrameHeight = 600, // px, until Pandium's page says how tall it is
  LoadTimeout = 20_000, // ms without a frame `load` before `pandium:error {reason: "timeout"}`
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
  static observedAttributes = ["view", "connector", "integration", "src", "origin", "mode"];

  // @feature popup
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
  // @end popup

  // Read afresh at each start and each open(): normalised with `new URL(x).origin`.
  #origins = new Set<string>();
  #started = false;
  #frame?: HTMLIFrameElement;
  #button?: HTMLButtonElement;
  #popup?: Window;
  #popupPoll?: ReturnType<typeof setInterval>;
  #loadTimer?: ReturnType<typeof setTimeout>;
  #silenceTimer?: ReturnType<typeof setTimeout>; // @feature expect-message
  #heard = false; // @feature expect-message
  #height = 0;
  #wantedHeight = 0;
  #resizeFrame = 0;
  #lifecycleBudget = rateBudget(RatePerSecond.Lifecycle);
  #othersBudget = rateBudget(RatePerSecond.Others);

  connectedCallback(): void {
    this.#start();
  }

  disconnectedCallback(): void {
    this.#stop();
  }

  // A route attribute changed: a fresh frame. Setting one to the value it has (as React may while
  // hydrating server-rendered markup) changes nothing, and must not mint again.
  attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (this.#started && old !== value) this.reload();
  }

  /** Navigate a fresh frame to the mint route again: a new single-use token. */
  reload(): void {
    this.#stop();
    if (this.isConnected) this.#start();
  }

  // @feature popup
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
    addEventListener("message", this.#onMessage);
    this.#popupPoll = setInterval(() => popup.closed && this.#forgetPopup(true), Default.PopupPoll);
  }

  /** Close the popup this element opened (`pandium:close` follows); nothing if there is none. */
  close(): void {
    this.#popup?.close();
  }
  // @end popup

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
    // @feature hints
    // Each warning names the fix. Without an origin: the middleware's copy has the config's baked in, a
    // bundled copy takes them from configure(), one element from its attribute.
    if (!origins.size) {
      warn(
        `no Pandium origin, so no events: load ${route("embed.js").pathname} from the middleware, ` +
          'call configure({origins}) or set origin="https://imp.pandium.io"',
      );
    }
    // @end hints
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
    warn("src must be an http(s) URL, or left out to load connector, integration or view"); // @feature hints
  }

  #start(): void {
    const src = this.#prepare();
    this.#started = true;
    this.#heard = false; // @feature expect-message
    if (this.getAttribute("mode") == "popup") return this.#startButton(); // @feature popup
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
  }

  // @feature popup
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
  // @end popup

  #stop(): void {
    // Stops listening to the popup, but does not close it: the user may still be using it.
    this.#forgetPopup(false); // @feature popup
    removeEventListener("message", this.#onMessage);
    this.removeEventListener("click", this.#onClick); // @feature popup
    clearTimeout(this.#loadTimer);
    clearTimeout(this.#silenceTimer); // @feature expect-message
    this.#silenceTimer = undefined; // @feature expect-message
    cancelAnimationFrame(this.#resizeFrame);
    this.#resizeFrame = 0;
    this.#started = false;
    this.#frame?.remove();
    this.#button?.remove();
    this.#frame = this.#button = undefined;
  }

  // @feature popup
  #forgetPopup(closed: boolean): void {
    clearInterval(this.#popupPoll);
    this.#popup = undefined;
    if (!this.#frame) removeEventListener("message", this.#onMessage);
    if (closed) this.#emit("close", {});
  }
  // @end popup

  // One function each per element: adding the listener for both the frame and the popup registers it
  // once, and removing it removes it.
  #onClick = () => this.open(); // @feature popup

  /** The message-acceptance path: each rule in order; a message failing one is ignored. */
  #onMessage = (event: MessageEvent): void => {
    // 1. Sender: this element's own frame or popup window. An origin check alone is not enough: a
    //    sibling frame can be on Pandium's origin.
    const sender = event.source;
    if (!sender || (sender !== this.#popup && sender !== this.#frame?.contentWindow)) return;
    // 2. Origin: exactly a trusted one (a Set lookup, no prefix or pattern matching). The frame's
    //    window outlives its navigations, so this is what stops it once it has left Pandium.
    if (!this.#origins.has(event.origin)) {
      // Pandium's page on an origin not configured (a staging or stand-in URL): the common reason for a
      // frame that shows but sends no events. With no origin at all, the start has already said so.
      if (this.#origins.size) warn(`message from ${event.origin} ignored: add it to PandiumConfig.origins or the origin attribute`); // @feature hints
      return;
    }
    // 3. Shape: a plain object whose `message` is a Pandium wire name; anything else is not Pandium's.
    const data: unknown = event.data;
    if (!isPlainObject(data) || typeof data.message != "string" || !MESSAGE_NAME.test(data.message)) return;
    // Pandium's page is talking: it is not the silent error page `expect-message` watches for.
    clearTimeout(this.#silenceTimer); // @feature expect-message
    this.#heard = true; // @feature expect-message
    const type = data.message.slice(Wire.Prefix.length);
    // 4. Heights are cheap and the last one must win: applied even when the budget below is spent.
    if (type == Wire.Height) this.#resize(data.height);
    // 5. Budget: lifecycle messages have their own, so a flood of anything else never starves them.
    const lifecycle = LIFECYCLE.get(type);
    if (!(lifecycle ? this.#lifecycleBudget : this.#othersBudget)()) return warn("flood: messages dropped");
    // 6. Size: a frozen deep copy within the size budget (keys count), or nothing at all.
    const copy = copyMessage(data);
    if (!copy) return warn("oversized message dropped");
    // Delivered: a lifecycle event carries its documented fields; other names carry the whole copy,
    // except the height message and the loader's own event names (only ever `pandium:message`).
    const detail = lifecycle ? lifecycle(copy) : !NO_EVENT_OF_ITS_OWN.includes(type) && copy;
    // @feature report
    if (this.hasAttribute("report") && REPORTED.includes(type)) {
      this.#report({ type: data.message, connector: this.getAttribute("connector"), ...detail });
    }
    // @end report
    if (detail) this.#emit(type, detail);
    this.#emit("message", { type: data.message, data: copy });
  };

  // @feature report
  /**
   * `<pandium-embed report>`: forward to `<prefix>/events`. `mode: "same-origin"` makes the browser
   * itself refuse any other origin; credentials default to same-origin. Never throws: the async
   * wrapper turns even a `JSON.stringify` error into a rejection, reported as `report-failed`.
   */
  #report(body: object): void {
    const failed = (status: number) => this.#emit("error", { status, reason: "report-failed" });
    const send = async () =>
      fetch(route("events"), {
        method: "POST",
        mode: "same-origin",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    send().then(
      (response) => response.ok || failed(response.status),
      () => failed(0),
    );
  }
  // @end report

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
    // @feature expect-message
    // A frame whose page never talks (a mock that is down, a parent origin Pandium does not know, a
    // browser blocking the cookies Pandium's page needs) still "loads": an error page. Pandium's pages
    // send their height as they render, so silence that long after the first load means trouble.
    if (this.hasAttribute("expect-message") && !this.#heard && !this.#silenceTimer) {
      const wait = numberAttribute(this, "expect-message", 0);
      this.#silenceTimer = setTimeout(() => this.#silent(), wait);
    }
    // @end expect-message
  }

  // @feature expect-message
  /** `expect-message` ran out: say so, and with `fallback="popup"` offer the pop-out button instead. */
  #silent(): void {
    this.#emit("error", { status: 0, reason: "no-message" });
    if (this.getAttribute("fallback") != "popup" || !this.#frame) return;
    this.#frame.remove();
    this.#frame = undefined;
    removeEventListener("message", this.#onMessage);
    this.#startButton(); // @feature popup
  }
  // @end expect-message

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
      this.dispatchEvent(new CustomEvent("pandium:" + type, { bubbles: true, composed: true, detail: Object.freeze(detail) }));
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
