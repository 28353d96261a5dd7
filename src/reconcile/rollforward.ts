// The roll-forward of a period (SPEC §8): opening + Σ movements by type == closing, over entries in either order.
//
// Reconcile's chain rule is the same identity taken entry by entry; a statement takes it over the period.
// Both read their opening, closing and movements from here, so the two can never tell different stories.
// A purchases-only history (conflux) lists no usage: the drop from one purchase's balance to the balance
// just before the next purchase is `consumption`. A drop is never negative: a rise there is no consumption
// but a break, and it stays in the difference, where the roll-forward fails on it.
import { ProviderError } from '../core/errors.js';
import { Decimal, withinDoubleNoise } from '../core/money.js';
import { ENTRY_TYPES } from '../providers/types.js';

/** The movements a statement shows: the normalised entry types, and a purchases-only ledger's consumption. */
export const MOVEMENTS = [...ENTRY_TYPES, 'consumption'] as const;
export type Movement = (typeof MOVEMENTS)[number];

/** What the roll-forward needs of an entry. */
export interface RollEntry {
  createdAt: string;
  type: string;
  amount: Decimal;
  balanceAfter: Decimal | null;
}

export interface RollForwardResult {
  /** The balance before the period's first movement, or null when no entry carries a balance. */
  opening: Decimal | null;
  /** The movements by kind, as negative or positive amounts; consumption is negative. */
  movements: Record<Movement, Decimal>;
  /** The balance after the period's last movement, or null when no entry carries a balance. */
  closing: Decimal | null;
  entries: number;
  /** The oldest and newest entries' times. */
  from: string | null;
  to: string | null;
  /** opening + Σ movements == closing (true for an empty period). */
  ok: boolean;
  /** closing − (opening + Σ movements); zero when ok (or only the noise of doubles), null when there is no opening or closing. */
  difference: Decimal | null;
  /** Some figure came as a JSON number (a double): its noise is no difference (SPEC §2). */
  doubles: boolean;
}

/**
 * The credits consumed between a purchase with balance `before` after it and the next purchase (`newer`):
 * the drop from `before` to the balance the newer purchase started from. Null when it cannot be known or
 * when the balance rose instead (a break: no consumption explains it).
 */
export function consumptionBetween(before: Decimal | null, newer: { amount: Decimal; balanceAfter: Decimal | null }): Decimal | null {
  if (before === null || newer.balanceAfter === null) return null;
  const drop = before.add(newer.amount).sub(newer.balanceAfter);
  return drop.isNegative() ? null : drop;
}

/** A zero of every movement. */
export function noMovements(): Record<Movement, Decimal> {
  return Object.fromEntries(MOVEMENTS.map((m) => [m, Decimal.ZERO])) as Record<Movement, Decimal>;
}

/** Σ of a period's movements. */
export function totalMovement(movements: Record<Movement, Decimal>): Decimal {
  return MOVEMENTS.reduce((sum, m) => sum.add(movements[m]), Decimal.ZERO);
}

/**
 * Whether a period's roll-forward closes: closing − (opening + Σ movements) is zero, or, where figures came as JSON
 * numbers, no more than the noise of the provider's double arithmetic over the period's entries (SPEC §2).
 */
export function closes(
  difference: Decimal,
  figures: { opening: Decimal; movements: Record<Movement, Decimal>; entries: number; doubles: boolean },
): boolean {
  if (difference.units === 0n) return true;
  if (!figures.doubles) return false;
  // no balance in the period was further from zero than the opening and every movement together
  const magnitude = MOVEMENTS.reduce((sum, m) => sum.add(figures.movements[m].abs()), figures.opening.abs());
  return withinDoubleNoise(difference, magnitude, 2 + figures.entries, figures.entries);
}

/** What the unit check needs of an entry. */
export interface UnitEntry {
  id: string;
  createdAt: string;
  unit: string;
}

/**
 * A statement, a journal or a workbook sums its entries: in one unit only (SPEC §4 `unit_change`). The first
 * entry's unit is the period's; an entry in another fails the deliverable (exit 4) naming where the unit
 * changes, and the user narrows the period to one unit. Reconcile reports the same change as an issue.
 */
export class OneUnit {
  private last: UnitEntry | null = null;

  constructor(
    /** Whose ledger, for the message: "indigenius (profile work)". */
    private readonly who: string,
    private readonly direction: 'asc' | 'desc',
  ) {}

  check(e: UnitEntry): void {
    const last = this.last;
    this.last = e;
    if (last === null || last.unit === e.unit) return;
    const [older, newer] = this.direction === 'asc' ? [last, e] : [e, last];
    throw new ProviderError(
      `${this.who}: the ledger changes unit at entry ${newer.id} (${newer.createdAt}): ${older.unit} before it, ${newer.unit} from it; amounts in different units are never summed`,
      'narrow the period to one unit with --since or --until',
    );
  }
}

/** 10^n as a bigint, for aligning scales. */
const POW10 = Array.from({ length: 19 }, (_, n) => 10n ** BigInt(n));
const pow10 = (n: number): bigint => POW10[n] ?? 10n ** BigInt(n);

/**
 * An exact Σ of amounts that makes no Decimal per amount (reconcile pushes a million entries): integer units
 * at the largest scale seen, in a bigint — never a float (SPEC §2).
 */
