// Usage totals and groups (by model, product, or a day/month/year bucket), added up exactly.
import { formatInZone } from '../../core/dates.js';
import { Decimal } from '../../core/money.js';
import type { UsageFigures, UsageGroup, UsageGroupBy, UsagePeriod, UsageReport } from '../types.js';

export interface UsageRecord extends Partial<UsageFigures> {
  model?: string | null;
  product?: string | null;
  /** ISO 8601 UTC, where the record has a time. */
  at?: string | null;
}

const empty = (): UsageFigures => ({ requests: 0, inputTokens: null, outputTokens: null, tokens: null, duration: null, cost: null });

function addInto(target: UsageFigures, r: UsageRecord): void {
  target.requests = (target.requests ?? 0) + (r.requests ?? 1);
  const sum = (a: number | null, b: number | null | undefined) => (b === undefined || b === null ? a : (a ?? 0) + b);
  target.inputTokens = sum(target.inputTokens, r.inputTokens);
  target.outputTokens = sum(target.outputTokens, r.outputTokens);
  target.tokens = sum(
    target.tokens,
    r.tokens ?? (r.inputTokens != null && r.outputTokens != null ? r.inputTokens + r.outputTokens : undefined),
  );
  target.duration = sum(target.duration, r.duration);
  if (r.cost) target.cost = (target.cost ?? Decimal.ZERO).add(r.cost);
}

/** The bucket a time falls in: 2026-03-09, 2026-03 or 2026, in `zone`. */
export function timeBucket(at: string, zone: string, period: UsagePeriod): string {
  const day = formatInZone(at, zone).slice(0, 10);
  return period === 'yearly' ? day.slice(0, 4) : period === 'monthly' ? day.slice(0, 7) : day;
}

export class UsageAccumulator {
  private readonly totals = empty();
  private readonly groups = new Map<string, UsageGroup>();
  private earliest: string | null = null;
  private latest: string | null = null;

  constructor(
    private readonly by: UsageGroupBy | null,
    private readonly zone: string,
    private readonly period: UsagePeriod = 'daily',
  ) {}

  add(r: UsageRecord): void {
    addInto(this.totals, r);
    if (r.at) {
      if (this.earliest === null || r.at < this.earliest) this.earliest = r.at;
      if (this.latest === null || r.at > this.latest) this.latest = r.at;
    }
    if (!this.by) return;
    const key =
      this.by === 'model'
        ? (r.model ?? '(unknown)')
        : this.by === 'product'
          ? (r.product ?? '(unknown)')
          : r.at
            ? timeBucket(r.at, this.zone, this.period)
            : '(undated)';
    let group = this.groups.get(key);
    if (!group) {
      group = { key, ...empty() };
      this.groups.set(key, group);
    }
    addInto(group, r);
  }

  report(unit: string, from: string | null, to: string | null): UsageReport {
    const groups = [...this.groups.values()];
    // time buckets in time order; models and products by spend, largest first
    if (this.by === 'day') groups.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    else groups.sort((a, b) => (b.cost ?? Decimal.ZERO).cmp(a.cost ?? Decimal.ZERO) || (a.key < b.key ? -1 : 1));
    return { unit, from: from ?? this.earliest, to: to ?? this.latest, by: this.by, totals: this.totals, groups };
  }
}
