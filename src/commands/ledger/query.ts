// The flags ledger list and export share: --type, --since, --until (and list's --limit/--offset), validated.
import type { Context } from '../../core/context.js';
import { assertRange, parseDateFlag } from '../../core/dates.js';
import { UsageError } from '../../core/errors.js';
import type { Target } from '../../providers/target.js';
import type { LedgerFilter } from '../../providers/shared/filter.js';
import { ENTRY_TYPES } from '../../providers/types.js';

export function parseFilter(ctx: Context, raw: Record<string, unknown>): LedgerFilter {
  const now = ctx.now();
  const since = typeof raw.since === 'string' ? parseDateFlag(raw.since, '--since', now) : undefined;
  const until = typeof raw.until === 'string' ? parseDateFlag(raw.until, '--until', now) : undefined;
  assertRange(since, until);
  return { since, until, type: typeof raw.type === 'string' ? raw.type : undefined };
}

/** --type takes a normalised type or the provider's own word (any case); anything else is exit 2. */
export function resolveType(target: Target, type: string | undefined): string | undefined {
  if (type === undefined) return undefined;
  const words = Object.keys(target.provider.entryTypes);
  const known = [...ENTRY_TYPES, ...words];
  const match = known.find((k) => k.toLowerCase() === type.toLowerCase());
  if (!match) {
    throw new UsageError(`--type "${type}" is not a ledger type of ${target.provider.id}`, `use one of: ${known.join(', ')}`);
  }
  return match;
}

export function positiveInt(raw: unknown, flag: string, min: number): number {
  const text = String(raw);
  if (!/^\d+$/.test(text) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`${flag} "${text}" is not a whole number${min > 0 ? ` of at least ${min}` : ''}`, `such as ${flag} 20`);
  }
  return Number(text);
}
