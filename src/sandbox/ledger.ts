// A generated ledger addressable by index (0 = oldest), with planted faults, never materialised in memory.
import { saltOf } from './rng.js';

export interface GeneratedMovement {
  kind: string;
  /** The entry's amount in minor units, signed as it moves the balance (a debit is negative). */
  amount: number;
  /** How the balance moves from the previous entry to this one, when that differs from amount (conflux consumption). */
  delta?: number;
}

export interface LedgerEntryModel {
  /** Position in the provider's listing, oldest = 0 (after plants). */
  position: number;
  /** Index of the underlying generated entry. */
  index: number;
  kind: string;
  amount: number;
  /** null where a plant removed it. */
  balanceAfter: number | null;
  createdAtMs: number;
}

export interface Plants {
  /** From this index on, the reported balance_after is off by `delta` minor units (one break, later entries follow it). */
  chainBreak?: { at: number; delta: number };
  /** These indices appear twice in a row. */
  duplicates?: number[];
  /** This index appears twice in a row, the second copy with a different amount: one id, two contents. */
  conflictingDuplicate?: number;
  /** The balance endpoint reports the head plus this (minor units). */
  headOffset?: number;
  /** This index carries the timestamp of an entry ten places older: out of time order. */
  outOfOrder?: number;
  /** This index is listed without a balance_after. */
  missingBalance?: number;
}

export interface TimeWindow {
  sinceMs?: number;
  untilMs?: number;
}

export interface LedgerSpec {
  seed: number;
  name: string;
  count: number;
  openingBalance: number;
  generate(seed: number, salt: number, index: number): GeneratedMovement;
  /** The newest entry's timestamp: when the sandbox started, or its --end. */
  endMs: number;
  plants?: Plants;
}

const BLOCK = 1024;

export class LedgerModel {
  readonly salt: number;
  /** balance before the first entry of each block */
  private readonly blockStart: number[] = [];
  private readonly stepMs: number;
  private readonly endMs: number;
  private readonly duplicates: number[];
  /** Entries posted after start-up (the "posted while paging" fault), oldest first, with when they posted. */
  private readonly posted: GeneratedMovement[] = [];
  private readonly postedAt: number[] = [];
  private readonly postedBalance: number[] = [];

  constructor(readonly spec: LedgerSpec) {
    this.salt = saltOf(spec.name);
    this.endMs = spec.endMs;
    const twoYears = 730 * 24 * 3600 * 1000;
    this.stepMs = Math.max(60_000, Math.min(3_600_000, Math.floor(twoYears / Math.max(1, spec.count))));
    const conflict = spec.plants?.conflictingDuplicate;
    this.duplicates = [...(spec.plants?.duplicates ?? []), ...(conflict === undefined ? [] : [conflict])].sort((a, b) => a - b);
    let balance = spec.openingBalance;
    for (let i = 0; i < spec.count; i++) {
      if (i % BLOCK === 0) this.blockStart.push(balance);
      const m = this.movement(i);
      balance += m.delta ?? m.amount;
    }
  }

  movement(index: number): GeneratedMovement {
    if (index >= this.spec.count) return this.posted[index - this.spec.count] as GeneratedMovement;
    return this.spec.generate(this.spec.seed, this.salt, index);
  }

  /** Underlying entries, posted ones included. */
  get size(): number {
    return this.spec.count + this.posted.length;
  }

  /** Entries as the provider lists them (duplicates counted). */
  get length(): number {
    return this.size + this.duplicates.length;
  }

  /** True balance after underlying entry `index` (before any planted break). */
  trueBalanceAfter(index: number): number {
    if (index < 0) return this.spec.openingBalance;
    if (index >= this.spec.count) return this.postedBalance[index - this.spec.count] as number;
    const block = Math.floor(index / BLOCK);
    let balance = this.blockStart[block] as number;
    for (let i = block * BLOCK; i <= index; i++) {
      const m = this.movement(i);
      balance += m.delta ?? m.amount;
    }
    return balance;
  }

  reportedBalanceAfter(index: number): number {
    return this.reported(index, this.trueBalanceAfter(index));
  }

  /** The newest entry's balance_after, as listed. */
  headBalance(): number {
    return this.size === 0 ? this.spec.openingBalance : this.reportedBalanceAfter(this.size - 1);
  }

  /** What a balance endpoint reports: the head, unless a plant makes them disagree. */
  liveBalance(): number {
    return this.headBalance() + (this.spec.plants?.headOffset ?? 0);
  }

  createdAtMs(index: number): number {
    if (index >= this.spec.count) return this.postedAt[index - this.spec.count] as number;
    if (index === this.spec.plants?.outOfOrder) return this.generatedAtMs(Math.max(0, index - 10));
    return this.generatedAtMs(index);
  }

  private generatedAtMs(index: number): number {
    // the newest entry is at the end itself: a sandbox started now has an entry from now
    if (index === this.spec.count - 1) return this.endMs;
    const jitter = ((this.salt ^ (index * 2654435761)) >>> 0) % Math.floor(this.stepMs / 2);
    return this.endMs - (this.spec.count - 1 - index) * this.stepMs - jitter;
  }

