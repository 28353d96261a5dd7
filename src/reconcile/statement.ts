// A statement of a period (SPEC §8): the roll-forward of its entries, opened at the balance carried over from
// the last entry before it, so a break at the period's start fails the statement like a break inside it.
//
// RollForward (rollforward.ts) takes the period's own entries: its opening is what the first of them started
// from. An accountant's opening is the balance the previous period closed with: the balance after the last
// entry before the period. The two agree on a sound ledger; where they differ, the ledger breaks at the
// boundary, and the difference carries it. Month after month, each closing is then the next month's opening.
//
// A purchases-only ledger (conflux) has no balance between purchases: the drop from one purchase's balance to
// the next purchase's starting balance is consumption, known only when the next purchase shows it, and so
// counted in that purchase's period (the drop from the last purchase before the period included). Consumption
// after a period's last purchase shows in the period of the next.
import { Decimal, sameFigure } from '../core/money.js';
import { closes, consumptionBetween, type Movement, OneUnit, type RollEntry, RollForward, totalMovement } from './rollforward.js';

/** An entry as a statement reads it. */
export interface StatementEntry extends RollEntry {
  id: string;
  unit: string;
}

export interface StatementFigures {
  unit: string | null;
  /** The balance carried over from the last entry before the period, else what the period's first entry started from. */
  opening: Decimal | null;
  movements: Record<Movement, Decimal>;
  closing: Decimal | null;
  entries: number;
  /** opening + Σ movements == closing. */
  ok: boolean;
  /** closing − (opening + Σ movements); null when a balance is not known. */
  difference: Decimal | null;
  /** The period's oldest and newest entries' times. */
  first: string | null;
  last: string | null;
  /** The last entry before the period, whose balance is the opening; null when the ledger starts in the period. */
  carried: { id: string; createdAt: string; balanceAfter: Decimal } | null;
  /** A break at the period's start: the balance carried over and the one the period's first entry started from. */
  boundary: { entryId: string; createdAt: string; carried: Decimal; startedFrom: Decimal } | null;
  /**
   * The last entry before the period, when it is in another unit than the period's: its balance is no opening,
   * so the period opens where its first entry started.
   */
  beforeInOtherUnit: { id: string; createdAt: string; unit: string } | null;
}

export interface StatementOptions {
  direction: 'asc' | 'desc';
  /** The ledger lists purchases only (conflux): drops between purchases are consumption. */
  purchasesOnly: boolean;
  /** Whose ledger, for a failure's message: "indigenius (profile work)". */
  who: string;
}

/** A period's statement, an entry at a time, in constant memory: push the period's entries, and the last one before it. */
export class StatementBuilder {
  private readonly roll: RollForward;
  private readonly units: OneUnit;
  private unit: string | null = null;
  private carried: StatementEntry | null = null;
  private beforeInOtherUnit: StatementEntry | null = null;
  /** The period's oldest entry, and its oldest purchase (purchases only). */
  private oldest: StatementEntry | null = null;
  private oldestPurchase: StatementEntry | null = null;

  constructor(private readonly options: StatementOptions) {
    this.roll = new RollForward(options);
    this.units = new OneUnit(options.who, options.direction);
  }

  /** An entry of the period, in the builder's direction. */
  push(e: StatementEntry): void {
    this.units.check(e);
    this.roll.push(e);
    this.unit ??= e.unit;
    if (this.options.direction === 'desc' || this.oldest === null) this.oldest = e;
    if (e.type === 'purchase' && (this.options.direction === 'desc' || this.oldestPurchase === null)) this.oldestPurchase = e;
  }

  /** The last entry before the period: the balance the period opens with. */
  carriedFrom(e: StatementEntry): void {
    if (this.unit !== null && e.unit !== this.unit) {
      this.beforeInOtherUnit = e;
      return;
    }
    this.carried = e;
    this.unit ??= e.unit;
  }

  finish(): StatementFigures {
    const r = this.roll.finish();
    const other = this.beforeInOtherUnit;
    const beforeInOtherUnit = other && { id: other.id, createdAt: other.createdAt, unit: other.unit };
    const base = { unit: this.unit, entries: r.entries, first: r.from, last: r.to, boundary: null, beforeInOtherUnit };
    const before = this.carried;
    if (before?.balanceAfter == null) {
      const { opening, movements, closing, ok, difference } = r;
      return { ...base, opening, movements, closing, ok, difference, carried: null };
    }
    const carried = { id: before.id, createdAt: before.createdAt, balanceAfter: before.balanceAfter };
    const opening = before.balanceAfter;
    // nothing moved: the balance stands where the last period left it
    if (r.entries === 0) {
      return { ...base, opening, movements: r.movements, closing: opening, ok: true, difference: Decimal.ZERO, carried };
    }
    const movements = { ...r.movements };
    let boundary: StatementFigures['boundary'] = null;
    const first = this.oldest as StatementEntry;
    if (this.options.purchasesOnly) {
      const p = this.oldestPurchase;
      const drop = p ? consumptionBetween(opening, p) : Decimal.ZERO;
      if (drop) movements.consumption = movements.consumption.sub(drop);
      // a rise between purchases: no consumption explains it
      else if (p?.balanceAfter)
        boundary = { entryId: p.id, createdAt: p.createdAt, carried: opening, startedFrom: p.balanceAfter.sub(p.amount) };
    } else if (r.opening && !sameFigure(r.opening, opening, 3, 1)) {
      boundary = { entryId: first.id, createdAt: first.createdAt, carried: opening, startedFrom: r.opening };
    }
    const difference = r.closing ? r.closing.sub(opening.add(totalMovement(movements))) : null;
    return {
      ...base,
      opening,
      movements,
      closing: r.closing,
      ok: difference !== null && closes(difference, { opening, movements, entries: r.entries, doubles: r.doubles || opening.fromDouble }),
      difference,
      carried,
      boundary,
    };
  }
}

/**
 * The statement of the period from a ledger read newest first that already stops at the period's end (its
 * `until`): the entries at or after `since` are the period's, and the first one older ends the read as the
 * balance carried in (one entry past the period, never more). No `since`: the whole history up to `until`.
 */
export async function statementOf(
  pages: AsyncIterable<readonly StatementEntry[]>,
  since: Date | undefined,
  purchasesOnly: boolean,
  who: string,
): Promise<StatementFigures> {
  const builder = new StatementBuilder({ direction: 'desc', purchasesOnly, who });
  const from = since?.toISOString();
  reading: for await (const page of pages) {
    for (const e of page) {
      if (from !== undefined && e.createdAt < from) {
        builder.carriedFrom(e);
        break reading;
      }
      builder.push(e);
    }
  }
  return builder.finish();
}
