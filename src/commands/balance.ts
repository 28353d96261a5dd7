// `tally balance [--all] [--min <amount>]`: one profile's balance, or every profile's at once.
import type { Context } from '../core/context.js';
import { formatInZone } from '../core/dates.js';
import { ExitCode, exitCodeOf, type TallyError } from '../core/errors.js';
import { type Decimal, formatAmount } from '../core/money.js';
import { writeJson } from '../output/json.js';
import { profilesDone, startProgress } from '../output/progress.js';
import { type Cell, renderTable } from '../output/table.js';
import { assertOffers, openProvider, unsupported } from '../providers/session.js';
import { forEachProfile, resolveTarget, type Target } from '../providers/target.js';
import type { Balance } from '../providers/types.js';
import type { BalanceOptions } from './balance.command.js';

/** One profile's outcome: a balance, or the error that stopped it. */
export interface BalanceRow {
  profile: string | null;
  provider: string;
  balance?: Balance;
  error?: TallyError | Error;
}

export async function run(ctx: Context, opts: BalanceOptions): Promise<number> {
  if (!opts.all) {
    const target = resolveTarget(ctx.options, ctx.env, ctx.config(), ctx.configDir);
    const row = await fetchBalance(ctx, target);
    if (row.error) throw row.error;
    return report(ctx, [row], opts, false);
  }
  const progress = startProgress(ctx, 'reading balances');
  const rows = await forEachProfile(ctx.options, ctx.env, ctx.config(), ctx.configDir, (t) => fetchBalance(ctx, t), profilesDone(progress));
  progress?.fail();
  return report(ctx, rows, opts, true);
}

export async function fetchBalance(ctx: Context, target: Target): Promise<BalanceRow> {
  const base = { profile: target.profile, provider: target.provider.id };
  try {
    assertOffers(target, 'balance');
    const session = await openProvider(ctx, target);
    try {
      const balanceOf = session.adapter.balance;
      if (!balanceOf) throw unsupported(target, 'balance');
      return { ...base, balance: await balanceOf(session.pctx) };
    } finally {
      await session.close();
    }
  } catch (error) {
    return { ...base, error: error instanceof Error ? error : new Error(String(error)) };
  }
}

/** The amount --min compares: what is available, else the balance. */
function spendable(b: Balance): Decimal | null {
  return b.available ?? b.balance;
}

function toJson(row: BalanceRow): Record<string, unknown> {
  const b = row.balance;
  return {
    profile: row.profile,
    provider: row.provider,
    unit: b?.unit ?? null,
    balance: b?.balance ? formatAmount(b.balance, b.unit) : null,
    available: b?.available ? formatAmount(b.available, b.unit) : null,
    reserved: b?.reserved ? formatAmount(b.reserved, b.unit) : null,
    asOf: b?.asOf ?? null,
    source: b?.source ?? null,
    ...(row.error ? { error: { code: exitCodeOf(row.error), message: row.error.message } } : {}),
  };
}

export async function report(ctx: Context, rows: BalanceRow[], opts: BalanceOptions, many: boolean): Promise<number> {
  let code: number = ExitCode.ok;
  const below: string[] = [];
  for (const row of rows) {
    if (row.error) {
      code = Math.max(code, exitCodeOf(row.error));
      continue;
    }
    if (opts.min && row.balance) {
      const amount = spendable(row.balance);
      const label = row.profile ?? row.provider;
      if (amount === null) below.push(`${label}: no balance to compare with --min`);
      else if (amount.cmp(opts.min) < 0) {
        below.push(`${label}: ${formatAmount(amount, row.balance.unit)} ${row.balance.unit} is below --min ${opts.min.toString()}`);
      }
    }
  }
  if (below.length > 0) code = Math.max(code, ExitCode.checkFailed);

  if (ctx.options.json) writeJson(ctx.io, many ? rows.map(toJson) : toJson(rows[0] as BalanceRow));
  else if (!ctx.options.quiet) await renderBalances(ctx, rows);
  if (!ctx.options.quiet) for (const line of below) ctx.io.err(`tally: ${line}\n`);
  return code;
}

async function renderBalances(ctx: Context, rows: BalanceRow[]): Promise<void> {
  const amount = (b: Balance, d: Decimal | null): Cell => (d === null ? '' : formatAmount(d, b.unit));
  await renderTable(
    ctx.io,
    [
      { header: 'PROFILE' },
      { header: 'PROVIDER' },
      { header: 'BALANCE', kind: 'amount' },
      { header: 'AVAILABLE', kind: 'amount' },
      { header: 'RESERVED', kind: 'amount' },
      { header: 'UNIT' },
      { header: `AS OF (${ctx.options.zone})` },
      { header: 'NOTE' },
    ],
    rows.map((r) => {
      const b = r.balance;
      if (!b) {
        return [r.profile ?? '(env)', r.provider, '', '', '', '', '', { text: `error: ${r.error?.message ?? 'unknown'}`, tone: 'error' }];
      }
      return [
        r.profile ?? '(env)',
        r.provider,
        b.balance === null ? { text: 'unknown', tone: 'muted' } : amount(b, b.balance),
        amount(b, b.available),
        amount(b, b.reserved),
        b.unit,
        b.asOf === null ? '' : formatInZone(b.asOf, ctx.options.zone),
        b.source === 'newest transaction' ? "newest transaction's balance_after (no balance endpoint)" : '',
      ];
    }),
  );
}
