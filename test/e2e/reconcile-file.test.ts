// `tally reconcile --file` on exports that were cut off or re-saved by another tool: refused by name, or read.
// Commands run in process (test/helpers/in-process.ts: the same parsing, errors and exit codes as the binary,
// output through the io twin) over real sockets; what needs a process of its own (a signal, a closing
// connection seen from outside) runs the built binary.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { tallyInProcess as tally } from '../helpers/in-process.js';
import { sandboxEnv } from '../helpers/tally.js';

let sandbox: Sandbox;
let dir: string;
const files: Record<'csv' | 'json' | 'ndjson', string> = { csv: '', json: '', ndjson: '' };
/** The live report's issues, as [kind, entryId, delta], less the duplicate: the export writes that entry once. */
let liveIssues: [string, string | null, string | null][];

interface ReportJson {
  checked: number;
  issues: { kind: string; entryId: string | null; delta: string | null }[];
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 5, entries: 120 });
  dir = mkdtempSync(join(tmpdir(), 'tally-reconcile-file-'));
  const env = sandboxEnv(sandbox, 'conduit', 'bad');
  for (const format of ['csv', 'json', 'ndjson'] as const) {
    files[format] = join(dir, `bad.${format}`);
    const r = await tally(['ledger', 'export', `--${format}`, '--out', files[format]], { env });
    expect(r.exitCode, r.stderr).toBe(0);
  }
  const live = JSON.parse((await tally(['reconcile', '--json'], { env })).stdout) as ReportJson;
  expect(live.issues.map((i) => i.kind)).toEqual(['chain_break', 'duplicate']);
  liveIssues = live.issues.filter((i) => i.kind !== 'duplicate').map((i) => [i.kind, i.entryId, i.delta]);
});
afterAll(async () => {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Reconciles `path` and expects the live report's issues (exit 1), and `rows` entries checked when given. */
async function expectLiveIssues(path: string, rows?: number): Promise<void> {
  const r = await tally(['reconcile', '--json', '--file', path]);
  expect(r.exitCode, r.stderr).toBe(1);
  const report = JSON.parse(r.stdout) as ReportJson;
  expect(report.issues.map((i) => [i.kind, i.entryId, i.delta])).toEqual(liveIssues);
  if (rows !== undefined) expect(report.checked).toBe(rows);
}

/** A copy of an export with its last `cut` bytes gone. */
function truncated(format: 'csv' | 'json' | 'ndjson', cut: number): string {
  const bytes = readFileSync(files[format]);
  const path = join(dir, `cut-${cut}.${format}`);
  writeFileSync(path, bytes.subarray(0, bytes.length - cut));
  return path;
}

describe('reconcile --file refuses an export that was cut off', () => {
  it('exits 2 naming a JSON export that ends before its closing bracket', async () => {
    const path = truncated('json', 2); // "]\n" gone: every entry is whole
    const r = await tally(['reconcile', '--file', path]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `tally: --file ${path} is cut off: the JSON array has no closing "]"\n` +
        '  the file is incomplete (an export interrupted or a copy cut short); export it again',
    );
  });

  it.each([
    ['json', 40],
    ['ndjson', 1],
    ['ndjson', 30],
    ['csv', 2],
    ['csv', 9],
  ] as const)('exits 2 naming a %s export cut %i bytes before its end', async (format, cut) => {
    const path = truncated(format, cut);
    const r = await tally(['reconcile', '--file', path]);
    expect(r.exitCode, r.stdout).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toMatch(new RegExp(`^tally: --file ${path.replace(/[.]/g, '\\.')} is cut off: `));
  });

  it('says what is wrong with a JSON export that has text after its closing bracket (exit 2)', async () => {
    const path = join(dir, 'garbage.json');
    writeFileSync(path, `${readFileSync(files.json, 'utf8')}garbage\n`);
    const r = await tally(['reconcile', '--file', path]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(
      `tally: ${path} is not a tally ledger export (something follows the closing "]" of its JSON array)`,
    );
    // a cut inside an entry whose metadata holds a list is still a cut, not text after the array
    const cut = join(dir, 'cut-in-list.json');
    writeFileSync(cut, `${readFileSync(files.json, 'utf8').replace(/\n\]\n$/, '')},\n{"id":"x","metadata":{"tags":["a"]}}`);
    const c = await tally(['reconcile', '--file', cut]);
    expect(c.exitCode).toBe(2);
    expect(c.stderr.split('\n')[0]).toBe(`tally: --file ${cut} is cut off: the JSON array has no closing "]"`);
  });

  it('reads a CSV whose rows end in CRLF and LF mixed, as a hand edit leaves it', async () => {
    const lines = readFileSync(files.csv, 'utf8').split('\r\n');
    const path = join(dir, 'mixed.csv');
    writeFileSync(path, lines.map((line, i) => (i === lines.length - 1 ? line : `${line}${i % 3 === 0 ? '\n' : '\r\n'}`)).join(''));
    const r = await tally(['reconcile', '--json', '--file', path]);
    expect(r.exitCode, r.stderr).toBe(1);
    expect((JSON.parse(r.stdout) as ReportJson).issues.map((i) => [i.kind, i.entryId, i.delta])).toEqual(liveIssues);
  });

  it('exits 2 naming a directory given as --file', async () => {
    const r = await tally(['reconcile', '--file', dir]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(`tally: --file ${dir}: cannot read it (EISDIR)`);
  });

  it('still reads a complete export of each format, and a JSON export re-indented by jq', async () => {
    const pretty = join(dir, 'pretty.json');
    writeFileSync(pretty, `${JSON.stringify(JSON.parse(readFileSync(files.json, 'utf8')), null, 2)}\n`);
    for (const path of [files.csv, files.json, files.ndjson, pretty]) {
      const r = await tally(['reconcile', '--json', '--file', path]);
      expect(r.exitCode, r.stderr).toBe(1);
      const report = JSON.parse(r.stdout) as ReportJson;
      expect(report.issues.map((i) => [i.kind, i.entryId, i.delta])).toEqual(liveIssues);
    }
  });

  it('still tells a file that is no export from one that was cut off', async () => {
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'date,amount\n2026-01-01,5');
    const r = await tally(['reconcile', '--file', notes]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`tally: ${notes} is not a tally ledger export (it starts with "date,amount")`);
  });
});

describe('reconcile --file reads a CSV re-saved by a spreadsheet or a script', () => {
  it("reads an export re-saved with every cell quoted (Python's QUOTE_ALL), finding the same issues", async () => {
    const records = parse(readFileSync(files.csv), { bom: true }) as string[][];
    const path = join(dir, 'quoted.csv');
    writeFileSync(path, stringify(records, { quoted: true, quoted_empty: true, record_delimiter: 'windows' }));
    expect(readFileSync(path, 'utf8').split('\r\n')[0]).toBe(
      '"created_at","id","type","provider_type","amount","balance_after","unit","description","reference"',
    );
    await expectLiveIssues(path, records.length - 1);
  });

  it('reads a re-save with LF line ends, a byte-order mark and only some cells quoted', async () => {
    const records = parse(readFileSync(files.csv), { bom: true }) as string[][];
    const path = join(dir, 'lf.csv');
    const header = (records[0] as string[]).map((h, i) => (i % 2 === 0 ? `"${h}"` : h)).join(',');
    writeFileSync(path, `\uFEFF${header}\n${stringify(records.slice(1), { record_delimiter: 'unix' })}`);
    const r = await tally(['reconcile', '--json', '--file', path]);
    expect(r.exitCode, r.stderr).toBe(1);
    expect((JSON.parse(r.stdout) as ReportJson).issues.map((i) => [i.kind, i.entryId, i.delta])).toEqual(liveIssues);
  });
});

describe('reconcile --file reads a CSV with columns of its own added', () => {
  /** The CSV export with a column `name` put in at `at` (0: first; past the end: last), every cell as given. */
  function withColumn(records: string[][], name: string, at: number): string[][] {
    return records.map((r, i) => [...r.slice(0, at), i === 0 ? name : `${name} ${i}`, ...r.slice(at)]);
  }
  const exportRecords = () => parse(readFileSync(files.csv), { bom: true }) as string[][];

  it('ignores extra columns first, in the middle and last, in a CRLF file as RFC 4180 writes it, finding the same issues', async () => {
    const records = withColumn(withColumn(withColumn(exportRecords(), 'row', 0), 'checked by', 5), 'note', 11);
    const path = join(dir, 'extra-columns.csv');
    writeFileSync(path, stringify(records, { record_delimiter: 'windows' }));
    expect(readFileSync(path, 'utf8').split('\r\n')[0]).toBe(
      'row,created_at,id,type,provider_type,checked by,amount,balance_after,unit,description,reference,note',
    );
    await expectLiveIssues(path, records.length - 1);
  });

  it('reads a CRLF file with an extra column, quoted throughout, as a spreadsheet saves it', async () => {
    const path = join(dir, 'extra-quoted.csv');
    writeFileSync(path, stringify(withColumn(exportRecords(), 'memo, with a comma', 9), { quoted: true, record_delimiter: 'windows' }));
    await expectLiveIssues(path);
  });

  const HINT =
    '  expected what `tally ledger export` writes: CSV with the header created_at,id,type,provider_type,amount,balance_after,unit,description,reference, a JSON array, or NDJSON of entries';

  it.each([
    ['a column renamed', (h: string[]) => h.map((c) => (c === 'amount' ? 'amt' : c)), 'column 5 should be "amount" but is "amt"'],
    [
      'a column renamed after one added',
      (h: string[]) => ['row', ...h.map((c) => (c === 'unit' ? 'currency' : c))],
      'column 8 should be "unit" but is "currency"',
    ],
    ['the last column gone', (h: string[]) => h.slice(0, -1), 'column 9 should be "reference" but the header ends there'],
    [
      'two columns swapped',
      (h: string[]) => h.map((c) => (c === 'id' ? 'type' : c === 'type' ? 'id' : c)),
      'column 2 should be "id" but is "type"',
    ],
    [
      'a column of the same name added',
      (h: string[]) => [...h.slice(0, 5), 'amount', ...h.slice(5)],
      'column 6 is a second "amount" column (the first is column 5)',
    ],
  ])('names the column it expected for a header with %s (exit 2)', async (_what, change, why) => {
    const records = exportRecords();
    const header = change(records[0]!);
    const path = join(dir, 'renamed.csv');
    // the rows keep their cells: only the header says what they are
    const rows = records
      .slice(1)
      .map((r) => (header.length > r.length ? [...r, ''] : header.length < r.length ? r.slice(0, header.length) : r));
    writeFileSync(path, stringify([header, ...rows], { record_delimiter: 'windows' }));
    expect(await tally(['reconcile', '--file', path])).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: `tally: ${path} is not a tally ledger export (${why})\n${HINT}`,
    });
  });
});

describe('an export whose oldest and newest entries have no balance_after', () => {
  it('opens and closes where the roll-forward carries the balances across them, and names both entries (exit 1)', async () => {
    const env = sandboxEnv(sandbox, 'conduit');
    const whole = join(dir, 'ok.ndjson');
    expect((await tally(['ledger', 'export', '--ndjson', '--out', whole], { env })).exitCode).toBe(0);
    const lines = readFileSync(whole, 'utf8').trimEnd().split('\n');
    const entries = lines.map((l) => JSON.parse(l) as { id: string; amount: string; balanceAfter: string | null });
    const [newest, oldest] = [entries[0]!, entries[entries.length - 1]!];
    const gaps = join(dir, 'gaps.ndjson');
    const blank = (e: (typeof entries)[number]) => JSON.stringify({ ...e, balanceAfter: null });
    writeFileSync(gaps, [blank(newest), ...lines.slice(1, -1), blank(oldest)].join('\n') + '\n');
    const full = JSON.parse((await tally(['reconcile', '--file', whole, '--json'], { env })).stdout) as ReportJson &
      Record<string, unknown>;
    const r = await tally(['reconcile', '--file', gaps, '--json'], { env });
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(r.stdout) as ReportJson & { opening: string | null; closing: string | null };
    expect([report.opening, report.closing]).toEqual([full.opening, full.closing]);
    expect(report.opening).not.toBeNull();
    expect(report.issues.map((i) => [i.kind, i.entryId])).toEqual([
      ['missing_balance_after', newest.id],
      ['missing_balance_after', oldest.id],
    ]);
  });
});

describe('an export of every profile (ledger export --all)', () => {
  /** Two clean profiles in one export: each chain adds up, but not one after the other. */
  async function exportOfAll(flag: string): Promise<string> {
    const configDir = mkdtempSync(join(dir, 'config-'));
    const profiles = Object.fromEntries(
      ['conduit', 'bytespike'].map((p) => [p, { provider: p, baseUrl: sandbox.baseUrl(p), key: sandbox.key(p, 'ok') }]),
    );
    writeFileSync(join(configDir, 'config.json'), JSON.stringify({ profiles }));
    const out = join(dir, `all${flag}`);
    const r = await tally(['ledger', 'export', '--all', flag, '--out', out], { configDir });
    expect(r.exitCode, r.stderr).toBe(0);
    return out;
  }

  it.each(['--csv', '--json', '--ndjson'])('is refused with exit 2, not read as one chain of false breaks (%s)', async (flag) => {
    const file = await exportOfAll(flag);
    const r = await tally(['reconcile', '--file', file]);
    expect(r).toMatchObject({
      exitCode: 2,
      stdout: '',
      stderr:
        `tally: ${file} is an export of every profile (ledger export --all): --file reconciles one profile's ledger\n` +
        `  export each on its own and reconcile that: tally -p NAME ledger export --out NAME.csv && tally reconcile --file NAME.csv`,
    });
  });
});

describe('an export of top-ups only, from a provider whose ledger is a chain', () => {
  // bytespike's wallet: three top-ups, and 5.00 gone between the second and the third with no entry for it
  const header = 'created_at,id,type,provider_type,amount,balance_after,unit,description,reference';
  const rows = [
    '2026-01-01T00:02:00.000Z,900002,purchase,topup,10.00,25.00,USD,,ch_3',
    '2026-01-01T00:01:00.000Z,900001,purchase,topup,10.00,20.00,USD,,ch_2',
    '2026-01-01T00:00:00.000Z,900000,purchase,topup,10.00,10.00,USD,,ch_1',
  ];
  const write = () => {
    const path = join(dir, 'topups.csv');
    writeFileSync(path, `${[header, ...rows].join('\r\n')}\r\n`);
    return path;
  };
  const BREAK = [['chain_break', '900002', '-5.00']];

  it.each([
    ['--provider bytespike', ['--provider', 'bytespike'], {}],
    ['TALLY_PROVIDER=bytespike', [], { TALLY_PROVIDER: 'bytespike' }],
  ])('finds the 5.00 that vanished as a chain_break (exit 1) with %s, as the live check does', async (_, flags, env) => {
    const r = await tally([...flags, 'reconcile', '--json', '--file', write()], { env });
    expect(r.exitCode, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as ReportJson;
    expect(report.issues.map((i) => [i.kind, i.entryId, i.delta])).toEqual(BREAK);
  });

  it('finds it with -p naming a saved bytespike profile', async () => {
    const config = mkdtempSync(join(tmpdir(), 'tally-file-profile-'));
    try {
      writeFileSync(
        join(config, 'config.json'),
        JSON.stringify({ profiles: { spike: { provider: 'bytespike', key: 'sk-unused-0123456789' } } }),
      );
      const r = await tally(['-p', 'spike', 'reconcile', '--json', '--file', write()], { configDir: config });
      expect(r.exitCode, r.stderr).toBe(1);
      expect((JSON.parse(r.stdout) as ReportJson).issues.map((i) => [i.kind, i.entryId, i.delta])).toEqual(BREAK);
    } finally {
      rmSync(config, { recursive: true, force: true });
    }
  });

  it('judges it as a purchases-only history, and says so, when nothing names the provider (a conflux export, or a --type purchase one)', async () => {
    const r = await tally(['reconcile', '--file', write()]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('note: every entry is a purchase, so it was checked as a purchases-only history');
  });
});
