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
import { type Locator, type Page } from "@playwright/test";
import { type PandiumEventType } from "pandium-embed";
export declare const DEFAULT_TIMEOUT_MS = 15000;
/** What <pandium-embed> dispatches (from its one event table); each bubbles to document, where the recorder listens. */
export declare const EVENT_NAMES: readonly PandiumEventType[];
export type PandiumEventName = PandiumEventType;
/** A detail as JSON (what the host page's listener received). */
export type Detail = {
    [key: string]: any;
};
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
/** The host page did not receive the expected `pandium:*` event in time. */
export declare class NoPandiumEvent extends Error {
    name: string;
}
export interface PandiumFrameOptions {
    /** Per wait, in milliseconds (default 15 s: generous for busy CI machines). */
    timeout?: number;
}
/** A <pandium-embed> element on your host page and MockPandium's page inside it. */
export declare class PandiumFrame {
    readonly page: Page;
    readonly element: Locator;
    readonly timeout: number;
    private readonly cursors;
    private constructor();
    /**
     * Start recording the page's `pandium:*` events; call it before `page.goto(...)`. `element` is a CSS
     * selector or a Locator (default: the first `pandium-embed`), found lazily.
     */
    static attach(page: Page, element?: string | Locator, options?: PandiumFrameOptions): Promise<PandiumFrame>;
    /** MockPandium's page inside the element's iframe. */
    get frame(): import("playwright-core").FrameLocator;
    private find;
    /** Which page the frame shows once it has loaded: "marketplace", "install", "auth" or "error". */
    showing(): Promise<string>;
    /** The name the page shows for the signed-in user (display name, else full name, else sub). */
    signedInAs(): Promise<string>;
    /** The reason code of a refused page ("expired", "replayed", "server-error", ...). */
    refusal(): Promise<string>;
    /** Open one integration's set-up: its Install button on the marketplace, or check the install-only page is for it. */
    install(integrationId: string | number): Promise<void>;
    /** Click Save; resolves with the host page's `pandium:save-sync` detail ({tenant}). */
    save(): Promise<Detail>;
    /** Click Cancel; resolves with the host page's `pandium:install-cancel` detail. */
    cancel(): Promise<Detail>;
    /**
     * On the Auth-Only page: click Connect, answer the consent popup, wait until it has closed. Resolves
     * with the `pandium:success` detail ({tenant, webhook_url}), or null when the connection was denied
     * (by `approve: false` or a `deny_consent` scenario).
     */
    connect({ approve }?: {
        approve?: boolean;
    }): Promise<Detail | null>;
    /** The detail of the next `name` event this object has not returned yet; waits for it if need be. */
    waitForEvent(name: PandiumEventName): Promise<Detail>;
    /** Every `name` event of this element recorded so far, oldest first (no waiting). */
    events(name: PandiumEventName): Promise<Detail[]>;
    private mark;
    private after;
    private next;
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
export declare class MockPandium {
    readonly url: string;
    constructor(url: string);
    /** Misbehave from now on; replaces the active scenario. Rejects with the mock's message on a bad field. */
    scenario(scenario: Scenario): Promise<void>;
    /** Behave again. */
    reset(): Promise<void>;
    /** Accepted tokens' claims and refusals' reasons, as at `GET /__mock__/records`. */
    records(): Promise<{
        accepted: Detail[];
        rejected: Detail[];
    }>;
}
/**
 * @playwright/test's `test` with a `pandiumMock` fixture: the stand-in at $PANDIUM_MOCK_URL (default
 * http://localhost:8001), its scenario reset before and after every test. Scenarios belong to the one
 * stand-in that every worker shares: run suites that set them with `workers: 1`.
 */
export declare const test: import("playwright/test").TestType<import("playwright/test").PlaywrightTestArgs & import("playwright/test").PlaywrightTestOptions & {
    pandiumMock: MockPandium;
}, import("playwright/test").PlaywrightWorkerArgs & import("playwright/test").PlaywrightWorkerOptions>;
/**
 * @playwright/test's own `expect` (the very object), so a suite imports `test` and `expect` from one place.
 * Declared here rather than re-exported so that the API reference, which leaves out what other packages
 * declare, lists it.
 */
export declare const expect: import("playwright/test").Expect<{}>;
export {};