  /** Maps a listing position (oldest = 0) to the underlying index, accounting for duplicated entries. */
  indexAt(position: number): number {
    let index = position;
    for (const d of this.duplicates) {
      if (index > d) index--;
      else break;
    }
    return index;
  }

  private reported(index: number, trueBalance: number): number {
    const brk = this.spec.plants?.chainBreak;
    return brk && index >= brk.at ? trueBalance + brk.delta : trueBalance;
  }

  /** The second copy of a conflicting duplicate shows a different amount. */
  private amountAt(position: number, index: number, amount: number): number {
    const conflict = this.spec.plants?.conflictingDuplicate;
    return conflict === index && this.indexAt(position - 1) === index ? amount + 1 : amount;
  }

  /** Walks the listing from `position` towards the oldest, keeping the balance incrementally (O(1) an entry). */
  *walkNewestFirst(position = this.length - 1): Generator<LedgerEntryModel> {
    if (position < 0) return;
    let index = this.indexAt(position);
    let balance = this.trueBalanceAfter(index);
    let previousIndex = index;
    for (let pos = position; pos >= 0; pos--) {
      index = this.indexAt(pos);
      if (index !== previousIndex) {
        // stepping from previousIndex to the older index: undo previousIndex's movement
        const undone = this.movement(previousIndex);
        balance -= undone.delta ?? undone.amount;
        previousIndex = index;
      }
      const m = this.movement(index);
      yield {
        position: pos,
        index,
        kind: m.kind,
        amount: this.amountAt(pos, index, m.amount),
        balanceAfter: index === this.spec.plants?.missingBalance ? null : this.reported(index, balance),
        createdAtMs: this.createdAtMs(index),
      };
    }
  }

  /** Listing positions [from, to) whose timestamps fall in [sinceMs, untilMs): timestamps rise with position. */
  positionRange(sinceMs?: number, untilMs?: number): [number, number] {
    const firstAtOrAfter = (t: number) => {
      let lo = 0;
      let hi = this.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.createdAtMs(this.indexAt(mid)) < t) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    return [sinceMs === undefined ? 0 : firstAtOrAfter(sinceMs), untilMs === undefined ? this.length : firstAtOrAfter(untilMs)];
  }

  /**
   * Newest-first slice of the listing within a time window: `offset` entries (that `keep` keeps) skipped
   * from the newest. Without `keep` it jumps straight to the page.
   */
  *newestFirst(
    offset: number,
    limit: number,
    window: TimeWindow = {},
    keep?: (e: LedgerEntryModel) => boolean,
  ): Generator<LedgerEntryModel> {
    if (limit <= 0) return;
    const [from, to] = this.positionRange(window.sinceMs, window.untilMs);
    if (!keep) {
      let n = 0;
      for (const e of this.walkNewestFirst(to - 1 - offset)) {
        if (e.position < from) return;
        yield e;
        if (++n >= limit) return;
      }
      return;
    }
    let skipped = 0;
    let yielded = 0;
    for (const e of this.walkNewestFirst(to - 1)) {
      if (e.position < from) return;
      if (!keep(e)) continue;
      if (skipped < offset) {
        skipped++;
        continue;
      }
      yield e;
      if (++yielded >= limit) return;
    }
  }

  /** How many entries the window (and `keep`, which needs a walk) holds. */
  count(window: TimeWindow = {}, keep?: (e: LedgerEntryModel) => boolean): number {
    const [from, to] = this.positionRange(window.sinceMs, window.untilMs);
    if (!keep) return Math.max(0, to - from);
    let n = 0;
    for (const e of this.walkNewestFirst(to - 1)) {
      if (e.position < from) break;
      if (keep(e)) n++;
    }
    return n;
  }

  /** Posts the next generated entry now, as the newest: newest-first offsets shift by one. */
  postNext(): void {
    const movement = this.spec.generate(this.spec.seed, this.salt, this.size);
    const before = this.size === 0 ? this.spec.openingBalance : this.trueBalanceAfter(this.size - 1);
    const newest = this.size === 0 ? 0 : this.createdAtMs(this.size - 1);
    this.postedAt.push(Math.max(Date.now(), newest + 1));
    this.posted.push(movement);
    this.postedBalance.push(before + (movement.delta ?? movement.amount));
  }
}

/** Formats minor units as a decimal string: 4262 at scale 2 is "42.62". */
export function minorToDecimal(minor: number, scale: number): string {
  if (scale === 0) return String(minor);
  const negative = minor < 0;
  const digits = String(Math.abs(minor)).padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** Minor units as a JSON number whose shortest form is the exact decimal (42.62, never 42.620000000000005). */
export function minorToJsonNumber(minor: number, scale: number): number;
export function minorToJsonNumber(minor: number | null, scale: number): number | null;
export function minorToJsonNumber(minor: number | null, scale: number): number | null {
  return minor === null ? null : Number(minorToDecimal(minor, scale));
}
