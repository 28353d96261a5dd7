// `tally account`: an overview from what the provider offers (summary, plan, totals, per-key spend).
import type { Context } from '../core/context.js';
import { localTime } from '../core/dates.js';
import { writeJson } from '../output/json.js';
import { renderTable } from '../output/table.js';
import { assertOffers, openProvider, unsupported } from '../providers/session.js';
import { resolveTarget } from '../providers/target.js';
import type { AccountOverview } from '../providers/types.js';

export async function run(ctx: Context): Promise<number> {
  const target = resolveTarget(ctx.options, ctx.env, ctx.config(), ctx.configDir);
  assertOffers(target, 'account');
  const session = await openProvider(ctx, target);
  let overview: AccountOverview;
  try {
    const accountOf = session.adapter.account;
    if (!accountOf) throw unsupported(target, 'account');
    overview = await accountOf(session.pctx);
  } finally {
    await session.close();
  }
  if (ctx.options.json) {
    writeJson(ctx.io, { profile: target.profile, provider: target.provider.id, ...overview.json });
    return 0;
  }
  const zone = ctx.options.zone;
  await renderTable(
    ctx.io,
    [{ header: 'FIELD' }, { header: 'VALUE' }],
    [
      ['provider', target.provider.id],
      ...(target.profile ? [['profile', target.profile]] : []),
      ...overview.fields.map((f) =>
        f.time ? [`${f.label} (${zone})`, f.value === null ? '' : localTime(f.value, zone)] : [f.label, f.value ?? ''],
      ),
    ],
  );
  for (const table of overview.tables) {
    ctx.io.out(`\n${table.title}\n`);
    await renderTable(
      ctx.io,
      table.columns.map((header) => ({ header })),
      table.rows,
    );
  }
  return 0;
}
