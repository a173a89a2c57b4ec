/**
 * What a wire message from Pandium's page must look like, and how it becomes an event's detail.
 * The rules are applied in order by `PandiumEmbed`'s message listener (element.ts).
 */

import { EVENTS, type PandiumEventName } from "./events.js";
import type { PandiumJSON } from "./types.js";

/** Wire names: `pandium-` and 1 to 64 lower-case letters, digits or dashes; nothing else is Pandium's. */
export const MESSAGE_NAME = /^pandium-[a-z0-9-]{1,64}$/;

export const enum Wire {
  Prefix = "pandium-",
  /** The height message: applied to the frame, and never an event of its own (`resize` is the loader's). */
  Height = "content-height-change",
}

/**
 * A wire name's entry in `EVENTS` (events.ts): the fields a lifecycle message copies into its detail,
 * 0 for a name the loader emits itself (it never becomes an event of its own, only `pandium:message`),
 * or undefined for every other name (the event carries the whole copy). An own-property lookup:
 * `pandium-constructor` is a valid wire name.
 */
export function eventEntry(type: string): (typeof EVENTS)[PandiumEventName] | undefined {
  return Object.hasOwn(EVENTS, type) ? EVENTS[type as PandiumEventName] : undefined;
}

/** The lifecycle messages forwarded to `POST <prefix>/events` by `<pandium-embed report>`. */
export const REPORTED: readonly PandiumEventName[] = ["success", "save-sync"];

/**
 * Per element and second: the events of each lifecycle kind, and of everything else together (so no
 * flood of heights or other messages, nor a burst of another lifecycle kind, can starve one); the
 * reports of each reported kind to the backend (a repeat of the last report is not sent at all).
 */
export const enum RatePerSecond {
  Events = 100,
  Reports = 5,
}

/** One message may hold this much in all (keys included); past any limit the whole message is dropped. */
const enum Max {
  Entries = 10_000, // values and object keys
  Characters = 1 << 20, // in string values and in keys
  Depth = 32,
}

/**
 * Keys never copied: structured clone keeps an own `__proto__` key (from `JSON.parse`), and a detail
 * merged anywhere with one would reach a prototype.
 */
const UNSAFE_KEY = /^(__proto__|constructor|prototype)$/;

export type PlainObject = { readonly [key: string]: unknown };

/**
 * Only objects whose prototype is `Object.prototype` or `null` are data: arrays, dates, maps and class
 * instances are not (in a detail they become `null`).
 */
export function isPlainObject(value: unknown): value is PlainObject {
  const prototype = value && typeof value == "object" ? Object.getPrototypeOf(value) : undefined;
  return prototype === Object.prototype || prototype === null;
}

/**
 * A rate budget: `take()` is true for at most `perSecond` calls in each one-second window (a window
 * starts at the first call after the last one ended).
 */
export function rateBudget(perSecond: number): () => boolean {
  let windowStart = -Infinity;
  let taken = 0;
  return () => {
    const now = Date.now();
    if (now - windowStart >= 1000) {
      windowStart = now;
      taken = 0;
    }
    return ++taken <= perSecond;
  };
}

interface SizeBudget {
  entries: number;
  characters: number;
}

/**
 * A frozen deep copy of a message, or `undefined` when it is over the size budget. Every value and
 * every key counts as an entry, and the characters of string values and keys count together.
 */
export function copyMessage(message: PlainObject): PlainObject | undefined {
  const budget: SizeBudget = { entries: Max.Entries, characters: Max.Characters };
  try {
    return copy(message, 0, budget) as PlainObject;
  } catch {
    return undefined; // `spend` threw: over the budget
  }
}

function spend(budget: SizeBudget, characters: number): void {
  if (--budget.entries < 0 || (budget.characters -= characters) < 0) throw budget;
}

function copy(value: unknown, depth: number, budget: SizeBudget): PandiumJSON {
  if (depth > Max.Depth) throw budget;
  spend(budget, typeof value == "string" ? value.length : 0);
  if (!value || typeof value != "object") return value as PandiumJSON;
  // `Array.from` reads indices up to `length` (holes included, each one an entry), never an own property.
  if (Array.isArray(value)) return Object.freeze(Array.from(value, (item) => copy(item, depth + 1, budget)));
  if (!isPlainObject(value)) return null;
  const result: Record<string, PandiumJSON> = {};
  for (const key of Object.keys(value)) {
    spend(budget, key.length);
    if (!UNSAFE_KEY.test(key)) result[key] = copy(value[key], depth + 1, budget);
  }
  return Object.freeze(result);
}
