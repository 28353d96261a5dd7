// `tally profiles show <name>`: one saved profile as `profiles list` describes it, with its thresholds; never the key.
import { configPath } from '../../core/config.js';
import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { writeJson } from '../../output/json.js';
import { renderTable } from '../../output/table.js';
import { findProvider } from '../../providers/registry.js';
import { keySource } from './list.js';
import type { NamedProfile } from './named.command.js';

export async function run(ctx: Context, { name }: NamedProfile): Promise<number> {
  const config = ctx.config();
  const p = config.profiles[name];
  if (!p) throw new UsageError(`no profile named "${name}" in ${configPath(ctx.configDir)}`, 'see `tally profiles list`');
  const profile = {
    name,
    provider: p.provider,
    baseUrl: p.baseUrl ?? findProvider(p.provider)?.defaultBaseUrl ?? null,
    key: keySource(p, ctx.env),
    default: config.defaultProfile === name,
    min: p.min ?? null,
    minDays: p.minDays ?? null,
  };
  if (ctx.options.json) {
    writeJson(ctx.io, profile);
    return 0;
  }
  if (ctx.options.quiet) return 0;
  const baseUrl = p.baseUrl ? p.baseUrl : profile.baseUrl ? `${profile.baseUrl} (the provider's default)` : '';
  await renderTable(
    ctx.io,
    [{ header: 'FIELD' }, { header: 'VALUE' }],
    [
      ['name', name],
      ['provider', p.provider],
      ['base URL', baseUrl],
      ['key', profile.key],
      ['default', profile.default ? 'yes' : 'no'],
      ['min', p.min ?? ''],
      ['min days', p.minDays === undefined ? '' : String(p.minDays)],
    ],
  );
  return 0;
}
