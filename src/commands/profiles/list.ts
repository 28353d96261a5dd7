// `tally profiles list`: profiles with their key source and last four characters, never the key.
import type { Profile } from '../../core/config.js';
import type { Context } from '../../core/context.js';
import { redactKey } from '../../core/secrets.js';
import { writeJson } from '../../output/json.js';
import { renderTable } from '../../output/table.js';
import { findProvider } from '../../providers/registry.js';

export function keySource(profile: Profile, env: Readonly<Record<string, string | undefined>>): string {
  if (profile.keyEnv) {
    const value = env[profile.keyEnv];
    return value ? `env ${profile.keyEnv} ${redactKey(value)}` : `env ${profile.keyEnv} (not set)`;
  }
  if (profile.key) return `config ${redactKey(profile.key)}`;
  return 'none';
}

export async function run(ctx: Context): Promise<number> {
  const config = ctx.config();
  const rows = Object.entries(config.profiles).map(([name, p]) => ({
    name,
    provider: p.provider,
    baseUrl: p.baseUrl ?? findProvider(p.provider)?.defaultBaseUrl ?? null,
    key: keySource(p, ctx.env),
    default: config.defaultProfile === name,
  }));
  if (ctx.options.json) {
    writeJson(ctx.io, rows);
    return 0;
  }
  await renderTable(
    ctx.io,
    // narrow: the name and which is the default stay; the base URL, the key source, then the provider give way
    [
      { header: 'NAME' },
      { header: 'PROVIDER', dropRank: 3 },
      { header: 'BASE URL', dropRank: 1 },
      { header: 'KEY', dropRank: 2 },
      { header: 'DEFAULT' },
    ],
    rows.map((r) => [r.name, r.provider, r.baseUrl ?? '', r.key, r.default ? '*' : '']),
  );
  return 0;
}
