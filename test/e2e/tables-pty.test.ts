// Tables in a real terminal of 60, 80 and 120 columns: they fit the width, free text wraps, and no id, date,
// kind, amount, URL or key is ever cut. The built binary runs in a pseudo-terminal (test/helpers/pty.ts).
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { tallyInProcess } from '../helpers/in-process.js';
import { tallyInPty } from '../helpers/pty.js';
import { BIN, runEnv, sandboxEnv, tally, tempConfigDir, waitFor } from '../helpers/tally.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 1, entries: 250 });
});
afterAll(() => sandbox.close());

const WIDTHS = [60, 80, 120] as const;

/** The lines of the boxed tables in a terminal's text. */
const tableLines = (text: string) => text.split('\n').filter((l) => /^[┌│└]/.test(l));

/**
 * The columns of every boxed table in the text, each as its text top to bottom (header first) with wrapped
 * lines joined by one space: a cell wrapped over three lines reads as the one string it was.
 */
function columnTexts(text: string): string[] {
  const columns: string[] = [];
  let bounds: number[] = [];
  let cells: string[][] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('┌')) {
      bounds = [...line].flatMap((ch, i) => (ch === '┌' || ch === '┬' || ch === '┐' ? [i] : []));
      cells = bounds.slice(1).map(() => []);
    } else if (line.startsWith('│')) {
      const chars = [...line];
      bounds.slice(1).forEach((end, i) =>
        cells[i]?.push(
          chars
            .slice((bounds[i] as number) + 1, end)
            .join('')
            .trim(),
        ),
      );
    } else if (line.startsWith('└')) {
      columns.push(...cells.map((c) => c.filter(Boolean).join(' ')));
    }
  }
  return columns;
}

/** Asserts that no table line is wider than the terminal and that nothing was cut with an ellipsis. */
function expectFits(text: string, columns: number): void {
  const lines = tableLines(text);
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(columns);
  expect(lines.filter((l) => l.includes('…'))).toEqual([]);
}

/** The rows of a piped (tab-separated) table, header first. */
const tsv = (stdout: string) =>
  stdout
    .trimEnd()
    .split('\n')
    .map((l) => l.split('\t'));

describe('ledger list in a terminal', () => {
  it.each(WIDTHS)('fits %i columns and shows every date and amount whole, and every id whole where ids are shown', async (columns) => {
    // which columns fit depends on the width of the date header, which names the zone: hold it to UTC's
    const env = { ...sandboxEnv(sandbox, 'conduit'), TZ: 'UTC' };
    const piped = tsv((await tallyInProcess(['ledger', 'list', '--limit', '8'], { env })).stdout);
    const [header, ...rows] = piped;
    expect(header?.[1]).toBe('ID');
    const run = tallyInPty(['ledger', 'list', '--limit', '8'], { columns, env });
    expect((await run.exited).exitCode).toBe(0);
    const text = run.screen();
    expectFits(text, columns);
    const shown = columnTexts(text);
    for (const row of rows) {
      const [date, id, , amount] = row as [string, string, string, string];
      expect(date).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d/);
      expect(shown.find((c) => c.startsWith('CREATED AT'))).toContain(date);
      expect(shown.find((c) => c.startsWith('AMOUNT'))).toContain(amount);
      // an id is shown whole, or (at 60 columns, where it gives way to the description) not at all
      if (columns >= 80) expect(shown.find((c) => c.startsWith('ID '))).toContain(id);
      else expect(text).not.toContain(id.slice(0, 6));
    }
    if (columns < 80) {
      // at 60 columns the description is what is left beside the date and the amount, wrapped, not cut
      const description = shown.find((c) => c.startsWith('DESCRIPTION'));
      for (const row of rows) expect(description).toContain(row[6]);
    }
  });
});

describe('reconcile on the planted account in a terminal', () => {
  it.each(WIDTHS)('fits %i columns with the kinds and entry ids whole and each message readable in full', async (columns) => {
    const env = sandboxEnv(sandbox, 'conduit', 'bad');
    const piped = await tally(['reconcile'], { env });
    expect(piped.exitCode).toBe(1);
    const issues = tsv(piped.stdout).filter((r) => r[0] === 'chain_break' || r[0] === 'duplicate');
    expect(issues.map((r) => r[0])).toEqual(['chain_break', 'duplicate']);
    const run = tallyInPty(['reconcile'], { columns, env });
    expect((await run.exited).exitCode).toBe(1);
    const text = run.screen();
    expectFits(text, columns);
    const shown = columnTexts(text);
    const kinds = shown.find((c) => c.startsWith('KIND'));
    const entries = shown.find((c) => c.startsWith('ENTRY'));
    const messages = shown.find((c) => c.startsWith('MESSAGE'));
    expect(kinds).toBe('KIND chain_break duplicate');
    for (const issue of issues) {
      expect(entries).toContain(issue[1]);
      expect(messages).toContain(issue[7]);
    }
  });
});

