/**
 * Page objects for end-to-end tests of your own app against MockPandium, with @playwright/test.
 * The same API as the Python `pandium_embed.testing`, in TypeScript.
 *
 *   import { test, PandiumFrame } from "pandium-embed/testing";
 *
 *   test("install HubSpot", async ({ page, pandiumMock }) => {
 *     const pandium = await PandiumFrame.attach(page);           // before goto, to hear every event
 *     await page.goto("/integrations");
 *     await pandium.install("1");
 *     const saved = await pandium.save();                        // the host page's pandium:save-sync detail
 *   });
 *
 * Only the stand-in's `data-testid` hooks are used, so a restyle of its pages breaks nothing. Every wait
 * is a positive condition with a timeout, never a sleep.
 *
 * @module pandium-embed/testing
 */
import { test as base, type Locator, type Page } from "@playwright/test";
import { PANDIUM_EVENT_TYPES, type PandiumEventType } from "pandium-embed";

export const DEFAULT_TIMEOUT_MS = 15_000;
/** What <pandium-embed> dispatches (from its one event table); each bubbles to document, where the recorder listens. */
export const EVENT_NAMES: readonly PandiumEventType[] = PANDIUM_EVENT_TYPES;
export type PandiumEventName = PandiumEventType;
/** A detail as JSON (what the host page's listener received). */
export type Detail = { [key: string]: any };

interface Recorded {
  type: string;
  target: EventTarget | null;
  detail: unknown;
}
declare global {
  interface Window {
    __pandiumTestingEvents?: Recorded[];
  }
}

// Records every pandium:* event on the page, in order, with its target element. Installed as an init
// script (events of later navigations are caught from the start) and run once on the current page;
// the guard makes a second run a no-op.
function recorder(names: readonly string[]): void {
  if (window.__pandiumTestingEvents) return;
  const events: Recorded[] = [];
  Object.defineProperty(window, "__pandiumTestingEvents", { value: events });
  for (const type of names) {
    document.addEventListener(type, (event) => events.push({ type, target: event.target, detail: (event as CustomEvent).detail }), true);
  }
}

/** The host page did not receive the expected `pandium:*` event in time. */
export class NoPandiumEvent extends Error {
  override name = "NoPandiumEvent";
}

function attribute(name: string, value: string): string {
  return `[${name}="${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"]`;
}

// A CSS attribute selector rather than getByTestId: that one follows a project-wide setting
// (testIdAttribute) that a user's suite may have changed.
function testid(name: string): string {
  return attribute("data-testid", name);
}

export interface PandiumFrameOptions {
  /** Per wait, in milliseconds (default 15 s: generous for busy CI machines). */
  timeout?: number;
}

/** A <pandium-embed> element on your host page and MockPandium's page inside it. */
export class PandiumFrame {
  readonly element: Locator;
  readonly timeout: number;
  // Per event type: the index after the last event this object returned.
  private readonly cursors = new Map<string, number>();

  private constructor(readonly page: Page, element: string | Locator, options: PandiumFrameOptions) {
    this.element = typeof element === "string" ? page.locator(element).first() : element;
    this.timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
  }

  /**
   * Start recording the page's `pandium:*` events; call it before `page.goto(...)`. `element` is a CSS
   * selector or a Locator (default: the first `pandium-embed`), found lazily.
   */
  static async attach(page: Page, element: string | Locator = "pandium-embed", options: PandiumFrameOptions = {}): Promise<PandiumFrame> {
    await page.addInitScript(recorder, EVENT_NAMES);
    await page.evaluate(recorder, EVENT_NAMES);
    return new PandiumFrame(page, element, options);
  }

  /** MockPandium's page inside the element's iframe. */
  get frame() {
    return this.element.locator("iframe").contentFrame();
  }

  private find(name: string): Locator {
    return this.frame.locator(testid(name));
  }

  /** Which page the frame shows once it has loaded: "marketplace", "install", "auth" or "error". */
  async showing(): Promise<string> {
    return (await this.find("pandium-page").getAttribute("data-page", { timeout: this.timeout })) ?? "";
  }

