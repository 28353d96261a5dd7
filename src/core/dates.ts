// Date flags (SPEC §4): 2026-03-01, 2026-03-01T10:00:00Z (or with an offset), or relative 30min / 12h / 7d / 2w;
// a value without an offset, and --month YYYY-MM, in the --tz zone (UTC without it).
import { UsageError } from './errors.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const RELATIVE = /^(\d+)(min|h|d|w)$/;
const UNIT_MS: Record<string, number> = { min: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };
/** `2m`: minutes to some, months to others; either reading gives a quietly wrong period, so it is refused. */
const AMBIGUOUS = /^(\d+)m$/;
/** The forms a date flag takes, as a refusal's hint. */
const FORMS = 'use a day (2026-03-01), a UTC time (2026-03-01T10:00:00Z) or a span back from now: 30min, 12h, 7d, 2w';
const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];

/** The number written in text[from, to) in decimal digits, or -1 if one is not a digit. */
function digitsAt(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/**
 * Whether text that starts with YYYY-MM-DD names a day on the calendar. Date.parse rolls
 * 2026-02-31 over into March 3 without a word; tally refuses it instead.
 */
function onCalendar(text: string): boolean {
  if (text.length < 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return true; // not this form
  const y = digitsAt(text, 0, 4);
  const m = digitsAt(text, 5, 7);
  const d = digitsAt(text, 8, 10);
  if (y < 0 || m < 0 || d < 0) return true; // not this form: Date.parse judges it alone
  return m >= 1 && m <= 12 && d >= 1 && dayInMonth(text);
}

/** For text known to start with a well-formed YYYY-MM-DD: whether its month has that day. */
function dayInMonth(text: string): boolean {
  const d = (text.charCodeAt(8) - 48) * 10 + (text.charCodeAt(9) - 48);
  if (d <= 28) return true; // called for every ledger entry: most days need no more
  const check = new Date(0);
  check.setUTCFullYear(digitsAt(text, 0, 4), digitsAt(text, 5, 7) - 1, d); // not Date.UTC, which reads years 0–99 as 1900–1999
  return check.getUTCDate() === d;
}

/** `1M`, `2mo`, `3 months`; `2m` alone is AMBIGUOUS. */
const MONTH_SPAN = /^(\d+)\s*(?:M|[Mm]os?|[Mm]onths?)$/;
/** `1y`, `2yr`, `3 years`. */
const YEAR_SPAN = /^(\d+)\s*(?:[Yy]|[Yy]rs?|[Yy]ears?)$/;

/** " or a day (2026-10-23)": the same day n months before `now` (the month's last where it has none), or "" past any date. */
function orDayBack(now: Date, n: number): string {
  const lastDay = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - n + 1, 0)).getUTCDate();
  const back = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - n, Math.min(now.getUTCDate(), lastDay)));
  return Number.isNaN(back.getTime()) ? '' : ` or a day (${back.toISOString().slice(0, 10)})`;
}

/**
 * Parses a date flag value to an instant; relative values count back from `now`. A day or a time without an
 * offset is wall time in `zone` (SPEC §4: the --tz zone when given, else UTC).
 */
export function parseDateFlag(text: string, flag: string, now: Date, zone = 'UTC'): Date {
  const value = text.trim();
  const rel = RELATIVE.exec(value);
  if (rel) {
    const at = new Date(now.getTime() - Number(rel[1]) * (UNIT_MS[rel[2] as string] as number));
    // a span past the first date a Date holds (some 270,000 years) would be an Invalid Date, thrown later as a bug
    if (Number.isNaN(at.getTime())) throw new UsageError(`${flag} "${text}" reaches back past any date`, FORMS);
    return at;
  }
  const ambiguous = AMBIGUOUS.exec(value);
  if (ambiguous) {
    const n = Number(ambiguous[1]);
    const words = NUMBER_WORDS[n] ?? String(n);
    throw new UsageError(
      `${flag} "${text}" is ambiguous: m could be minutes or months`,
      `write ${n}min for ${words} minute${n === 1 ? '' : 's'}, or ${n * 30}d${orDayBack(now, n)} for about ${words} month${n === 1 ? '' : 's'}`,
    );
  }
  // months and years have no span of their own (their length varies): say what was probably meant
  const calendar = MONTH_SPAN.exec(value) ?? YEAR_SPAN.exec(value);
  if (calendar) {
    const n = Number(calendar[1]);
    const years = YEAR_SPAN.test(value);
    const unit = years ? 'year' : 'month';
    throw new UsageError(
      `${flag} "${text}" is not a date: tally counts spans in min, h, d and w`,
      `write ${n * (years ? 365 : 30)}d${orDayBack(now, years ? n * 12 : n)} for about ${NUMBER_WORDS[n] ?? String(n)} ${unit}${n === 1 ? '' : 's'}`,
    );
  }
  if (DAY.test(value)) {
    if (onCalendar(value)) return inZone(Date.parse(`${value}T00:00:00Z`), zone);
  } else if (DATETIME.test(value) && onCalendar(value)) {
    const offset = /(Z|[+-]\d{2}:?\d{2})$/i.test(value);
    // no offset given: wall time in the zone, read as if UTC and then moved by the zone's offset
    const t = Date.parse(offset ? value : `${value}Z`);
    if (!Number.isNaN(t)) return offset ? new Date(t) : inZone(t, zone);
  }
  throw new UsageError(`${flag} "${text}" is not a date`, FORMS);
}

