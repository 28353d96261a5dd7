// The README's provider table, rendered from `tally providers --json`; the docs test compares the two.
export interface ProviderJson {
  id: string;
  name: string;
  auth: string;
  defaultBaseUrl: string | null;
  commands: string[];
}

export const COMMAND_COLUMNS = ['balance', 'ledger', 'usage', 'account', 'packs', 'checkout', 'reconcile'];

export function providersMarkdown(providers: ProviderJson[]): string {
  const head = `| id | name | auth | default base URL | ${COMMAND_COLUMNS.join(' | ')} |`;
  const rule = `|${' --- |'.repeat(4 + COMMAND_COLUMNS.length)}`;
  const rows = providers.map(
    (p) =>
      `| \`${p.id}\` | ${p.name} | \`${p.auth}\` | ${p.defaultBaseUrl ?? 'none: give `--base-url`'} | ${COMMAND_COLUMNS.map((c) => (p.commands.includes(c) ? 'yes' : '—')).join(' | ')} |`,
  );
  return [head, rule, ...rows].join('\n');
}
