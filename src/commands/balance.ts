// `tally balance [--all] [--min <amount>] [--min-days <n>]`: one profile's balance, burn and runway, or every profile's.
import type { ConfigData } from '../core/config.js';
import type { Context } from '../core/context.js';
import { formatInZone } from '../core/dates.js';
import { ExitCode, exitCodeOf, messageLine, type TallyError, worstCode } from '../core/errors.js';
import { Decimal, formatAmount } from '../core/money.js';
import { writeJson } from '../output/json.js';
import { profilesDone, startProgress } from '../output/progress.js';
import { type Cell, renderTable } from '../output/table.js';
import { assertOffers, openProvider, type ProviderSession, unsupported } from '../providers/session.js';
import { forEachProfile, resolveTarget, type Target } from '../providers/target.js';
import type { Balance } from '../providers/types.js';
import type { BalanceOptions } from './balance.command.js';
import { type Burn, BURN_WINDOW_MS, chainBurn, type OpenRead, purchasesBurn, runwayBelow, runwayDays } from './burn.js';

/** One profile's outcome: a balance, or the error that stopped it. */
export interface BalanceRow {
  profile: string | null;
  provider: string;
  balance?: Balance;
  /** The last 7 days' burn; undefined when it cannot be known (see burnError). */
  burn?: Burn;
  /** Why the burn is not known: the ledger could not be read, or the provider keeps none. */
  burnError?: Error;
  error?: TallyError | Error;
}

/** A profile's own thresholds (SPEC §3), applied where no flag overrides them. */
export interface Thresholds {
  min?: Decimal;
  minDays?: Decimal;
}

/** The thresholds saved on a profile (validated when the config was read). */
export function profileThresholds(config: ConfigData, name: string | null): Thresholds {
  const p = name === null ? undefined : config.profiles[name];
  return {
    ...(p?.min !== undefined ? { min: Decimal.parse(p.min) } : {}),
    ...(p?.minDays !== undefined ? { minDays: Decimal.fromNumber(p.minDays) } : {}),
  };
}

export async function run(ctx: Context, opts: BalanceOptions): Promise<number> {
  if (!opts.all) {
    const target = resolveTarget(ctx.options, ctx.env, ctx.config(), ctx.configDir);
    const row = await fetchBalance(ctx, target);
    if (row.error) throw row.error;
    return report(ctx, [row], opts, false, (r) => profileThresholds(ctx.config(), r.profile));
  }
  const progress = startProgress(ctx, 'reading balances');
  const rows = await forEachProfile(ctx.options, ctx.env, ctx.config(), ctx.configDir, (t) => fetchBalance(ctx, t), profilesDone(progress));
  progress?.fail();
  return report(ctx, rows, opts, true, (r) => profileThresholds(ctx.config(), r.profile));
}

export async function fetchBalance(ctx: Context, target: Target): Promise<BalanceRow> {
  const base = { profile: target.profile, provider: target.provider.id };
  try {
    assertOffers(target, 'balance');
    const session = await openProvider(ctx, target);
    try {
      const balanceOf = session.adapter.balance;
      if (!balanceOf) throw unsupported(target, 'balance');
      const balance = await balanceOf(session.pctx);
      try {
        return { ...base, balance, burn: await burnFor(ctx, target, session, balance) };
      } catch (error) {
        // the balance stands without it: only --min-days needs the burn, and fails with this error then
        return { ...base, balance, burnError: error instanceof Error ? error : new Error(String(error)) };
      }
    } finally {
      await session.close();
    }
  } catch (error) {
    return { ...base, error: error instanceof Error ? error : new Error(String(error)) };
  }
}

/** The last 7 days' burn, read from the ledger in the session already open for the balance. */
async function burnFor(ctx: Context, target: Target, session: ProviderSession, b: Balance): Promise<Burn | undefined> {
  const ledger = session.adapter.ledger;
  if (!ledger || !target.provider.commands.includes('ledger')) throw unsupported(target, 'ledger');
  const now = ctx.now();
  // a repeat listed twice in a row is one entry, spent once
  const open: OpenRead = (since) => ledger(session.pctx, { since, startedAt: now, onRepeat: () => {} });
  if (target.provider.ledgerKind !== 'purchases') return chainBurn(open, now, b.unit);
  return b.balance === null ? undefined : ((await purchasesBurn(open, now, b.balance, b.unit)) ?? undefined);
}

/** "12.3 days", "1 day". */
function daysText(days: number): string {
  return `${days} day${days === 1 ? '' : 's'}`;
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
    burnPerDay: b && row.burn ? formatAmount(row.burn.perDay, b.unit) : null,
    runwayDays: runwayOf(row),
    source: b?.source ?? null,
    ...(row.error ? { error: { code: exitCodeOf(row.error), message: messageLine(row.error) } } : {}),
  };
}

/** The runway of a row, where its balance and burn are known. */
function runwayOf(row: BalanceRow): number | null {
  const available = row.balance ? spendable(row.balance) : null;
  return available !== null && row.burn ? runwayDays(available, row.burn) : null;
}

/**
 * Prints the rows and returns the exit code: a failed profile's own code, else 1 below a threshold. A
 * threshold is the flag's, else the profile's own (`thresholds`). Each profile that failed a threshold gets
 * one line on stderr naming it, the figure and the threshold, with --quiet too: a cron line must say which.
 */
