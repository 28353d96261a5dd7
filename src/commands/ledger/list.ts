// `tally ledger list`: newest first, --limit (default 20) from --offset, filtered; a table or --json.
import type { Context } from '../../core/context.js';
import { formatInZone } from '../../core/dates.js';
import { formatAmount } from '../../core/money.js';
import { writeJson } from '../../output/json.js';
import { entryToJson } from '../../output/ledger.js';
import { startProgress } from '../../output/progress.js';
import { renderTable } from '../../output/table.js';
import type { LedgerEntry } from '../../providers/types.js';
import type { ListOptions } from './list.command.js';
import { openLedger, prepareLedger, readPages } from './read.js';

export async function run(ctx: Context, { limit, offset, filter: given }: ListOptions): Promise<number> {
  const { target, filter } = prepareLedger(ctx, given);
  const open = await openLedger(ctx, target, filter);
  const progress = startProgress(ctx, 'reading the ledger');
  const entries: LedgerEntry[] = [];
  try {
    let skip = offset;
    for await (const page of readPages(ctx, open, offset + limit)) {
      const from = Math.min(skip, page.length);
      skip -= from;
      entries.push(...page.slice(from, from + limit - entries.length));
      if (entries.length >= limit) break;
    }
  } finally {
    progress?.fail();
    await open.session.close();
  }
  if (ctx.options.json) {
    writeJson(ctx.io, entries.map(entryToJson));
    return 0;
  }
  // -q is data only: no entries is no output, not a header a cron line would mail
  if (entries.length === 0 && ctx.options.quiet) return 0;
  // narrow: when, how much and what for stay; the unit (one per provider), the running balance, the type
  // (the sign and the description say most of it) and then the id (in --json and piped output) give way
  await renderTable(
    ctx.io,
    [
      { header: `CREATED AT (${ctx.options.zone})` },
      { header: 'ID', dropRank: 4 },
      { header: 'TYPE', dropRank: 3 },
      { header: 'AMOUNT', kind: 'amount' },
      { header: 'BALANCE AFTER', kind: 'amount', dropRank: 2 },
      { header: 'UNIT', dropRank: 1 },
      { header: 'DESCRIPTION', free: true, dropRank: 5 },
    ],
    entries.map((e) => [
      formatInZone(e.createdAt, ctx.options.zone),
      e.id,
      e.type === e.providerType ? e.type : `${e.type} (${e.providerType})`,
      { text: formatAmount(e.amount, e.unit), tone: e.amount.isNegative() ? 'negative' : 'positive' },
      e.balanceAfter === null ? '' : formatAmount(e.balanceAfter, e.unit),
      e.unit,
      e.description ?? '',
    ]),
  );
  return 0;
}
