// `tally packs`: conflux's credit packs (no key needed), with prices parsed and the 5% fee shown.
import type { Context } from '../core/context.js';
import { Decimal, formatAmount } from '../core/money.js';
import { writeJson } from '../output/json.js';
import { renderTable } from '../output/table.js';
import { findProvider } from '../providers/registry.js';
import { openProvider, unsupported } from '../providers/session.js';
import { chosenProvider, resolveTarget, type Target, targetFor } from '../providers/target.js';
import type { Pack } from '../providers/types.js';

/** conflux charges 5% on purchases only (seeds/conflux.txt). */
const FEE_RATE = Decimal.parse('0.05');

export function feeOf(pack: Pack): Decimal | null {
  return pack.priceUsd === null ? null : pack.priceUsd.mul(FEE_RATE).round(2);
}

/**
 * The provider chosen by flag, environment or profile (with none chosen, the one that sells packs), checked to
 * offer `command` before its base URL and key are looked for; a command the provider serves keyless needs no key.
 */
export function packsTarget(ctx: Context, command: 'packs' | 'checkout'): Target {
  const chosen =
    ctx.options.provider ?? (ctx.env.TALLY_PROVIDER || undefined) ?? ctx.options.profile ?? (ctx.env.TALLY_PROFILE || undefined);
  const config = ctx.config();
  const fallback = findProvider('conflux');
  const provider = !chosen && fallback ? fallback : chosenProvider(ctx.options, ctx.env, config, ctx.configDir);
  if (!provider.commands.includes(command)) throw unsupported({ provider }, command);
  const requireKey = !provider.keyless?.includes(command);
  if (!chosen && fallback) {
    const profile = Object.entries(config.profiles).find(([, p]) => p.provider === 'conflux');
    return targetFor(fallback, profile?.[0] ?? null, profile?.[1], ctx.options, ctx.env, requireKey);
  }
  return resolveTarget(ctx.options, ctx.env, config, ctx.configDir, requireKey);
}

export async function fetchPacks(ctx: Context, target: Target): Promise<Pack[]> {
  const session = await openProvider(ctx, target);
  try {
    const packsOf = session.adapter.packs;
    if (!packsOf) throw unsupported(target, 'packs');
    return await packsOf(session.pctx);
  } finally {
    await session.close();
  }
}

export async function run(ctx: Context): Promise<number> {
  const target = packsTarget(ctx, 'packs');
  const packs = await fetchPacks(ctx, target);
  if (ctx.options.json) {
    writeJson(
      ctx.io,
      packs.map((p) => ({
        ...p.raw,
        priceUsd: p.priceUsd === null ? null : formatAmount(p.priceUsd, 'USD'),
        credits: p.credits?.toString() ?? null,
        feeUsd: feeOf(p) === null ? null : formatAmount(feeOf(p) as Decimal, 'USD'),
      })),
    );
    return 0;
  }
  if (ctx.options.quiet) return 0;
  await renderTable(
    ctx.io,
    [
      { header: 'KEY' },
      { header: 'NAME' },
      { header: 'PRICE (USD)', kind: 'amount' },
      { header: 'CREDITS AFTER FEE', kind: 'amount' },
      { header: 'FEE 5% (USD)', kind: 'amount' },
    ],
    packs.map((p) => [
      p.key,
      p.name,
      p.priceUsd === null ? p.price : formatAmount(p.priceUsd, 'USD'),
      p.credits === null ? p.creditsAfterFee : `~${Number(p.credits.toString()).toLocaleString('en-US')}`,
      feeOf(p) === null ? '' : formatAmount(feeOf(p) as Decimal, 'USD'),
    ]),
  );
  return 0;
}
