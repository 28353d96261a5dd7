// `tally usage [--since] [--until] [--period daily|monthly|yearly] [--by model|day|product]`.
import type { Context } from '../core/context.js';
import { formatSpanInZone } from '../core/dates.js';
import { UsageError } from '../core/errors.js';
import { type Decimal, formatAmount } from '../core/money.js';
import { writeJson } from '../output/json.js';
import { startProgress } from '../output/progress.js';
import { type Column, renderTable } from '../output/table.js';
import { assertOffers, openProvider, unsupported } from '../providers/session.js';
import { resolveTarget } from '../providers/target.js';
import type { UsageFigures, UsageReport } from '../providers/types.js';
import type { UsageOptions } from './usage.command.js';

/** What a --by day bucket is, by --period: the column says MONTH when each row is a month. */
const BUCKET: Record<string, string> = { daily: 'DAY', monthly: 'MONTH', yearly: 'YEAR' };

export async function run(ctx: Context, { since, until, period, by }: UsageOptions): Promise<number> {
  // flags are checked against the provider before the key is: the first problem named is the real one
  const provider = resolveTarget(ctx.options, ctx.env, ctx.config(), ctx.configDir, false);
  assertOffers(provider, 'usage');
  const groups = provider.provider.usageGroups ?? [];
  if (by && !groups.includes(by)) {
    throw new UsageError(
      `${provider.provider.id} usage cannot be grouped by ${by}`,
      groups.length ? `use --by ${groups.join(' or ')}` : `${provider.provider.id} reports totals (and requests by endpoint) only`,
    );
  }
  if (provider.provider.usageScope === 'lifetime' && (since || until)) {
    throw new UsageError(
      `${provider.provider.id} reports lifetime consumption only, so --since and --until do not apply`,
      'run `tally usage` without them',
    );
  }
  const target = resolveTarget(ctx.options, ctx.env, ctx.config(), ctx.configDir);
  const session = await openProvider(ctx, target);
  const progress = startProgress(ctx, 'reading usage', { noun: 'records' });
  let report: UsageReport;
  try {
    const usageOf = session.adapter.usage;
    if (!usageOf) throw unsupported(target, 'usage');
    const onPage = ctx.activity.read();
    report = await usageOf(session.pctx, { since, until, period, by, zone: ctx.options.zone, startedAt: ctx.now(), onPage });
  } finally {
    progress?.fail();
    await session.close();
  }
  const amount = (d: Decimal | null) => (d === null ? null : formatAmount(d, report.unit));
  const figures = (f: UsageFigures) => ({
    requests: f.requests,
    inputTokens: f.inputTokens,
    outputTokens: f.outputTokens,
    tokens: f.tokens,
    duration: f.duration,
    cost: amount(f.cost),
  });
  if (ctx.options.json) {
    writeJson(ctx.io, {
      profile: target.profile,
      provider: target.provider.id,
      unit: report.unit,
      from: report.from,
      to: report.to,
      by: report.by,
      totals: { ...figures(report.totals), successful: report.totals.successful ?? null, failed: report.totals.failed ?? null },
      groups: report.groups.map((g) => ({ key: g.key, ...figures(g) })),
      ...(report.rates
        ? {
            rates: report.rates.map((r) => ({
              tier: r.tier,
              inputPer1k: r.inputPer1k.toString(),
              outputPer1k: r.outputPer1k.toString(),
              models: r.models,
            })),
          }
        : {}),
    });
    return 0;
  }
  const t = report.totals;
  const zone = ctx.options.zone;
  const parts = [
    t.requests === null
      ? null
      : `${t.requests.toLocaleString('en-US')} requests${t.failed ? ` (${t.failed.toLocaleString('en-US')} failed)` : ''}`,
    t.tokens === null ? null : `${t.tokens.toLocaleString('en-US')} tokens`,
    t.duration === null ? null : `${t.duration.toLocaleString('en-US')} s`,
    t.cost === null
      ? null
      : `${formatAmount(t.cost, report.unit)} ${report.unit}${target.provider.usageScope === 'lifetime' ? ' consumed' : ''}`,
  ].filter(Boolean);
  const span = report.from || report.to ? ` ${formatSpanInZone(report.from, report.to, zone)}` : '';
  // the summary is about the table, not in it: stdout carries the table alone (one header line and the rows)
  if (!ctx.options.quiet) {
    ctx.io.err(`${target.provider.id}${target.profile ? ` (profile ${target.profile})` : ''} usage${span}: ${parts.join(', ')}\n`);
  }
  // piped, no groups is the header alone (the shape of a full table), unless the rates are the table or -q
  // asked for data only
  if (report.groups.length > 0 || (!ctx.io.stdoutIsTTY && !report.rates && !ctx.options.quiet)) {
    const has = (k: keyof UsageFigures) => report.groups.some((g) => g[k] !== null);
    // counts read at a glance on a terminal (12,345); a pipe gets plain digits that sort and sum
    const count = (n: number | null) => (n === null ? '' : ctx.io.stdoutIsTTY ? n.toLocaleString('en-US') : String(n));
    const bucket = report.by === 'day' ? (BUCKET[period ?? 'daily'] ?? 'DAY') : (report.by ?? 'group').toUpperCase();
    const columns: Array<[Column, (g: UsageFigures & { key: string }) => string]> = [
      // a day (or month, or year) is one in the --tz zone
      [{ header: report.by === 'day' ? `${bucket} (${zone})` : bucket }, (g) => g.key],
      [{ header: 'REQUESTS', kind: 'amount', dropRank: 4 }, (g) => count(g.requests)],
    ];
    // narrow: the group and its cost stay; input and output tokens (their sum is TOKENS), the duration,
    // the requests and then the tokens give way
    if (has('inputTokens')) columns.push([{ header: 'INPUT TOKENS', kind: 'amount', dropRank: 1 }, (g) => count(g.inputTokens)]);
    if (has('outputTokens')) columns.push([{ header: 'OUTPUT TOKENS', kind: 'amount', dropRank: 2 }, (g) => count(g.outputTokens)]);
    if (has('tokens')) columns.push([{ header: 'TOKENS', kind: 'amount', dropRank: 5 }, (g) => count(g.tokens)]);
    if (has('duration')) columns.push([{ header: 'DURATION (S)', kind: 'amount', dropRank: 3 }, (g) => count(g.duration)]);
    if (has('cost')) columns.push([{ header: `COST (${report.unit})`, kind: 'amount' }, (g) => amount(g.cost) ?? '']);
    await renderTable(
      ctx.io,
      columns.map(([c]) => c),
      report.groups.map((g) => columns.map(([, cell]) => cell(g))),
    );
  }
  if (report.rates) {
    if (report.groups.length > 0) ctx.io.out('\n');
    await renderTable(
      ctx.io,
      [
        { header: 'TIER' },
        { header: 'CREDITS/1K INPUT', kind: 'amount' },
        { header: 'CREDITS/1K OUTPUT', kind: 'amount' },
        { header: 'EXAMPLE MODELS', free: true },
      ],
      report.rates.map((r) => [r.tier, r.inputPer1k.toString(), r.outputPer1k.toString(), r.models.join(', ')]),
    );
  }
  return 0;
}
