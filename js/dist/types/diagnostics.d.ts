/**
 * The development build's explanations: why a message was dropped, why a frame shows the wrong page or
 * stays silent, why a route refused. Each call site is guarded by `if (__DEV__)`, so the production build
 * has neither this module nor any of its texts.
 */
import type { PandiumDiagnosticReason } from "./types.js";
/**
 * Say why, once per text and page on the console (a misconfiguration is said once, not per message),
 * and each time as `pandium:diagnostic` on the element, for a dev overlay or a test to show.
 */
export declare function diagnose(element: Element, reason: PandiumDiagnosticReason, text: string): void;
/** The windows of every element's frame and popup: a message from one of them is another element's. */
export declare const elementWindows: WeakSet<Window>;
/** A route's refusal as the middleware words it (`{"error", "status", "message"}`), or its status alone. */
export declare function refusal(response: Response): Promise<string>;
