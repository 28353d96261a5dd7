// The pure reconciliation checker (SPEC §5): entries in, issues out, streaming in constant memory.
//
// For consecutive entries, older o and newer n: n.balanceAfter == o.balanceAfter + n.amount, exactly.
// Entries may arrive newest first (as the APIs list them) or oldest first (an `--order asc` export).
// Each problem is reported once, at the entry where it happens:
// - a break that later entries continue from is one break, at the first entry off the chain;
// - a single wrong balance_after (the entries around it agree with each other) is one break, at it;
// - a repeated id is one `duplicate`, however far from the first, and the copy is skipped so it does not cascade;
// - an entry without balance_after is `missing_balance_after`, and the chain is carried across it;
// - an entry in another unit than the one before it is `unit_change`, and the chain starts again from it:
//   amounts in different units are never summed.
// A purchases-only history (conflux) is checked differently: the drop between one purchase's balance and
// the next purchase's starting point is consumption, never negative, summed for the identities.
// The opening, closing and movements are the statement's roll-forward (rollforward.ts), run over the
// entries checked, so reconcile and a statement of the same entries cannot disagree.
import { Decimal, formatAmount, sameFigure } from '../core/money.js';
import { IdSet } from '../providers/shared/id-set.js';
import { consumptionBetween, RollForward, type RollForwardResult } from './rollforward.js';

export const ISSUE_KINDS = [
  'chain_break',
  'duplicate',
  'head_mismatch',
  'identity_mismatch',
  'order',
  'missing_balance_after',
  'checkpoint_mismatch',
  'unit_change',
] as const;
export type IssueKind = (typeof ISSUE_KINDS)[number];

export interface Issue {
  kind: IssueKind;
  entryId: string | null;
  previousId: string | null;
  expected: Decimal | null;
  actual: Decimal | null;
  delta: Decimal | null;
  createdAt: string | null;
  message: string;
}

/** An issue with only the fields that apply set; the rest are null. */
export function makeIssue(kind: IssueKind, fields: Partial<Issue> & { message: string }): Issue {
  return { kind, entryId: null, previousId: null, expected: null, actual: null, delta: null, createdAt: null, ...fields };
}

/** What the checker needs of an entry. */
export interface CheckEntry {
  id: string;
  createdAt: string;
  type: string;
  amount: Decimal;
  balanceAfter: Decimal | null;
  /** Carried for reports; the check does not use it. */
  unit?: string;
}

export type ChainMode = 'chain' | 'purchases' | 'auto';

export interface CheckOptions {
  /** The order entries arrive in. */
  direction: 'desc' | 'asc';
  /** Differences up to this are not breaks. */
  tolerance?: Decimal;
  /** chain: every movement is listed; purchases: only purchases are (conflux); auto: purchases when every entry is one. */
  mode?: ChainMode;
  /** For purchases: the history starts at a zero balance (the whole history was read). */
  fromZero?: boolean;
  /** Issues kept in full; the rest are counted. */
  maxIssues?: number;
  /** For amounts in messages ("USD" shows cents). */
  unit?: string;
  /**
   * The entries come from a read that passes each id at most once (providers/shared/paginate.ts remembers
   * every id it read), so the checker need not remember them a second time: a live read of a million
   * entries would hold two id tables.
   */
  idsUnique?: boolean;
  /**
   * About how many entries will be pushed, at most (reconcile --file guesses from the file's size): the id
   * table is made that large at once, instead of growing by copies that all sit in memory until collected.
   */
  expectedEntries?: number;
}

export interface PurchaseTotals {
  /** Σ purchase amounts read. */
  purchased: Decimal;
  /** Σ drops between purchases (credits consumed between them). */
  consumedBetween: Decimal;
}

/** The differences a tolerance let pass: how many, and the largest by size (null when none). */
export interface Tolerated {
  count: number;
  largest: Decimal | null;
}

export interface CheckResult {
  checked: number;
  /** The balance before the oldest entry, where known: the roll-forward's opening. */
  opening: Decimal | null;
  /** The balance after the newest entry, where known: the roll-forward's closing. */
  closing: Decimal | null;
  /** The roll-forward of the entries checked (each id once): the statement's figures for them. */
  rollForward: RollForwardResult;
  oldest: CheckEntry | null;
  newest: CheckEntry | null;
  issues: Issue[];
  /** All issues found, including those past maxIssues. */
  issueCount: number;
  /** The mode the result was judged in (auto resolves to one of the two). */
  mode: 'chain' | 'purchases';
  purchases: PurchaseTotals;
  /** What the tolerance absorbed, so a report can say so. */
  tolerated: Tolerated;
}