export async function report(
  ctx: Context,
  rows: BalanceRow[],
  opts: BalanceOptions,
  many: boolean,
  thresholds: (row: BalanceRow) => Thresholds = () => ({}),
): Promise<number> {
  let code: number = ExitCode.ok;
  let below = false;
  // one line per profile, in the profiles' order
  const lines: string[] = [];
  for (const row of rows) {
    const label = row.profile ?? row.provider;
    if (row.error) {
      code = worstCode(code, exitCodeOf(row.error));
      // with --quiet no table says why a profile failed: stderr does (cron mails it)
      if (ctx.options.quiet && many) lines.push(`${label}: ${messageLine(row.error)}`);
      continue;
    }
    const b = row.balance;
    if (!b) continue;
    const own = thresholds(row);
    const amount = spendable(b);
    // what this profile's thresholds found: a check that failed, or one that could not run (an error)
    const failed: string[] = [];
    const min = opts.min ?? own.min;
    if (min) {
      const named = `${opts.min ? '--min' : "the profile's min"} ${min.toString(min.scale)}`;
      if (amount === null || amount.cmp(min) < 0) {
        below = true;
        failed.push(
          amount === null ? `no balance to compare with ${named}` : `${formatAmount(amount, b.unit)} ${b.unit} is below ${named}`,
        );
      }
    }
    const minDays = opts.minDays ?? own.minDays;
    if (minDays) {
      const named = `${opts.minDays ? '--min-days' : "the profile's minDays"} ${minDays.toString(minDays.scale)}`;
      if (row.burnError) {
        code = worstCode(code, exitCodeOf(row.burnError));
        failed.push(`no runway to compare with ${named}: ${messageLine(row.burnError)}`);
      } else if (amount === null || !row.burn) {
        below = true;
        failed.push(`no runway to compare with ${named}`);
      } else if (runwayBelow(amount, row.burn, minDays)) {
        below = true;
        const days = runwayDays(amount, row.burn) ?? 0;
        const rate = `${formatAmount(row.burn.perDay, b.unit)} ${b.unit}/day`;
        failed.push(`${daysText(days)} of runway at ${rate} is below ${named}`);
      }
    }
    if (failed.length > 0) lines.push(`${label}: ${failed.join('; ')}`);
  }
  if (below) code = worstCode(code, ExitCode.checkFailed);

  if (ctx.options.json) writeJson(ctx.io, many ? rows.map(toJson) : toJson(rows[0] as BalanceRow));
  else if (!ctx.options.quiet) await renderBalances(ctx, rows);
  for (const line of lines) ctx.io.err(`tally: ${line}\n`);
  return code;
}

/** What the NOTE column says of a row: where its figures come from, and why a runway is missing. */
function notesOf(ctx: Context, r: BalanceRow, b: Balance): Cell {
  const notes: string[] = [];
  if (b.source === 'newest transaction') notes.push("newest transaction's balance_after (no balance endpoint)");
  if (r.burn && r.burn.spanMs !== BURN_WINDOW_MS) {
    // a purchases-only ledger: the burn is counted from a purchase, a little over 7 days back
    // the NOTE column has no zone in its header, as AS OF has: the time names its own
    notes.push(`burn since the purchase of ${formatInZone(r.burn.from, ctx.options.zone).slice(0, 16)} (${ctx.options.zone})`);
  }
  if (r.burnError) return { text: [...notes, `runway unknown: ${r.burnError.message}`].join('; '), tone: 'warning' };
  return notes.join('; ');
}

async function renderBalances(ctx: Context, rows: BalanceRow[]): Promise<void> {
  const amount = (b: Balance, d: Decimal | null): Cell => (d === null ? '' : formatAmount(d, b.unit));
  await renderTable(
    ctx.io,
    [
      // a column the provider leaves empty is not shown; narrow: the profile, the balance, its unit and
      // the note (an error whole) stay; reserved, as of, the burn, available, the provider, then the
      // runway give way
      { header: 'PROFILE' },
      { header: 'PROVIDER', dropRank: 5 },
      { header: 'BALANCE', kind: 'amount' },
      { header: 'AVAILABLE', kind: 'amount', dropRank: 4 },
      { header: 'RESERVED', kind: 'amount', dropRank: 1 },
      { header: 'UNIT' },
      { header: 'BURN/DAY', kind: 'amount', dropRank: 3 },
      { header: 'RUNWAY', kind: 'amount', dropRank: 6 },
      { header: `AS OF (${ctx.options.zone})`, dropRank: 2 },
      { header: 'NOTE', free: true },
    ],
    rows.map((r) => {
      const b = r.balance;
      if (!b) {
        const blank = new Array<Cell>(7).fill('');
        return [r.profile ?? '(env)', r.provider, ...blank, { text: `error: ${r.error?.message ?? 'unknown'}`, tone: 'error' }];
      }
      const runway = runwayOf(r);
      return [
        r.profile ?? '(env)',
        r.provider,
        b.balance === null ? { text: 'unknown', tone: 'muted' } : amount(b, b.balance),
        amount(b, b.available),
        amount(b, b.reserved),
        b.unit,
        r.burn ? formatAmount(r.burn.perDay, b.unit) : '',
        runway === null ? '' : daysText(runway),
        b.asOf === null ? '' : formatInZone(b.asOf, ctx.options.zone),
        notesOf(ctx, r, b),
      ];
    }),
  );
}
