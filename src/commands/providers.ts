// `tally providers`: each provider's id, name, auth, default base URL and which commands it supports.
import type { Context } from '../core/context.js';
import { writeJson } from '../output/json.js';
import { renderTable } from '../output/table.js';
import { PROVIDERS } from '../providers/registry.js';
import { COMMANDS } from '../providers/types.js';

export function authHeaderLabel(auth: 'bearer' | 'x-api-key'): string {
  return auth === 'bearer' ? 'Authorization: Bearer' : 'X-API-Key';
}

export async function run(ctx: Context): Promise<number> {
  if (ctx.options.json) {
    writeJson(
      ctx.io,
      PROVIDERS.map((p) => ({
        id: p.id,
        name: p.name,
        auth: authHeaderLabel(p.auth),
        defaultBaseUrl: p.defaultBaseUrl,
        commands: [...p.commands],
      })),
    );
    return 0;
  }
  const tty = ctx.io.stdoutIsTTY;
  await renderTable(
    ctx.io,
    [{ header: 'ID' }, { header: 'NAME' }, { header: 'AUTH' }, { header: 'DEFAULT BASE URL' }, ...COMMANDS.map((c) => ({ header: c }))],
    PROVIDERS.map((p) => [
      p.id,
      p.name,
      authHeaderLabel(p.auth),
      p.defaultBaseUrl ?? '(none: give --base-url)',
      ...COMMANDS.map((c) => (p.commands.includes(c) ? (tty ? { text: '✓', tone: 'positive' as const } : 'yes') : tty ? '·' : 'no')),
    ]),
  );
  return 0;
}