/** How far `zone`'s clocks are ahead of UTC at instant `ms`, in ms (whole seconds: tz offsets have no fraction). */
export function offsetAt(ms: number, zone: string): number {
  const at = Math.floor(ms / 1000) * 1000;
  const [day, time] = formatInZone(new Date(at).toISOString(), zone).split(' ') as [string, string];
  return Date.parse(`${day}T${time}Z`) - at;
}

/**
 * The instant at which `zone`'s clocks show `wall` (a wall time written as if it were UTC, in ms). UTC costs
 * nothing: Intl, slow to start, is loaded only for another zone. Where the clocks skip the time (spring),
 * it is read as the time after the gap, as the clocks would show it; where they show it twice (autumn),
 * the first: what a calendar does (Temporal's "compatible").
 */
function inZone(wall: number, zone: string): Date {
  if (zone === 'UTC') return new Date(wall);
  // the offsets a day either side: around a change of the clocks they differ, and one of them is the answer
  const before = offsetAt(wall - 86_400_000, zone);
  const after = offsetAt(wall + 86_400_000, zone);
  const fits = (offset: number) => offsetAt(wall - offset, zone) === offset;
  if (fits(before)) return new Date(wall - before); // the earlier instant when both fit
  if (fits(after)) return new Date(wall - after);
  // a skipped time: at the offset before the change, which lands as far past the gap as it was into it
  return new Date(wall - before);
}

/** A calendar month: `--month 2026-11`. */
export interface Month {
  year: number;
  /** 1 to 12. */
  month: number;
}

const MONTH_HINT = 'give a year and a month, such as --month 2026-11';

/** `--month YYYY-MM`; anything else is exit 2. */
export function parseMonth(text: string, flag = '--month'): Month {
  const m = /^(\d{4})-(\d{2})$/.exec(text);
  if (!m) throw new UsageError(`${flag} "${text}" is not a month`, MONTH_HINT);
  const month = Number(m[2]);
  if (month < 1 || month > 12) throw new UsageError(`${flag} "${text}" is not a month: months run from 01 to 12`, MONTH_HINT);
  return { year: Number(m[1]), month };
}

/** "2026-11". */
export function monthText(m: Month): string {
  return `${String(m.year).padStart(4, '0')}-${String(m.month).padStart(2, '0')}`;
}

/** Midnight starting the 1st of a month (month 13 is January of the next year), as a wall time in ms. */
function monthStartWall(year: number, month: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, 1); // not Date.UTC, which reads years 0–99 as 1900–1999
  return d.getTime();
}

/** A calendar month in `zone`: from its first local midnight, inclusive, to the next month's, exclusive. */
export function monthPeriod(m: Month, zone: string): { since: Date; until: Date } {
  return { since: inZone(monthStartWall(m.year, m.month), zone), until: inZone(monthStartWall(m.year, m.month + 1), zone) };
}

/** The month before the one `at` falls in, in `zone`: the last complete month. */
export function monthBefore(at: Date, zone: string): Month {
  const [year, month] = (zone === 'UTC' ? at.toISOString() : formatInZone(at.toISOString(), zone)).split('-').map(Number) as [
    number,
    number,
  ];
  return month === 1 ? { year: year - 1, month: 12 } : { year, month: month - 1 };
}

/** A UTC date and time to the second with fields in range: "2026-05-21T14:08:11" (days past 28 are checked apart). */
const UTC_SECONDS = String.raw`\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d`;

/** 2026-05-21T14:08:11Z or with up to three fraction digits; the groups are the seconds part and the fraction. */
const CANONICAL_UTC = new RegExp(`^(${UTC_SECONDS})(\\.\\d{1,3})?Z$`);

/** The same with exactly three fraction digits: tally's own form. */
const CANONICAL_MS = new RegExp(`^${UTC_SECONDS}\\.\\d{3}Z$`);