  /** The name the page shows for the signed-in user (display name, else full name, else sub). */
  async signedInAs(): Promise<string> {
    return this.find("signed-in-as").innerText({ timeout: this.timeout });
  }

  /** The reason code of a refused page ("expired", "replayed", "server-error", ...). */
  async refusal(): Promise<string> {
    return (await this.find("refusal").getAttribute("data-reason", { timeout: this.timeout })) ?? "";
  }

  /** Open one integration's set-up: its Install button on the marketplace, or check the install-only page is for it. */
  async install(integrationId: string | number): Promise<void> {
    const wanted = String(integrationId);
    const shown = await this.showing();
    if (shown === "marketplace") {
      const card = this.frame.locator(testid("integration") + attribute("data-integration-id", wanted));
      await card.locator(testid("install")).click({ timeout: this.timeout });
    } else if (shown !== "install") {
      throw new Error(`The frame shows MockPandium's "${shown}" page, not the marketplace or an install-only page.`);
    }
    const panel = this.find("install-panel");
    await panel.waitFor({ state: "visible", timeout: this.timeout });
    const panelId = await panel.getAttribute("data-integration-id", { timeout: this.timeout });
    if (panelId !== wanted) throw new Error(`The install-only page is for integration "${panelId}", not "${wanted}".`);
  }

  /** Click Save; resolves with the host page's `pandium:save-sync` detail ({tenant}). */
  async save(): Promise<Detail> {
    return this.after(() => this.find("save").click({ timeout: this.timeout }), "pandium:save-sync");
  }

  /** Click Cancel; resolves with the host page's `pandium:install-cancel` detail. */
  async cancel(): Promise<Detail> {
    return this.after(() => this.find("cancel").click({ timeout: this.timeout }), "pandium:install-cancel");
  }

  /**
   * On the Auth-Only page: click Connect, answer the consent popup, wait until it has closed. Resolves
   * with the `pandium:success` detail ({tenant, webhook_url}), or null when the connection was denied
   * (by `approve: false` or a `deny_consent` scenario).
   */
  async connect({ approve = true }: { approve?: boolean } = {}): Promise<Detail | null> {
    const cursor = await this.mark("pandium:success");
    const [popup] = await Promise.all([
      this.page.waitForEvent("popup", { timeout: this.timeout }),
      this.find("connect").click({ timeout: this.timeout }),
    ]);
    const closed = popup.waitForEvent("close", { timeout: this.timeout });
    try {
      await popup.locator(testid(approve ? "approve" : "deny")).click({ timeout: this.timeout, noWaitAfter: true });
    } catch (error) {
      // The consent window closes itself right after the answer; on a busy machine it can be gone
      // before Playwright reports the click as done. Only a window still open is an error.
      if (!popup.isClosed()) throw error;
    }
    await closed;
    const outcome = this.frame.locator(["connected", "denied"].map((word) => testid("status") + attribute("data-outcome", word)).join(", "));
    if ((await outcome.getAttribute("data-outcome", { timeout: this.timeout })) === "denied") return null;
    return this.next("pandium:success", cursor);
  }

  /** The detail of the next `name` event this object has not returned yet; waits for it if need be. */
  async waitForEvent(name: PandiumEventName): Promise<Detail> {
    return this.next(name, this.cursors.get(name) ?? 0);
  }

  /** Every `name` event of this element recorded so far, oldest first (no waiting). */
  async events(name: PandiumEventName): Promise<Detail[]> {
    const element = await this.element.elementHandle({ timeout: this.timeout });
    return this.page.evaluate(
      ([target, type]) => (window.__pandiumTestingEvents ?? []).filter((e) => e.type === type && e.target === target).map((e) => e.detail as Detail),
      [element, name] as const,
    );
  }

  private async mark(name: string): Promise<number> {
    // Events before an action are not its result.
    const cursor = await this.page.evaluate(() => (window.__pandiumTestingEvents ?? []).length);
    this.cursors.set(name, cursor);
    return cursor;
  }