class AmountSum {
  private units = 0n;
  private scale = 0;

  add(d: Decimal): void {
    if (d.scale > this.scale) {
      this.units *= pow10(d.scale - this.scale);
      this.scale = d.scale;
    }
    this.units += d.scale === this.scale ? d.units : d.units * pow10(this.scale - d.scale);
  }

  value(): Decimal {
    return Decimal.of(this.units, this.scale);
  }
}

export interface RollForwardOptions {
  /** The order entries arrive in. */
  direction: 'asc' | 'desc';
  /** The ledger lists purchases only: drops between purchases are consumption; `auto`: when every entry is a purchase. */
  purchasesOnly?: boolean | 'auto';
}

/** Accumulates one period's roll-forward in constant memory, an entry at a time. */
export class RollForward {
  private readonly asc: boolean;
  private readonly purchasesOnly: boolean | 'auto';
  private allPurchases = true;
  private readonly sums = new Map<string, AmountSum>();
  /** The type pushed last and its sum: entries of one type tend to come in runs. */
  private lastType: string | null = null;
  private lastSum: AmountSum | null = null;
  private consumed = Decimal.ZERO;
  private count = 0;
  private first: RollEntry | null = null;
  private last: RollEntry | null = null;
  /** The oldest entry with a balance so far seen (asc: the first; desc: the latest pushed), and Σ amounts from the period's start up to and including it. */
  private oldestWithBalance: RollEntry | null = null;
  private amountsToOldest = Decimal.ZERO;
  /** The newest entry with a balance, and Σ amounts after it. */
  private newestWithBalance: RollEntry | null = null;
  private amountsAfterNewest = Decimal.ZERO;
  /** purchases only: the previous purchase pushed. */
  private previousPurchase: RollEntry | null = null;
  /** some figure came as a JSON number */
  private doubles = false;

  constructor(options: RollForwardOptions) {
    this.asc = options.direction === 'asc';
    this.purchasesOnly = options.purchasesOnly ?? false;
  }

  push(e: RollEntry): void {
    this.count++;
    this.first ??= e;
    this.last = e;
    this.sumOf(e.type).add(e.amount);
    if (!this.doubles && (e.amount.fromDouble || e.balanceAfter?.fromDouble === true)) this.doubles = true;
    if (this.asc) {
      if (this.oldestWithBalance === null) {
        this.amountsToOldest = this.amountsToOldest.add(e.amount);
        if (e.balanceAfter !== null) this.oldestWithBalance = e;
      }
      if (e.balanceAfter !== null) {
        this.newestWithBalance = e;
        this.amountsAfterNewest = Decimal.ZERO;
      } else this.amountsAfterNewest = this.amountsAfterNewest.add(e.amount);
    } else {
      if (this.newestWithBalance === null) {
        if (e.balanceAfter !== null) this.newestWithBalance = e;
        else this.amountsAfterNewest = this.amountsAfterNewest.add(e.amount);
      }
      if (e.balanceAfter !== null) {
        this.oldestWithBalance = e;
        this.amountsToOldest = e.amount;
      } else this.amountsToOldest = this.amountsToOldest.add(e.amount);
    }
    if (e.type !== 'purchase') this.allPurchases = false;
    else if (this.purchasesOnly !== false) {
      const previous = this.previousPurchase;
      if (previous) {
        const [older, newer] = this.asc ? [previous, e] : [e, previous];
        const drop = consumptionBetween(older.balanceAfter, newer);
        if (drop) this.consumed = this.consumed.add(drop);
      }
      this.previousPurchase = e;
    }
  }

  private sumOf(type: string): AmountSum {
    if (type === this.lastType && this.lastSum) return this.lastSum;
    let sum = this.sums.get(type);
    if (!sum) {
      sum = new AmountSum();
      this.sums.set(type, sum);
    }
    this.lastType = type;
    this.lastSum = sum;
    return sum;
  }

  finish(): RollForwardResult {
    const movements = noMovements();
    for (const [type, sum] of this.sums) {
      // a type outside the normalised ones cannot reach a ledger entry; counted as an adjustment if it did
      const key: Movement = (MOVEMENTS as readonly string[]).includes(type) ? (type as Movement) : 'adjustment';
      movements[key] = movements[key].add(sum.value());
    }
    const purchasesOnly = this.purchasesOnly === 'auto' ? this.allPurchases && this.count > 0 : this.purchasesOnly;
    if (purchasesOnly) movements.consumption = this.consumed.neg();
    const oldest = this.oldestWithBalance;
    const newest = this.newestWithBalance;
    const opening = oldest?.balanceAfter ? oldest.balanceAfter.sub(this.amountsToOldest) : null;
    const closing = newest?.balanceAfter ? newest.balanceAfter.add(this.amountsAfterNewest) : null;
    const difference = opening && closing ? closing.sub(opening.add(totalMovement(movements))) : null;
    const [from, to] = this.asc ? [this.first, this.last] : [this.last, this.first];
    const doubles = this.doubles;
    const entries = this.count;
    return {
      opening,
      movements,
      closing,
      entries,
      from: from?.createdAt ?? null,
      to: to?.createdAt ?? null,
      ok: entries === 0 || (difference !== null && opening !== null && closes(difference, { opening, movements, entries, doubles })),
      difference: entries === 0 ? Decimal.ZERO : difference,
      doubles,
    };
  }
}
