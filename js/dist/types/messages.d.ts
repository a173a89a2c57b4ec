/**
 * What a wire message from Pandium's page must look like, and how it becomes an event's detail.
 * The rules are applied in order by `PandiumEmbed`'s message listener (element.ts).
 */
import { EVENTS, type PandiumEventName } from "./events.js";
/** Wire names: `pandium-` and 1 to 64 lower-case letters, digits or dashes; nothing else is Pandium's. */
export declare const MESSAGE_NAME: RegExp;
export declare const enum Wire {
    Prefix = "pandium-",
    /** The height message: applied to the frame, and never an event of its own (`resize` is the loader's). */
    Height = "content-height-change"
}
/**
 * A wire name's entry in `EVENTS` (events.ts): the fields a lifecycle message copies into its detail,
 * 0 for a name the loader emits itself (it never becomes an event of its own, only `pandium:message`),
 * or undefined for every other name (the event carries the whole copy). An own-property lookup:
 * `pandium-constructor` is a valid wire name.
 */
export declare function eventEntry(type: string): (typeof EVENTS)[PandiumEventName] | undefined;
/** The lifecycle messages forwarded to `POST <prefix>/events` by `<pandium-embed report>`. */
export declare const REPORTED: readonly PandiumEventName[];
/**
 * Per element and second: the events of each lifecycle kind, and of everything else together (so no
 * flood of heights or other messages, nor a burst of another lifecycle kind, can starve one); the
 * reports of each reported kind to the backend (a repeat of the last report is not sent at all).
 */
export declare const enum RatePerSecond {
    Events = 100,
    Reports = 5
}
export type PlainObject = {
    readonly [key: string]: unknown;
};
/**
 * Only objects whose prototype is `Object.prototype` or `null` are data: arrays, dates, maps and class
 * instances are not (in a detail they become `null`).
 */
export declare function isPlainObject(value: unknown): value is PlainObject;
/**
 * A rate budget: `take()` is true for at most `perSecond` calls in each one-second window (a window
 * starts at the first call after the last one ended).
 */
export declare function rateBudget(perSecond: number): () => boolean;
/**
 * A frozen deep copy of a message, or `undefined` when it is over the size budget. Every value and
 * every key counts as an entry, and the characters of string values and keys count together.
 */
export declare function copyMessage(message: PlainObject): PlainObject | undefined;
