// Flags more than one command takes (--since/--until, --type), and the parsers every command's parse uses.
import type { FlagSpec, RawInput } from '../core/command.js';
import { assertRange, monthPeriod, parseDateFlag, parseMonth } from '../core/dates.js';
import { UsageError } from '../core/errors.js';
import type { Decimal } from '../core/money.js';
import type { LedgerFilter } from '../providers/shared/filter.js';

export const DATE_FLAGS: readonly FlagSpec[] = [
  {
    flags: '--since <date>',
    help: 'from this instant, inclusive: 2026-03-01, 2026-03-01T10:00 (in the --tz zone, else UTC), 2026-03-01T10:00:00Z or with an offset, or a span back from now: 30min, 12h, 7d, 2w',
  },
  { flags: '--until <date>', help: 'before this instant, exclusive (same forms as --since)' },
  {
    flags: '--month <YYYY-MM>',
    help: 'the calendar month, midnight to midnight in the --tz zone (else UTC); instead of --since and --until',
  },
];

export const TYPE_FLAG: FlagSpec = {
  flags: '--type <type>',
  help: "only entries of this type: purchase, usage, refund, credit, debit, adjustment, subscription, or the provider's own word; repeat it or give a comma list for several",
  repeatable: true,
  // offered by the shell, not enforced: the provider's own words are accepted too
  complete: 'entry-type',
};

/**
 * --since and --until as instants, the one before the other, or --month as its first and next month's
 * first midnight; a value without an offset, and the month, in the --tz zone, else UTC (SPEC §4).
 */
export function parsePeriod(raw: RawInput): { since?: Date; until?: Date } {
  const zone = raw.globals.tz ?? 'UTC';
  if (typeof raw.flags.month === 'string') {
    if (raw.flags.since !== undefined || raw.flags.until !== undefined) {
      throw new UsageError(
        '--month is a whole period; it does not go with --since or --until',
        'use --month 2026-11, or --since and --until',
      );
    }
    return monthPeriod(parseMonth(raw.flags.month), zone);
  }
  const since = typeof raw.flags.since === 'string' ? parseDateFlag(raw.flags.since, '--since', raw.now, zone) : undefined;
  const until = typeof raw.flags.until === 'string' ? parseDateFlag(raw.flags.until, '--until', raw.now, zone) : undefined;
  assertRange(since, until);
  return { since, until };
}

/** --since, --until and --type; the type is checked against the provider when the command runs. */
export function parseFilter(raw: RawInput): LedgerFilter {
  const given = Array.isArray(raw.flags.type) ? (raw.flags.type as string[]) : [];
  // `--type "$T"` with T unset would otherwise list every type, quietly
  const empty = given.find((t) => t.split(',').every((part) => part.trim() === ''));
  if (empty !== undefined) throw new UsageError(`--type "${empty}" names no type`, 'such as --type usage or --type purchase,refund');
  const types = [...new Set(given.flatMap((t) => t.split(',')).map((t) => t.trim()))].filter((t) => t !== '');
  return { ...parsePeriod(raw), types: types.length > 0 ? types : undefined };
}

/** A whole number of at least `min` (--limit, --offset). */
export function positiveInt(raw: unknown, flag: string, min: number): number {
  const text = String(raw);
  if (!/^\d+$/.test(text) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`${flag} "${text}" is not a whole number${min > 0 ? ` of at least ${min}` : ''}`, `such as ${flag} 20`);
  }
  return Number(text);
}

/** A whole number from `min` to `max` (--port, --seed, --entries). */
export function wholeNumber(raw: unknown, flag: string, min: number, max: number): number {
  const text = String(raw);
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`${flag} "${text}" is not a whole number from ${min} to ${max}`);
  }
  return Number(text);
}

/**
 * An exact amount (--min, --tolerance); `example` is what the hint suggests. core/money loads here, not with
 * the flags: the commands that take no amount (and their help) never compile it.
 */
export async function amountFlag(raw: unknown, flag: string, example: string): Promise<Decimal | undefined> {
  if (raw === undefined) return undefined;
  const { parseAmount } = await import('../core/money.js');
  try {
    return parseAmount(String(raw));
  } catch {
    throw new UsageError(`${flag} "${String(raw)}" is not an amount`, `give a decimal such as ${example}`);
  }
}

/** A number of days, whole or not (--min-days 7, --min-days 2.5), exact; never negative. */
export async function daysFlag(raw: unknown, flag: string): Promise<Decimal | undefined> {
  if (raw === undefined) return undefined;
  const text = String(raw);
  if (/^\d+(\.\d+)?$/.test(text)) {
    const { Decimal } = await import('../core/money.js');
    return Decimal.parse(text);
  }
  throw new UsageError(`${flag} "${text}" is not a number of days`, `such as ${flag} 7 or ${flag} 2.5`);
}

const MAX_DAYS = 36_500;

/** A profile's thresholds (`profiles add` and `set`), as `balance` uses them when no flag overrides them. */
export const THRESHOLD_FLAGS: readonly FlagSpec[] = [
  { flags: '--min <amount>', help: '`balance` exits 1 when the available balance is below this (in its own unit)' },
  { flags: '--min-days <n>', help: "`balance` exits 1 when the runway at the last 7 days' burn is shorter than this (days)" },
];

/** A threshold as a profile stores it: `min` a decimal string, `minDays` a number; null clears it (`none`). */
export interface ThresholdChange {
  min?: string | null;
  minDays?: number | null;
}

/** --min and --min-days of `profiles add` (`clearable` false) or `profiles set`, where `none` clears one. */
export async function parseThresholds(raw: RawInput, clearable: boolean): Promise<ThresholdChange> {
  const change: ThresholdChange = {};
  const none = (v: unknown) => clearable && v === 'none';
  const hint = clearable ? ', or none to clear it' : '';
  if (none(raw.flags.min)) change.min = null;
  else if (raw.flags.min !== undefined) {
    const min = await amountFlag(raw.flags.min, '--min', `--min 10 or --min 2.50${hint}`);
    // as many decimals as given: 2.50 stays 2.50
    change.min = min?.toString(min.scale);
  }
  if (none(raw.flags.minDays)) change.minDays = null;
  else if (raw.flags.minDays !== undefined) {
    const days = await daysFlag(raw.flags.minDays, '--min-days');
    // stored as a JSON number: whole days and tenths read back exactly, and no runway needs a century
    if (days !== undefined && (days.scale > 1 || Number(days.toString()) > MAX_DAYS)) {
      throw new UsageError(`--min-days "${String(raw.flags.minDays)}" is not a number of days up to ${MAX_DAYS}, to a tenth`);
    }
    change.minDays = days === undefined ? undefined : Number(days.toString());
  }
  return change;
}
