// Response checking: lenient to fields tally does not use, strict on the ones it does (exit 4 naming both).
import { toIsoUtc } from '../../core/dates.js';
import type { DeferredJsonResponse, KeyMask } from '../../core/http.js';
import { ShapeError } from '../../core/errors.js';
import { clipEcho } from '../../core/io.js';
import { Decimal } from '../../core/money.js';

export type Json = Record<string, unknown>;

/** Where a body came from: its endpoint, and the mask of the key its request carried (http.ts responses are both). */
export interface ResponseSource {
  endpoint: string;
  mask?: KeyMask;
}

/**
 * A reader over one response: knows the endpoint, so every complaint names it and the field, and the key the
 * request carried, so no complaint quotes it (a provider may echo the key in any field).
 */
export class ShapeReader {
  readonly endpoint: string;
  private readonly mask: KeyMask;

  constructor(source: string | ResponseSource) {
    this.endpoint = typeof source === 'string' ? source : source.endpoint;
    this.mask = (typeof source === 'string' ? undefined : source.mask) ?? ((text) => text);
  }

  /** Provider text for a message: the key masked first, then cut to `limit` characters (a cut key would not be found). */
  quote(text: string, limit: number): string {
    return clipEcho(this.mask(text), undefined, limit);
  }

  /** A value as a complaint names it: `the string "…"` (its first 30 characters), `number 12`, `an object`. */
  private describe(v: unknown): string {
    if (typeof v === 'string') {
      const shown = this.mask(v);
      return `the string "${shown.length > 30 ? `${shown.slice(0, 30)}…` : shown}"`;
    }
    return this.mask(describeValue(v));
  }

  fail(field: string, detail: string): never {
    throw new ShapeError(this.endpoint, field, detail);
  }

  object(value: unknown, field: string): Json {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail(field, `should be an object but is ${this.describe(value)}`);
    }
    return value as Json;
  }

  array(value: unknown, field: string): unknown[] {
    if (!Array.isArray(value)) this.fail(field, `should be an array but is ${this.describe(value)}`);
    return value;
  }

  string(obj: Json, key: string, field: string): string {
    const v = obj[key];
    if (typeof v !== 'string') this.fail(`${field}.${key}`, `should be a string but is ${this.describe(v)}`);
    return v;
  }

  optionalString(obj: Json, key: string, field: string): string | null {
    const v = obj[key];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') this.fail(`${field}.${key}`, `should be a string but is ${this.describe(v)}`);
    return v;
  }

  /** An id may be a number or a string; it is kept as text. */
  id(obj: Json, key: string, field: string): string {
    const v = obj[key];
    if (typeof v === 'string' && v !== '') return v;
    if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
    this.fail(`${field}.${key}`, `should be an id but is ${this.describe(v)}`);
  }

  integer(obj: Json, key: string, field: string): number {
    const v = obj[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
      this.fail(`${field}.${key}`, `should be an integer but is ${this.describe(v)}`);
    }
    return v;
  }

  /**
   * A page size the provider echoes (its limit, its page size) for a page of `entries`: a positive integer, or
   * undefined when it sends none. An empty page may say 0 (an API that echoes the entries it served): that
   * says nothing of the size it serves, and is no echo.
   */
  optionalPageSize(obj: Json, key: string, field: string, entries: number): number | undefined {
    if (obj[key] === undefined || obj[key] === null) return undefined;
    const size = this.integer(obj, key, field);
    if (size === 0 && entries === 0) return undefined;
    if (size < 1) this.fail(`${field}.${key}`, `should be a page size of at least 1 but is ${size}`);
    return size;
  }

  /** An exact decimal from a JSON number (via its shortest string) or a numeric string. */
  decimal(obj: Json, key: string, field: string): Decimal {
    const v = obj[key];
    const d = toDecimal(v);
    if (!d) this.fail(`${field}.${key}`, `should be a number but is ${this.describe(v)}`);
    return d;
  }

  optionalDecimal(obj: Json, key: string, field: string): Decimal | null {
    const v = obj[key];
    if (v === undefined || v === null) return null;
    return this.decimal(obj, key, field);
  }

  /** Integer minor units (cents, credits) as an exact decimal at `scale`. */
  minor(obj: Json, key: string, field: string, scale: number): Decimal {
    return Decimal.fromMinor(this.integer(obj, key, field), scale);
  }

  timestamp(obj: Json, key: string, field: string): string {
    const v = this.string(obj, key, field);
    const iso = toIsoUtc(v);
    if (iso === null) this.fail(`${field}.${key}`, `should be an ISO 8601 timestamp but is "${this.quote(v, 40)}"`);
    return iso;
  }

  /**
   * A unit as SPEC §2 knows them: an ISO 4217 code (three capital letters) or `credits`. Anything else is
   * refused rather than carried into a CSV cell or a table header (`=HYPERLINK(…)` as a currency).
   */
  unit(obj: Json, key: string, field: string, fallback: string): string {
    const v = this.optionalString(obj, key, field);
    if (v === null) return fallback;
    if (!UNIT.test(v)) this.fail(`${field}.${key}`, `should be an ISO 4217 code or "credits" but is ${this.describe(v)}`);
    return v;
  }

  /**
   * An entry's metadata: the provider's object, or null when it sent none or an empty one, so "nothing"
   * reads the same from every provider. Nesting past `METADATA_DEPTH` is refused, naming the entry:
   * JSON.stringify recurses, and 5,000 levels overflow its stack in `--json`.
   */
  metadata(obj: Json, key: string, field: string, entryId: string): Json | null {
    const v = obj[key];
    if (v === undefined || v === null) return null;
    const m = this.object(v, `${field}.${key}`);
    let empty = true;
    for (const k in m) {
      empty = false;
      if (!withinDepth(m[k], METADATA_DEPTH - 1)) {
        this.fail(`${field}.${key}`, `is nested deeper than ${METADATA_DEPTH} levels (entry ${this.quote(entryId, 40)})`);
      }
    }
    return empty ? null : m;
  }
}

/**
 * A fetched response to be read later (a page waiting its turn): calling the result parses the body and
 * hands it to `read` with a reader that names the response's endpoint in every complaint.
 */
export function readLater<P>(res: DeferredJsonResponse, read: (r: ShapeReader, body: unknown) => P): () => P {
  return () => read(new ShapeReader(res), res.body());
}

const UNIT = /^(?:[A-Z]{3}|credits)$/;

/** Far deeper than any provider documents (their metadata is flat), far shallower than a stack. */
export const METADATA_DEPTH = 64;

/** Whether `value` nests objects and arrays no deeper than `levels`; it stops looking once it is. */
function withinDepth(value: unknown, levels: number): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (levels === 0) return false;
  for (const k in value) {
    const child = (value as Record<string, unknown>)[k];
    // most metadata is flat: a call only for what nests
    if (typeof child === 'object' && child !== null && !withinDepth(child, levels - 1)) return false;
  }
  return true;
}

function toDecimal(v: unknown): Decimal | undefined {
  try {
    if (typeof v === 'number') return Decimal.fromNumber(v);
    if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())) return Decimal.parse(v);
  } catch {
    return undefined;
  }
  return undefined;
}

/** What a value that is not a string is, in words (ShapeReader.describe says a string itself). */
function describeValue(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v)) return `${v}, beyond exact range`;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}