/** Counts the non-zero differences a tolerance let pass, keeping the largest. */
export class ToleratedLog implements Tolerated {
  count = 0;
  largest: Decimal | null = null;
  add(difference: Decimal): void {
    if (difference.eq(Decimal.ZERO)) return;
    const size = difference.abs();
    this.count++;
    if (this.largest === null || size.cmp(this.largest) > 0) this.largest = size;
  }
  /** Adds what another log counted. */
  merge(other: Tolerated): this {
    this.count += other.count;
    if (other.largest !== null && (this.largest === null || other.largest.cmp(this.largest) > 0)) this.largest = other.largest;
    return this;
  }
}

/** Content prints made at once for at most this many entries (4 MiB); more grow as they come. */
const MAX_PRESIZED_PRINTS = 1 << 20;

/** Out-of-order entries remembered as reported, so one is reported once (they are next to each other). */
const RECENT_IDS = 1024;

interface Link {
  /** The older entry with a balance. */
  older: CheckEntry;
  /** The newer entry with a balance. */
  newer: CheckEntry;
  /** Σ amounts of the entries after `older` up to and including `newer`. */
  moved: Decimal;
  /** How many amounts `moved` adds up. */
  steps: number;
}

/** Issues in arrival order, the first `max` kept in full. */
class IssueLog {
  readonly kept: Issue[] = [];
  count = 0;
  constructor(private readonly max: number) {}
  add(issue: Issue): void {
    this.count++;
    if (this.kept.length < this.max) this.kept.push(issue);
  }
}

function chainBreak(at: CheckEntry, expected: Decimal, previous: CheckEntry, unit: string): Issue {
  const actual = at.balanceAfter as Decimal;
  const show = (d: Decimal) => formatAmount(d, at.unit ?? unit);
  const delta = actual.sub(expected);
  return {
    kind: 'chain_break',
    entryId: at.id,
    previousId: previous.id,
    expected,
    actual,
    delta,
    createdAt: at.createdAt,
    message: `balance after ${at.id} should be ${show(expected)} (balance after ${previous.id} plus the amounts since), is ${show(actual)}`,
  };
}

const expectedFor = (link: Link): Decimal => (link.older.balanceAfter as Decimal).add(link.moved);

/** The full-ledger chain rule over links between entries that carry a balance, with one link of lookahead. */
class ChainRule {
  private pending: Link | undefined;
  readonly tolerated = new ToleratedLog();
  constructor(
    private readonly log: IssueLog,
    private readonly tolerance: Decimal,
    /** links arrive oldest first (asc) or newest first (desc) */
    private readonly asc: boolean,
    private readonly unit: string,
  ) {}

  private holds(link: Link, tolerated?: ToleratedLog): boolean {
    return this.agrees(link.older, link.newer, link.moved, link.steps, tolerated);
  }

  /**
   * newer.balanceAfter == older.balanceAfter + moved: exactly, or where figures came as JSON numbers within the
   * noise of the provider's double arithmetic (SPEC §2), or within the tolerance; a difference the tolerance let
   * pass goes to `tolerated` (given for each real link once, never for the link across a wrong balance, which is
   * a guess).
   */
  private agrees(older: CheckEntry, newer: CheckEntry, moved: Decimal, steps: number, tolerated?: ToleratedLog): boolean {
    const actual = newer.balanceAfter as Decimal;
    const expected = (older.balanceAfter as Decimal).add(moved);
    if (sameFigure(actual, expected, 2 + steps, steps)) return true;
    const difference = actual.sub(expected);
    if (difference.abs().cmp(this.tolerance) > 0) return false;
    tolerated?.add(difference);
    return true;
  }

  private report(link: Link): void {
    this.log.add(chainBreak(link.newer, expectedFor(link), link.older, this.unit));
  }