describe('tally sandbox in a terminal', () => {
  it.each(WIDTHS)('at %i columns shows every base URL and every key whole, then stops on Ctrl-C (exit 130)', async (columns) => {
    const run = tallyInPty(['sandbox', '--port', '0'], { columns, rows: 80 });
    // the try: command ends the output: with it shown, every URL and key is
    await run.waitForText(/TALLY_API_KEY=\S+ tally balance/);
    run.write('\x03');
    expect((await run.exited).exitCode).toBe(130);
    const text = run.screen();
    const port = /http:\/\/127\.0\.0\.1:(\d+)/.exec(text)?.[1];
    expect(port).toBeDefined();
    expectFits(text, columns);
    // the lines a newcomer copies from fit the terminal too: the base URLs and the `try:` command
    const own = text.split('\n').filter((l) => l.includes(`127.0.0.1:${port}/`) || /TALLY_|tally balance/.test(l));
    for (const line of own) expect([...line].length, line).toBeLessThanOrEqual(columns);
    const words = new Set(text.split(/[\s│]+/));
    for (const p of sandbox.providers) {
      expect(words).toContain(`http://127.0.0.1:${port}/${p.id}`);
      for (const a of p.accounts) expect(words).toContain(a.key);
    }
    const purposes = columnTexts(text).filter((c) => c.startsWith('WHAT IT SHOWS'));
    for (const p of sandbox.providers) {
      for (const a of p.accounts) expect(purposes.some((c) => c.includes(a.purpose))).toBe(true);
    }
  });
});

describe('tally sandbox on a pipe', () => {
  it('writes one tab-separated table: a header, then a row an account with its provider and base URL', async () => {
    const child = execa('node', [BIN, 'sandbox', '--port', '0'], { reject: false, extendEnv: false, stdin: 'ignore', env: runEnv() });
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const accounts = sandbox.providers.reduce((n, p) => n + p.accounts.length, 0);
    await waitFor('the sandbox table', () => stdout.split('\n').length > accounts + 1);
    child.kill('SIGINT');
    expect((await child).exitCode).toBe(130);
    const [header, ...rows] = tsv(stdout);
    expect(header).toEqual(['PROVIDER', 'BASE URL', 'ACCOUNT', 'KEY', 'WHAT IT SHOWS']);
    const port = /:(\d+)\//.exec(stdout)?.[1];
    expect(rows).toEqual(
      sandbox.providers.flatMap((p) => p.accounts.map((a) => [p.id, `http://127.0.0.1:${port}/${p.id}`, a.name, a.key, a.purpose])),
    );
  });
});