  private async after(action: () => Promise<void>, name: string): Promise<Detail> {
    const cursor = await this.mark(name);
    await action();
    return this.next(name, cursor);
  }

  private async next(name: string, cursor: number): Promise<Detail> {
    const element = await this.element.elementHandle({ timeout: this.timeout });
    let found: { index: number; detail: Detail };
    try {
      const handle = await this.page.waitForFunction(
        ([target, type, from]) => {
          const events = window.__pandiumTestingEvents ?? [];
          for (let i = from; i < events.length; i++) {
            if (events[i].type === type && events[i].target === target) return { index: i, detail: events[i].detail as Detail };
          }
          return null;
        },
        [element, name, cursor] as const,
        { timeout: this.timeout },
      );
      found = (await handle.jsonValue()) as { index: number; detail: Detail };
    } catch (error) {
      if (!(error instanceof Error && error.name === "TimeoutError")) throw error;
      const seen = await this.page.evaluate(
        (target) => (window.__pandiumTestingEvents ?? []).filter((e) => e.target === target).map((e) => e.type),
        element,
      );
      throw new NoPandiumEvent(
        `No ${name} reached the host page within ${this.timeout / 1000} s (this element dispatched: ${seen.join(", ") || "nothing"}). ` +
          "A refused or failing Pandium page, or a 'silent' scenario, sends none.",
      );
    }
    this.cursors.set(name, found.index + 1);
    return found.detail;
  }
}

/** What the stand-in does wrong; the same fields as Python's `pandium_mock.scenario(...)`. */
export interface Scenario {
  /** Refuse the token with this reason code ("expired", "replayed", "bad-signature", ...). */
  reject?: string;
  /** Answer pages and the REST API with this 5xx status. */
  status?: number;
  /** Seconds to wait before answering a page or an API request (at most 60). */
  delay?: number;
  /** Pages load and work but post no message. */
  silent?: boolean;
  /** Top-level tenant fields that replace the generated ones. */
  tenant?: Record<string, unknown>;
  /** The consent popup's answer counts as denied, whichever button is clicked. */
  deny_consent?: boolean;
  /** How many page loads it applies to; left out: until reset. */
  times?: number;
}

/** A running `pandium-embed mock`, driven over HTTP (`/__mock__/scenario`, `/__mock__/records`). */
export class MockPandium {
  constructor(readonly url: string) {}

  /** Misbehave from now on; replaces the active scenario. Rejects with the mock's message on a bad field. */
  async scenario(scenario: Scenario): Promise<void> {
    const response = await fetch(`${this.url}/__mock__/scenario`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(scenario),
    });
    if (!response.ok) throw new Error(`MockPandium refused the scenario: ${(await response.json()).detail}`);
  }

  /** Behave again. */
  async reset(): Promise<void> {
    const response = await fetch(`${this.url}/__mock__/scenario`, { method: "DELETE" });
    if (!response.ok) throw new Error(`MockPandium did not reset its scenario (HTTP ${response.status}).`);
  }

  /** Accepted tokens' claims and refusals' reasons, as at `GET /__mock__/records`. */
  async records(): Promise<{ accepted: Detail[]; rejected: Detail[] }> {
    return (await fetch(`${this.url}/__mock__/records`)).json();
  }
}

/**
 * @playwright/test's `test` with a `pandiumMock` fixture: the stand-in at $PANDIUM_MOCK_URL (default
 * http://localhost:8001), its scenario reset before and after every test. Scenarios belong to the one
 * stand-in that every worker shares: run suites that set them with `workers: 1`.
 */
export const test = base.extend<{ pandiumMock: MockPandium }>({
  pandiumMock: [
    async ({}, use) => {
      const mock = new MockPandium(process.env.PANDIUM_MOCK_URL ?? "http://localhost:8001");
      await mock.reset();
      await use(mock);
      await mock.reset();
    },
    { auto: true },
  ],
});

/**
 * @playwright/test's own `expect` (the very object), so a suite imports `test` and `expect` from one place.
 * Declared here rather than re-exported so that the API reference, which leaves out what other packages
 * declare, lists it.
 */
export const expect = base.expect;