  /** A link between two entries with balances; the object is only made when it broke. */
  step(older: CheckEntry, newer: CheckEntry, moved: Decimal, steps: number): void {
    if (this.pending === undefined && this.agrees(older, newer, moved, steps, this.tolerated)) return;
    this.link({ older, newer, moved, steps });
  }

  private link(link: Link): void {
    const broken = !this.holds(link, this.tolerated);
    const held = this.pending;
    this.pending = undefined;
    if (held) {
      // two links in a row broke; they share the middle entry
      const [first, second] = this.asc ? [held, link] : [link, held];
      if (broken) {
        const across: Link = {
          older: first.older,
          newer: second.newer,
          moved: first.moved.add(second.moved),
          steps: first.steps + second.steps,
        };
        if (this.holds(across)) {
          // the entries either side agree: only the middle entry's balance is wrong, one break there
          this.report(first);
          return;
        }
      }
      this.report(held);
    }
    if (broken) this.pending = link;
  }

  finish(): void {
    if (this.pending) this.report(this.pending);
    this.pending = undefined;
  }
}

/** The purchases-only rule: drops between purchases are consumption and never negative. */
class PurchaseRule {
  purchased = Decimal.ZERO;
  consumed = Decimal.ZERO;
  readonly tolerated = new ToleratedLog();
  constructor(
    private readonly log: IssueLog,
    /** a rise beyond the purchase up to this is not a break */
    private readonly tolerance: Decimal,
  ) {}

  /** A purchase and the purchase before it (null for the first of a history that starts at zero). */
  step(older: CheckEntry | null, newer: CheckEntry, openingZero: boolean): void {
    this.purchased = this.purchased.add(newer.amount);
    if (newer.balanceAfter === null) return;
    if (older === null && !openingZero) return;
    const before = older === null ? Decimal.ZERO : older.balanceAfter;
    if (before === null) return;
    const drop = consumptionBetween(before, newer);
    if (drop !== null) {
      this.consumed = this.consumed.add(drop);
      return;
    }
    const expected = before.add(newer.amount);
    const rise = newer.balanceAfter.sub(expected);
    if (rise.cmp(this.tolerance) <= 0) {
      // a rise within the tolerance is no break; summed as the (negative) drop it is, so the identities stay exact
      this.tolerated.add(rise);
      this.consumed = this.consumed.sub(rise);
      return;
    }
    this.log.add({
      kind: 'chain_break',
      entryId: newer.id,
      previousId: older?.id ?? null,
      expected,
      actual: newer.balanceAfter,
      delta: rise,
      createdAt: newer.createdAt,
      message: `balance after purchase ${newer.id} is more than the balance before it plus the purchase`,
    });
  }
}

export class ChainChecker {
  private readonly chainLog: IssueLog;
  private readonly purchaseLog: IssueLog;
  /** Issues that hold in either mode (duplicates, order, missing balances). */
  private readonly commonLog: IssueLog;
  private readonly chain: ChainRule;
  private readonly purchaseRule: PurchaseRule;
  private readonly mode: ChainMode;
  private readonly asc: boolean;
  private readonly fromZero: boolean;
  private readonly roll: RollForward;

  private checked = 0;
  private first: CheckEntry | null = null;
  private last: CheckEntry | null = null;
  private allPurchases = true;
  /** every id pushed (unless the read already made them unique), for `duplicate` however far apart */
  private readonly ids: IdSet | undefined;
  /** a 32-bit print of each entry's content, by its ordinal in `ids` (see contentPrint) */
  private prints: Int32Array;
  /** the last entry pushed that names its unit, in arrival order */
  private lastUnit: CheckEntry | null = null;
  // order check: the two entries before the current one, in arrival order
  private beforePrevious: CheckEntry | null = null;
  private previous: CheckEntry | null = null;
  private reportedOrder = new Set<string>();
  // chain: the last entry with a balance, and the amounts moved since (arrival-order dependent)
  private anchor: CheckEntry | null = null;
  private moved = Decimal.ZERO;
  /** how many amounts `moved` adds up */
  private steps = 0;
  // purchases: the previous purchase in arrival order
  private previousPurchase: CheckEntry | null = null;

