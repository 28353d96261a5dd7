// The burn rate over the last 7 days and the runway it leaves (`balance`), in exact integer arithmetic.
//
// A ledger with a chain of entries (every provider but conflux): what the spending entries (usage, debit,
// subscription) took out over the 7 days before now, per day. Purchases, credits, refunds and adjustments are
// not spending: runway asks how long the balance lasts without another top-up.
//
// A purchases-only ledger (conflux): consumption shows only as the drop between purchases, so the burn is
// what was consumed since the newest purchase at least 7 days old (its balance_after, plus the purchases
// since, less the balance now) over the time since it; an account younger than that counts from its first
// purchase. The span is then a little over 7 days, and said.
import { ProviderError } from '../core/errors.js';
import { Decimal, minFractionFor } from '../core/money.js';
import { applyFilter } from '../providers/shared/filter.js';
import type { EntryType, LedgerEntry, LedgerRead } from '../providers/types.js';

export const DAY_MS = 86_400_000;
export const BURN_WINDOW_MS = 7 * DAY_MS;

/** The normalised types that spend a balance. */
const SPENDING: ReadonlySet<EntryType> = new Set(['usage', 'debit', 'subscription']);

export interface Burn {
  /** What was spent over the span, in the balance's unit (zero when nothing was). */
  spent: Decimal;
  /** The span, in milliseconds: 7 days, or (conflux) from the purchase it counts from to now. */
  spanMs: number;
  /** Where the span starts (ISO 8601 UTC): 7 days ago, or (conflux) the purchase it counts from. */
  from: string;
  /** Spent per day, rounded half away from zero to the spending's own decimals (at least the unit's). */
  perDay: Decimal;
}

/** The ledger read a burn needs: from `since`, or all of it when the provider cannot tell one apart. */
export type OpenRead = (since: Date | undefined) => LedgerRead;

function burnOf(spent: Decimal, spanMs: number, from: string, unit: string): Burn {
  const scale = Math.max(spent.scale, minFractionFor(unit));
  const perDay = spent.mul(Decimal.of(BigInt(DAY_MS))).dividedBy(BigInt(spanMs), scale);
  return { spent, spanMs, from, perDay };
}

/**
 * What the spending entries of the 7 days before `now` took out, per day. Spending in another unit than the
 * balance's is never summed with it: the burn is then not known (a ProviderError, shown as why).
 */
export async function chainBurn(open: OpenRead, now: Date, unit: string): Promise<Burn> {
  const since = new Date(now.getTime() - BURN_WINDOW_MS);
  const read = open(since);
  let spent = Decimal.ZERO;
  for await (const page of applyFilter(read.pages, { since })) {
    for (const e of page) {
      if (!SPENDING.has(e.type) || !e.amount.isNegative()) continue;
      if (e.unit !== unit) {
        throw new ProviderError(
          `entry ${e.id} of the last 7 days is in ${e.unit}, the balance in ${unit}: spending in different units is never summed`,
        );
      }
      spent = spent.sub(e.amount);
    }
  }
  return burnOf(spent, BURN_WINDOW_MS, since.toISOString(), unit);
}

/**
 * Consumption since the newest purchase at least 7 days old (or the first purchase), from a newest-first
 * purchases-only history and the balance now; null when the history is empty or lacks the balance_after it
 * needs, or the span is empty.
 */
export async function purchasesBurn(open: OpenRead, now: Date, balance: Decimal, unit: string): Promise<Burn | null> {
  const windowStart = now.getTime() - BURN_WINDOW_MS;
  const read = open(undefined);
  let anchor: LedgerEntry | undefined;
  /** Purchases newer than the anchor. */
  let purchasedSince: Decimal | undefined;
  let newer: Decimal | undefined;
  outer: for await (const page of read.pages) {
    for (const e of page) {
      purchasedSince = newer;
      anchor = e;
      if (Date.parse(e.createdAt) <= windowStart) break outer;
      newer = newer === undefined ? e.amount : newer.add(e.amount);
    }
  }
  if (!anchor || anchor.balanceAfter === null) return null;
  const spanMs = now.getTime() - Date.parse(anchor.createdAt);
  if (spanMs <= 0) return null;
  let consumed = anchor.balanceAfter.sub(balance);
  if (purchasedSince) consumed = consumed.add(purchasedSince);
  // a balance above what the history allows (a purchase not yet listed) is no negative consumption
  if (consumed.isNegative()) consumed = Decimal.ZERO;
  return burnOf(consumed, spanMs, anchor.createdAt, unit);
}

/**
 * Days the balance lasts at the burn, rounded down to one decimal (an alert errs early); 0 when nothing is
 * left, null when nothing was spent (the balance is not running down).
 */
export function runwayDays(available: Decimal, burn: Burn): number | null {
  const r = ratio(available, burn);
  if (r === null) return null;
  if (r.num <= 0n) return 0;
  return Number((r.num * 10n) / r.den) / 10;
}

/** Whether the runway is shorter than `days`, exactly (not on the rounded figure). False when nothing was spent. */
export function runwayBelow(available: Decimal, burn: Burn, days: Decimal): boolean {
  const r = ratio(available, burn);
  if (r === null) return false;
  // num/den < units/10^scale  ⇔  num·10^scale < units·den (den > 0)
  return r.num * 10n ** BigInt(days.scale) < days.units * r.den;
}

/** The runway in days as num/den: available·span / (spent·day), each decimal brought to integers. */
function ratio(available: Decimal, burn: Burn): { num: bigint; den: bigint } | null {
  if (burn.spent.units <= 0n) return null;
  return {
    num: available.units * 10n ** BigInt(burn.spent.scale) * BigInt(burn.spanMs),
    den: burn.spent.units * 10n ** BigInt(available.scale) * BigInt(DAY_MS),
  };
}
