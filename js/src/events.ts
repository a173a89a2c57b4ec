/**
 * Every event `<pandium-embed>` dispatches, in one table: its name (the DOM event is `pandium:<name>`),
 * the type of its detail, and where it comes from. Everything else is derived from this table: the event
 * map that types `addEventListener`, React's `on<Name>` callbacks, the testing kit's recorder, and which
 * wire messages become events of their own. Python's `pandium_embed.testing.EVENT_NAMES` and the message
 * schema are held to it by tests/integration/test_event_vocabulary.py.
 *
 * A new event is one entry here, plus the code that emits it (for a lifecycle message, none: the
 * message listener emits every `Copies` entry).
 */

import type {
  PandiumCancelDetail,
  PandiumCloseDetail,
  PandiumDiagnosticDetail,
  PandiumErrorDetail,
  PandiumLoadDetail,
  PandiumMessageDetail,
  PandiumResizeDetail,
  PandiumSuccessDetail,
  PandiumTenantDetail,
} from "./types.js";

declare const detail: unique symbol;
/** Carries an event's detail type on its table entry (types only: nothing at run time). */
interface Detailed<Detail> {
  readonly [detail]?: Detail;
}
/**
 * `0 as Own<Detail>`: an event the loader emits itself. A wire message of its name (`pandium-load`) never
 * becomes it, only `pandium:message`: Pandium's page, or anything impersonating it, cannot forge the
 * loader's own signals.
 */
type Own<Detail> = 0 & Detailed<Detail>;
/**
 * `["field", ...] as Copies<Detail>`: a lifecycle message users act on (`pandium-<name>` on the wire),
 * whose detail is these fields of the message (a field the detail type lacks does not compile).
 * Each lifecycle kind has a rate budget of its own, so no flood of heights or other messages, nor a
 * burst of another lifecycle kind, can starve it.
 */
type Copies<Detail> = readonly (keyof Detail & string)[] & Detailed<Detail>;

export const EVENTS = {
  load: 0 as Own<PandiumLoadDetail>,
  resize: 0 as Own<PandiumResizeDetail>,
  success: ["tenant", "webhook_url"] as Copies<PandiumSuccessDetail>,
  "install-cancel": ["tenant"] as Copies<PandiumCancelDetail>,
  "save-sync": ["tenant"] as Copies<PandiumTenantDetail>,
  error: 0 as Own<PandiumErrorDetail>,
  message: 0 as Own<PandiumMessageDetail>,
  close: 0 as Own<PandiumCloseDetail>,
  diagnostic: 0 as Own<PandiumDiagnosticDetail>,
};

/** An event's name without its `pandium:` prefix, e.g. `"save-sync"`. */
export type PandiumEventName = keyof typeof EVENTS;

/** Each event's detail by name. */
export type PandiumEventDetails = {
  [Name in PandiumEventName]: (typeof EVENTS)[Name] extends Detailed<infer Detail> ? Detail : never;
};

/** The DOM events, e.g. `"pandium:save-sync": CustomEvent<PandiumTenantDetail>`. */
export type PandiumEmbedEventMap = {
  [Name in PandiumEventName as `pandium:${Name}`]: CustomEvent<PandiumEventDetails[Name]>;
};

/** A DOM event name, e.g. `"pandium:save-sync"`. */
export type PandiumEventType = keyof PandiumEmbedEventMap;
