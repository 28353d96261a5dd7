// Date flags (SPEC §4): 2026-03-01, 2026-03-01T10:00:00Z (or with an offset), or relative 7d / 12h.
import { UsageError } from './errors.js';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const RELATIVE = /^(\d+)([dhwm])$/;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** Parses a date flag value to an instant; relative values count back from `now`. */
export function parseDateFlag(text: string, flag: string, now: Date): Date {
  const value = text.trim();
  const rel = RELATIVE.exec(value);
  if (rel) return new Date(now.getTime() - Number(rel[1]) * (UNIT_MS[rel[2] as string] as number));
  const day = DAY.exec(value);
  if (day) {
    const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const t = Date.UTC(y, m - 1, d);
    const check = new Date(t);
    if (check.getUTCFullYear() === y && check.getUTCMonth() === m - 1 && check.getUTCDate() === d) return check;
  } else if (DATETIME.test(value)) {
    // no offset given: UTC, as documented
    const withZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(value) ? value : `${value}Z`;
    const t = Date.parse(withZone);
    if (!Number.isNaN(t)) return new Date(t);
  }
  throw new UsageError(
    `${flag} "${text}" is not a date`,
    `use a day (2026-03-01), a UTC time (2026-03-01T10:00:00Z) or a relative span (7d, 12h)`,
  );
}

/** Checks that --since comes before --until when both are given. */
export function assertRange(since: Date | undefined, until: Date | undefined): void {
  if (since && until && since.getTime() >= until.getTime()) {
    throw new UsageError(`--since (${since.toISOString()}) must be before --until (${until.toISOString()})`);
  }
}
