// The offline reconciliation of an earlier `ledger export` (reconcile --file): the chain alone, in either order.
import { statSync } from 'node:fs';
import type { Context } from '../core/context.js';
import type { Decimal } from '../core/money.js';
import { findProvider } from '../providers/registry.js';
import { ChainChecker, type CheckEntry, type CheckResult } from './check.js';
import { detectFormat, readExportFile } from './file.js';
import { openingUnitOf, type Report } from './report.js';

/** What reconcile --file is asked. */
export interface FileOptions {
  tolerance: Decimal;
  since?: Date;
  until?: Date;
}

/** Entries buffered until two timestamps differ: that tells a newest-first file from an oldest-first one. */
const DIRECTION_PROBE = 1000;

/**
 * The provider whose export the file is, where the user names it (--provider, TALLY_PROVIDER, or a profile with -p
 * or TALLY_PROFILE): an export does not say it. Undefined when nothing names it.
 */
function namedProvider(ctx: Context): string | undefined {
  const provider = ctx.options.provider ?? (ctx.env.TALLY_PROVIDER || undefined);
  if (provider !== undefined) return provider;
  const profile = ctx.options.profile ?? (ctx.env.TALLY_PROFILE || undefined);
  return profile === undefined ? undefined : ctx.config().profiles[profile]?.provider;
}

export async function reconcileFile(ctx: Context, opts: FileOptions, path: string): Promise<Report> {
  const format = detectFormat(path);
  const provider = namedProvider(ctx);
  // a provider whose ledger is a chain is checked as one, whatever the file holds: a file of top-ups only would
  // otherwise be judged as a purchases-only history, where a balance that drops is consumption, not a break;
  // with no provider named, a file of purchases only is taken as one (conflux's, or an export --type purchase)
  const mode = provider === undefined ? 'auto' : findProvider(provider)?.ledgerKind === 'purchases' ? 'purchases' : 'chain';
  const batches = readExportFile(path, format);
  const buffered: CheckEntry[] = [];
  let checker: ChainChecker | undefined;
  // no entry of an export takes fewer than ~60 bytes: a bound on how many the file holds, for the id table
  const expectedEntries = Math.ceil(statSync(path).size / 60);
  const start = (direction: 'asc' | 'desc') =>
    new ChainChecker({
      direction,
      tolerance: opts.tolerance,
      mode,
      fromZero: !opts.since,
      expectedEntries,
    });
  let unit: string | null = null;
  for await (const batch of batches) {
    for (const e of batch) {
      unit ??= e.unit ?? null;
      if (opts.since && e.createdAt < opts.since.toISOString()) continue;
      if (opts.until && e.createdAt >= opts.until.toISOString()) continue;
      if (checker) {
        checker.push(e);
        continue;
      }
      buffered.push(e);
      const first = buffered[0] as CheckEntry;
      if (e.createdAt !== first.createdAt || buffered.length >= DIRECTION_PROBE) {
        checker = start(e.createdAt > first.createdAt ? 'asc' : 'desc');
        for (const b of buffered) checker.push(b);
        buffered.length = 0;
      }
    }
  }
  if (!checker) {
    checker = start('desc');
    for (const b of buffered) checker.push(b);
  }
  const result: CheckResult = checker.finish();
  const closingUnit = result.newest?.unit ?? unit;
  return {
    profile: null,
    provider: provider ?? null,
    unit: closingUnit,
    ...openingUnitOf(result.oldest, closingUnit),
    checked: result.checked,
    opening: result.opening,
    closing: result.closing,
    currentBalance: null,
    issues: result.issues,
    issueCount: result.issueCount,
    tolerated: result.tolerated,
    from: result.oldest?.createdAt ?? null,
    to: result.newest?.createdAt ?? null,
    notes: [
      `offline check of ${path} (${format}): the head and the provider's identities need the live ledger and were not checked`,
      ...(result.mode === 'purchases' ? ['every entry is a purchase, so it was checked as a purchases-only history'] : []),
    ],
  };
}