  constructor(options: CheckOptions) {
    const max = options.maxIssues ?? 1000;
    this.chainLog = new IssueLog(max);
    this.purchaseLog = new IssueLog(max);
    this.commonLog = new IssueLog(max);
    this.chain = new ChainRule(this.chainLog, options.tolerance ?? Decimal.ZERO, options.direction === 'asc', options.unit ?? 'credits');
    this.purchaseRule = new PurchaseRule(this.purchaseLog, options.tolerance ?? Decimal.ZERO);
    this.ids = options.idsUnique ? undefined : new IdSet(options.expectedEntries);
    this.prints = new Int32Array(Math.min(Math.max(options.expectedEntries ?? 0, 1024), MAX_PRESIZED_PRINTS));
    this.mode = options.mode ?? 'chain';
    this.asc = options.direction === 'asc';
    this.fromZero = options.fromZero ?? false;
    this.roll = new RollForward({
      direction: options.direction,
      purchasesOnly: this.mode === 'purchases' ? true : this.mode === 'auto' ? 'auto' : false,
    });
  }

  push(e: CheckEntry): void {
    this.checked++;
    if (this.ids && !this.remember(e)) return;
    if (this.first === null) this.first = e;
    this.last = e;
    if (e.type !== 'purchase') this.allPurchases = false;
    this.roll.push(e);
    this.checkOrder(e);
    if (e.unit !== undefined) this.checkUnit(e);
    if (e.balanceAfter === null) {
      this.commonLog.add(
        makeIssue('missing_balance_after', {
          entryId: e.id,
          createdAt: e.createdAt,
          message: `entry ${e.id} has no balance_after; the chain is checked across it`,
        }),
      );
    }
    if (this.mode !== 'purchases') this.stepChain(e);
    if (this.mode !== 'chain' && e.type === 'purchase') this.stepPurchases(e);
  }

  /** An entry the listing repeated and the read did not pass on again (see providers/shared/paginate.ts): one `duplicate`. */
  repeated(e: CheckEntry): void {
    this.checked++;
    this.commonLog.add(makeIssue('duplicate', { entryId: e.id, createdAt: e.createdAt, message: `entry ${e.id} is listed twice` }));
  }

  /** Remembers the entry's id and content; false (and one `duplicate`) when the id was pushed before. */
  private remember(e: CheckEntry): boolean {
    const ids = this.ids as IdSet;
    const print = contentPrint(e);
    if (ids.add(e.id)) {
      const ordinal = ids.size - 1;
      if (ordinal >= this.prints.length) {
        const bigger = new Int32Array(this.prints.length * 2);
        bigger.set(this.prints);
        this.prints = bigger;
      }
      this.prints[ordinal] = print;
      return true;
    }
    const same = this.prints[ids.ordinalOf(e.id)] === print;
    this.commonLog.add(
      makeIssue('duplicate', {
        entryId: e.id,
        createdAt: e.createdAt,
        message: same ? `entry ${e.id} is listed twice` : `entry ${e.id} is listed twice with different content`,
      }),
    );
    return false;
  }

  private checkOrder(e: CheckEntry): void {
    const a = this.previous;
    if (a) {
      const inverted = this.asc ? e.createdAt < a.createdAt : e.createdAt > a.createdAt;
      if (inverted) {
        const x = this.beforePrevious;
        // which of the two is out of place: the new one, unless it agrees with the one before `a`
        const newOneOdd = x === null || (this.asc ? e.createdAt < x.createdAt : e.createdAt > x.createdAt);
        const odd = newOneOdd ? e : a;
        const other = newOneOdd ? a : e;
        if (!this.reportedOrder.has(odd.id)) {
          this.reportedOrder.add(odd.id);
          if (this.reportedOrder.size > RECENT_IDS) this.reportedOrder = new Set([odd.id]);
          this.commonLog.add(
            makeIssue('order', {
              entryId: odd.id,
              previousId: other.id,
              createdAt: odd.createdAt,
              message: `entry ${odd.id} (${odd.createdAt}) is out of time order next to ${other.id} (${other.createdAt})`,
            }),
          );
        }
      }
    }
    this.beforePrevious = a;
    this.previous = e;
  }