describe('balance in a terminal', () => {
  it.each(WIDTHS)('balance --all at %i columns shows a failing profile’s error whole (exit 3)', async (columns) => {
    const cfg = tempConfigDir();
    try {
      for (const [name, provider, account] of [
        ['good', 'conduit', 'ok'],
        ['refused', 'indigenius', 'revoked'],
      ] as const) {
        const added = await tallyInProcess(
          [
            'profiles',
            'add',
            name,
            '--provider',
            provider,
            '--base-url',
            sandbox.baseUrl(provider),
            '--key-stdin',
            ...(account === 'revoked' ? ['--no-verify'] : []),
          ],
          { configDir: cfg.dir, input: `${sandbox.key(provider, account)}\n` },
        );
        expect(added.exitCode, added.stderr).toBe(0);
      }
      const json = await tallyInProcess(['balance', '--all', '--json'], { configDir: cfg.dir });
      const message = (JSON.parse(json.stdout) as Array<{ error?: { message: string } }>)[1]?.error?.message;
      expect(message).toMatch(/^indigenius \(profile refused\) refused the key \(401\)/);
      const run = tallyInPty(['balance', '--all'], { columns, configDir: cfg.dir });
      expect((await run.exited).exitCode).toBe(3);
      const text = run.screen();
      expectFits(text, columns);
      const shown = columnTexts(text);
      expect(shown.find((c) => c.startsWith('PROFILE'))).toBe('PROFILE good refused');
      expect(shown.find((c) => c.startsWith('NOTE'))).toContain(`error: ${message}`);
    } finally {
      cfg.cleanup();
    }
  });

  it('balance --all fits the terminal under the spinner a slow provider brings up, and clears it', async () => {
    const slow = await startSandbox({ port: 0, seed: 1, entries: 50, faults: 'slow=400' });
    const cfg = tempConfigDir();
    try {
      for (const name of ['one', 'two']) {
        const added = await tallyInProcess(
          ['profiles', 'add', name, '--provider', 'conduit', '--base-url', slow.baseUrl('conduit'), '--key-stdin', '--no-verify'],
          { configDir: cfg.dir, input: `${slow.key('conduit', 'ok')}\n` },
        );
        expect(added.exitCode, added.stderr).toBe(0);
      }
      const run = tallyInPty(['balance', '--all'], { columns: 60, configDir: cfg.dir });
      expect((await run.exited).exitCode).toBe(0);
      expect(run.text()).toContain('reading balances');
      const text = run.screen();
      expect(text).not.toContain('reading balances');
      expectFits(text, 60);
      expect(columnTexts(text).find((c) => c.startsWith('PROFILE'))).toBe('PROFILE one two');
    } finally {
      cfg.cleanup();
      await slow.close();
    }
  });

  it.each(WIDTHS)('a single balance at %i columns shows no column the provider leaves empty', async (columns) => {
    const run = tallyInPty(['balance'], { columns, env: sandboxEnv(sandbox, 'conduit') });
    expect((await run.exited).exitCode).toBe(0);
    const text = run.screen();
    expectFits(text, columns);
    const headers = columnTexts(text).map((c) => c.split(' ')[0]);
    expect(headers).toContain('BALANCE');
    for (const empty of ['AVAILABLE', 'RESERVED', 'NOTE']) expect(headers).not.toContain(empty);
    // a provider that gives them keeps them, where they fit
    const reserved = tallyInPty(['balance'], { columns: 120, env: sandboxEnv(sandbox, 'account-api', 'reserved') });
    expect((await reserved.exited).exitCode).toBe(0);
    expect(columnTexts(reserved.screen()).map((c) => c.split(' ')[0])).toEqual(
      expect.arrayContaining(['BALANCE', 'AVAILABLE', 'RESERVED']),
    );
  });
});

describe('every other table in a terminal', () => {
  let cfg: { dir: string; cleanup: () => void };
  beforeAll(async () => {
    cfg = tempConfigDir();
    for (const [name, provider, account] of [
      ['work', 'conduit', 'ok'],
      ['refused', 'indigenius', 'revoked'],
      ['planted', 'account-api', 'bad'],
    ] as const) {
      const added = await tallyInProcess(
        [
          'profiles',
          'add',
          name,
          '--provider',
          provider,
          '--base-url',
          sandbox.baseUrl(provider),
          '--key-stdin',
          ...(account === 'revoked' ? ['--no-verify'] : []),
        ],
        { configDir: cfg.dir, input: `${sandbox.key(provider, account)}\n` },
      );
      expect(added.exitCode, added.stderr).toBe(0);
    }
  });
  afterAll(() => cfg.cleanup());

  const cases: Array<[string, string[], string | null, number, () => string[]]> = [
    ['providers', ['providers'], null, 0, () => ['https://conduit.im', 'https://llm.bytespike.ai', 'https://api.indigenius.ai']],
    ['packs', ['packs'], 'conflux', 0, () => ['starter', 'enterprise', '~18,999,050']],
    ['usage', ['usage'], 'bytespike', 0, () => ['deepseek-chat', '5.8807']],
    ['account', ['account'], 'account-api', 0, () => ['ada@example.com', 'pro (active)']],
    ['profiles list', ['profiles', 'list'], null, 0, () => ['work', 'refused', 'planted']],
    ['reconcile --all', ['reconcile', '--all'], null, 3, () => ['work', 'refused', 'planted', '2 issues']],
  ];
  it.each(cases.flatMap(([name, ...rest]) => [60, 80].map((columns) => [name, columns, ...rest] as const)))(
    '%s fits %i columns with nothing cut',
    async (_name, columns, args, provider, exitCode, whole) => {
      const env = provider ? sandboxEnv(sandbox, provider) : {};
      const run = tallyInPty(args, { columns, env, configDir: cfg.dir });
      expect((await run.exited).exitCode).toBe(exitCode);
      const text = run.screen();
      expectFits(text, columns);
      const cells = columnTexts(text).join(' ');
      for (const value of whole()) expect(cells).toContain(value);
    },
  );
});
