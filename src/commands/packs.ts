// `tally packs`: the credit packs on sale (conflux's, no key needed), with prices parsed and the provider's fee shown.
import type { Context } from '../core/context.js';
import { Decimal, formatAmount } from '../core/money.js';
import { writeJson } from '../output/json.js';
import { renderTable } from '../output/table.js';
import { UsageError } from '../core/errors.js';
import { PROVIDERS } from '../providers/registry.js';
import { openProvider, profilesHint, profilesThatCan, unsupported } from '../providers/session.js';
import { type Choice, chooseTarget, resolveTarget, savedProviders, type Target, targetFor } from '../providers/target.js';
import type { CommandName, Pack, ProviderEntry } from '../providers/types.js';

/** The fee the provider adds to a pack's price (conflux: 5% on purchases only, seeds/conflux.txt); 0 if none. */
function feeRate(target: Target): Decimal {
  return Decimal.parse(target.provider.packFee ?? '0');
}

export function feeOf(pack: Pack, rate: Decimal): Decimal | null {
  return pack.priceUsd === null ? null : pack.priceUsd.mul(rate).round(2);
}

/**
 * The target of `packs` or `checkout`: the chosen provider (flag, environment, default or only profile), checked
 * to offer `command` before its base URL and key are looked for. A command some provider serves keyless (packs)
 * may, when no flag or variable named the choice, be asked of that provider instead: it says so on stderr.
 * Anything else runs against the choice or exits 5 naming the saved profiles that could.
 */
export function packsTarget(ctx: Context, command: 'packs' | 'checkout'): Target {
  const config = ctx.config();
  const saved = savedProviders(config);
  const choice = chooseTarget(ctx.options, ctx.env, config, ctx.configDir);
  const keyless = (p: ProviderEntry) => p.keyless?.includes(command) ?? false;
  if (choice.provider?.commands.includes(command)) {
    return resolveTarget(ctx.options, ctx.env, config, ctx.configDir, !keyless(choice.provider));
  }
  const seller = choice.explicit ? undefined : PROVIDERS.find((p) => p.commands.includes(command) && keyless(p));
  if (seller) return elsewhere(ctx, seller, choice, command);
  if (choice.provider) {
    throw unsupported({ provider: choice.provider, profile: choice.picked?.[0] ?? null, saved }, command);
  }
  const can = profilesThatCan(saved, command);
  if (can.length) throw new UsageError(`no profile chosen for \`${command}\``, profilesHint(can));
  return resolveTarget(ctx.options, ctx.env, config, ctx.configDir);
}

/** The keyless `command` asked of `seller` (its first saved profile, if any), told on stderr. */
function elsewhere(ctx: Context, seller: ProviderEntry, choice: Choice, command: CommandName): Target {
  const config = ctx.config();
  const found = Object.entries(config.profiles).find(([, p]) => p.provider === seller.id);
  // a base URL given for the chosen profile is not this provider's (with nothing chosen it is); a key named
  // for no provider is sent to none, and the command needs none
  const env = { ...ctx.env, TALLY_API_KEY: undefined, ...(choice.provider ? { TALLY_BASE_URL: undefined } : {}) };
  const flags = choice.provider ? {} : ctx.options;
  const target = targetFor(seller, found?.[0] ?? null, found?.[1], flags, env, false);
  if (!ctx.options.quiet) {
    const where = target.profile ? `${seller.id} (profile ${target.profile})` : `${seller.id} at ${target.baseUrl.href.replace(/\/$/, '')}`;
    const asked = choice.picked?.[0] ?? null;
    const why = choice.provider
      ? `${asked ? `profile ${asked}` : 'the profile chosen'} is ${choice.provider.id}, which has no ${command}`
      : 'no profile chosen';
    ctx.io.err(`tally: note: ${command} from ${where}: ${why}\n`);
  }
  return target;
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
  const rate = feeRate(target);
  const fee = (p: Pack) => feeOf(p, rate);
  if (ctx.options.json) {
    writeJson(
      ctx.io,
      packs.map((p) => ({
        ...p.raw,
        priceUsd: p.priceUsd === null ? null : formatAmount(p.priceUsd, 'USD'),
        credits: p.credits?.toString() ?? null,
        feeUsd: fee(p) === null ? null : formatAmount(fee(p) as Decimal, 'USD'),
      })),
    );
    return 0;
  }
  await renderTable(
    ctx.io,
    [
      // narrow: the key (what checkout takes), the price and the credits stay; the fee, then the name give way
      { header: 'KEY' },
      { header: 'NAME', free: true, dropRank: 2 },
      { header: 'PRICE (USD)', kind: 'amount' },
      { header: 'CREDITS AFTER FEE', kind: 'amount' },
      { header: `FEE ${rate.mul(Decimal.parse('100')).toString()}% (USD)`, kind: 'amount', dropRank: 1 },
    ],
    packs.map((p) => [
      p.key,
      p.name,
      p.priceUsd === null ? p.price : formatAmount(p.priceUsd, 'USD'),
      p.credits === null ? p.creditsAfterFee : `~${Number(p.credits.toString()).toLocaleString('en-US')}`,
      fee(p) === null ? '' : formatAmount(fee(p) as Decimal, 'USD'),
    ]),
  );
  return 0;
}
