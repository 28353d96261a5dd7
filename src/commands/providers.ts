// `tally providers`: each provider's id, name, auth, default base URL and which commands it supports.
import type { Context } from '../core/context.js';
import { writeJson } from '../output/json.js';
import { type Column, naturalWidth, renderTable } from '../output/table.js';
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
  // narrow: the id and the base URL stay; the name (the id, capitalised), then the auth header give way
  const columns: Column[] = [
    { header: 'ID' },
    { header: 'NAME', dropRank: 1 },
    { header: 'AUTH', dropRank: 2 },
    { header: 'DEFAULT BASE URL' },
  ];
  const cells = PROVIDERS.map((p) => [p.id, p.name, authHeaderLabel(p.auth), p.defaultBaseUrl ?? '(none: give --base-url)']);
  const grid: Column[] = [...columns, ...COMMANDS.map((c) => ({ header: c }))];
  const marks = PROVIDERS.map((p, i) => [
    ...(cells[i] as string[]),
    ...COMMANDS.map((c) => (p.commands.includes(c) ? (tty ? { text: '✓', tone: 'positive' as const } : 'yes') : tty ? '·' : 'no')),
  ]);
  if (!tty || naturalWidth(grid, marks) <= ctx.io.columns) await renderTable(ctx.io, grid, marks);
  else {
    // a column a command is too wide for a narrow terminal: one list a provider, wrapped
    await renderTable(
      ctx.io,
      [...columns, { header: 'COMMANDS', free: true }],
      PROVIDERS.map((p, i) => [...(cells[i] as string[]), p.commands.join(', ')]),
    );
  }
  return 0;
}