  /** A unit that changes between two entries: one `unit_change`, at the newer; nothing is summed across it. */
  private checkUnit(e: CheckEntry): void {
    const last = this.lastUnit;
    this.lastUnit = e;
    if (last === null || last.unit === e.unit) return;
    const [older, newer] = this.asc ? [last, e] : [e, last];
    this.commonLog.add(
      makeIssue('unit_change', {
        entryId: newer.id,
        previousId: older.id,
        createdAt: newer.createdAt,
        message: `entry ${newer.id} is in ${newer.unit}, the entry before it (${older.id}) in ${older.unit}: amounts in different units are never summed`,
      }),
    );
    this.chain.finish();
    this.anchor = null;
    this.moved = Decimal.ZERO;
    this.steps = 0;
  }

  private stepChain(e: CheckEntry): void {
    if (this.asc) {
      // oldest first: amounts accumulate up to the next entry with a balance
      this.moved = this.moved.add(e.amount);
      this.steps++;
      if (e.balanceAfter === null) return;
      if (this.anchor) this.chain.step(this.anchor, e, this.moved, this.steps);
      this.anchor = e;
      this.moved = Decimal.ZERO;
      this.steps = 0;
      return;
    }
    // newest first: the anchor is newer; its amount and those without balances in between are the movement
    if (e.balanceAfter === null) {
      if (this.anchor) {
        this.moved = this.moved.add(e.amount);
        this.steps++;
      }
      return;
    }
    if (this.anchor) this.chain.step(e, this.anchor, this.moved, this.steps);
    this.anchor = e;
    this.moved = e.amount;
    this.steps = 1;
  }

  private stepPurchases(e: CheckEntry): void {
    if (this.asc) {
      this.purchaseRule.step(this.previousPurchase, e, this.fromZero);
    } else if (this.previousPurchase) {
      // newest first: the previous purchase seen is the newer one
      this.purchaseRule.step(e, this.previousPurchase, false);
    }
    this.previousPurchase = e;
  }

  finish(): CheckResult {
    this.chain.finish();
    if (!this.asc && this.previousPurchase && this.mode !== 'chain') {
      // the oldest purchase, from a zero balance when the whole history was read
      this.purchaseRule.step(null, this.previousPurchase, this.fromZero);
    }
    const purchases = this.mode === 'purchases' || (this.mode === 'auto' && this.allPurchases && this.checked > 0);
    const [oldest, newest] = this.asc ? [this.first, this.last] : [this.last, this.first];
    const judged = purchases ? this.purchaseLog : this.chainLog;
    const issues = [...this.commonLog.kept, ...judged.kept].sort(byPlace);
    const rollForward = this.roll.finish();
    return {
      checked: this.checked,
      opening: rollForward.opening,
      closing: rollForward.closing,
      rollForward,
      oldest,
      newest,
      issues,
      issueCount: this.commonLog.count + judged.count,
      mode: purchases ? 'purchases' : 'chain',
      purchases: { purchased: this.purchaseRule.purchased, consumedBetween: this.purchaseRule.consumed },
      tolerated: purchases ? this.purchaseRule.tolerated : this.chain.tolerated,
    };
  }
}

const printView = new Float64Array(1);
const printBits = new Int32Array(printView.buffer);

/** An amount's value as a double's two halves: 1.0 and 1.00 print alike, as they compare alike. */
function mixAmount(h: number, d: Decimal | null): number {
  if (d === null) return Math.imul(h ^ 0x2f, 0x01000193);
  printView[0] = Number(d.units) / 10 ** d.scale;
  h = Math.imul(h ^ (printBits[0] as number), 0x01000193);
  return Math.imul(h ^ (printBits[1] as number), 0x01000193);
}

/**
 * A 32-bit FNV-1a print of what makes two listings of an id the same entry (time, amount, balance after).
 * A repeated id is reported whatever the print; only the words "with different content" rest on it, and
 * a different entry prints alike once in 2^32.
 */
function contentPrint(e: CheckEntry): number {
  let h = 0x811c9dc5;
  const t = e.createdAt;
  for (let i = 0; i < t.length; i++) h = Math.imul(h ^ t.charCodeAt(i), 0x01000193);
  return mixAmount(mixAmount(h, e.amount), e.balanceAfter);
}

/** Issues newest first, by the time of the entry they are about. */
function byPlace(a: Issue, b: Issue): number {
  const ta = a.createdAt ?? '';
  const tb = b.createdAt ?? '';
  return ta < tb ? 1 : ta > tb ? -1 : 0;
}