/** An ISO 8601 day, or day and time, without a zone: "2026-05-21 14:08:11", "2026-05-21T14:08:11.5". */
const ZONELESS = /^(\d{4}-\d{2}-\d{2})(?:[Tt ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?$/;

/** Text in another form Date.parse reads names its zone at its end (GMT, +0200, "+0200 (CEST)", Z). */
const NAMES_ZONE = /(?:Z|UTC?|GMT|[ECMP][SD]T|[+-]\d{2}:?\d{2})(?:\s*\([^()]*\))?$/i;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** 2026-05-21, 2026/5/21, 2026.05.21 at the start */
const NUMERIC_DAY = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)/;
/** "Thu, 21 May 2026", "21 May 2026" */
const DAY_MONTH = /^(?:[a-z]{3},?\s+)?(\d{1,2})\s+([a-z]{3})\s+(\d{4})(?!\d)/i;
/** "Thu May 21 2026", "May 21, 2026" (Date's own toString) */
const MONTH_DAY = /^(?:[a-z]{3},?\s+)?([a-z]{3})\s+(\d{1,2}),?\s+(\d{4})(?!\d)/i;

/**
 * Whether a timestamp in a form other than ISO names a day its month has. Date.parse rolls 30 February over
 * to 2 March without a word; only the forms whose day can be checked are read at all.
 */
function namedDayExists(text: string): boolean {
  const exists = (y: number, m: number, d: number) => {
    if (!(m >= 1 && m <= 12 && d >= 1)) return false;
    const check = new Date(0);
    check.setUTCFullYear(y, m - 1, d);
    return check.getUTCDate() === d;
  };
  const month = (name: string) => MONTHS.indexOf(name.toLowerCase()) + 1;
  let m = NUMERIC_DAY.exec(text);
  if (m) return exists(Number(m[1]), Number(m[2]), Number(m[3]));
  m = DAY_MONTH.exec(text);
  if (m) return exists(Number(m[3]), month(m[2] as string), Number(m[1]));
  m = MONTH_DAY.exec(text);
  if (m) return exists(Number(m[3]), month(m[1] as string), Number(m[2]));
  return false;
}

/**
 * A timestamp as ISO 8601 UTC with milliseconds ("2026-05-21T14:08:11.000Z"), or null if it is not one.
 * Text already in that form (the usual case) is normalised without a Date round trip. A time without a
 * zone is UTC (SPEC §2): Date.parse would read it in the machine's zone, so the same ledger would export
 * differently on a laptop in Kolkata; other forms are read only when they name their zone, for that reason.
 */
export function toIsoUtc(text: string): string | null {
  if (text.length === 24 && CANONICAL_MS.test(text)) return dayInMonth(text) ? text : null; // already canonical: no match array
  if (!onCalendar(text)) return null;
  const m = CANONICAL_UTC.exec(text);
  if (m) return m[2] === undefined ? `${m[1]}.000Z` : m[2].length === 4 ? text : `${m[1]}${m[2].padEnd(4, '0')}Z`;
  const zoneless = ZONELESS.exec(text);
  const t = zoneless
    ? Date.parse(`${zoneless[1]}T${zoneless[2] ?? '00:00'}Z`)
    : NAMES_ZONE.test(text) && namedDayExists(text)
      ? Date.parse(text)
      : NaN;
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** The zone tables show times in: --tz, else the system's. Exit 2 for a zone Intl does not know. */
export function resolveZone(tz: string | undefined): string {
  if (tz === undefined) return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    // as the user spelled it: ICU would rename some (Asia/Kolkata to Asia/Calcutta)
    return tz;
  } catch {
    throw new UsageError(`--tz "${tz}" is not a time zone`, 'give an IANA zone such as UTC, Europe/Paris or America/New_York');
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The one formatter of wall times in a zone (year to second, 24-hour), made once per zone. */
export function zoneFormatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** An ISO instant as "2026-03-09 15:32:00" in `zone`, for tables (CSV and JSON stay ISO UTC). */
export function formatInZone(iso: string, zone: string): string {
  const parts = Object.fromEntries(
    zoneFormatter(zone)
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/** A provider's timestamp as a table shows it in `zone`; text that is not a timestamp is shown as it came. */
export function localTime(text: string, zone: string): string {
  const iso = toIsoUtc(text);
  return iso === null ? text : formatInZone(iso, zone);
}

/** A period for a sentence, naming its zone once: "2026-03-09 15:32:00 → 2026-03-10 09:00:00 (Europe/Berlin)". */
export function formatSpanInZone(from: string | null, to: string | null, zone: string): string {
  return `${from === null ? '…' : localTime(from, zone)} → ${to === null ? '…' : localTime(to, zone)} (${zone})`;
}

/** Checks that --since comes before --until when both are given. */
export function assertRange(since: Date | undefined, until: Date | undefined): void {
  if (since && until && since.getTime() >= until.getTime()) {
    throw new UsageError(`--since (${since.toISOString()}) must be before --until (${until.toISOString()})`);
  }
}
