// `tally ledger export --all` end to end against the sandbox: every profile into one file or stream, each
// profile's entries exactly as its own export has them, and a failing profile failing the whole export (no
// file, nothing on stdout) unless --keep-going writes the rest. In process over real sockets; what is about
// the process (temp files, Ctrl-C) runs the built binary, Ctrl-C in a real terminal.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { tallyInProcess } from '../helpers/in-process.js';
import { parseNdjson } from '../helpers/ledger.js';
import { tallyInPty } from '../helpers/pty.js';
import { sandboxEnv, tally, waitFor } from '../helpers/tally.js';

const ENTRIES = 300;
const HEADER = 'created_at,id,type,provider_type,amount,balance_after,unit,description,reference';

/** name, provider, sandbox account: the profiles of one config, in its order. */
type ProfileSpec = [name: string, provider: string, account: string, baseUrl?: string];

/** Four providers' clean accounts and conduit's planted one (a chain break and an entry listed twice). */
const PROFILES: ProfileSpec[] = [
  ['clean', 'conduit', 'ok'],
  ['spike', 'bytespike', 'ok'],
  ['credits', 'conflux', 'ok'],
  ['indi', 'indigenius', 'ok'],
  ['planted', 'conduit', 'bad'],
];
/** A port nothing listens on: the provider cannot be reached. */
const NOWHERE = 'http://127.0.0.1:9';

let sandbox: Sandbox;
const undo: Array<() => unknown> = [];
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 3, entries: ENTRIES });
});
afterAll(() => sandbox.close());
afterEach(async () => {
  for (const fn of undo.splice(0).reverse()) await fn();
});

/** An empty directory for one test, removed after it. */
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  undo.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A config directory holding these profiles, in this order. */
function configWith(profiles: ProfileSpec[], s: Sandbox = sandbox): string {
  const dir = tempDir('tally-all-config-');
  const entries = profiles.map(([name, provider, account, baseUrl]) => [
    name,
    { provider, baseUrl: baseUrl ? `${baseUrl}/${provider}` : s.baseUrl(provider), key: s.key(provider, account) },
  ]);
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ defaultProfile: profiles[0]?.[0], profiles: Object.fromEntries(entries) }));
  return dir;
}

const exportAll = (configDir: string, args: string[], env: Record<string, string> = {}) =>
  tallyInProcess(['ledger', 'export', '--all', ...args], { configDir, env, stripFinalNewline: false });

/** One profile's own export, as the single-profile command writes it. */
async function exportOne(args: string[], provider: string, account: string): Promise<string> {
  const r = await tallyInProcess(['ledger', 'export', ...args], { env: sandboxEnv(sandbox, provider, account), stripFinalNewline: false });
  expect(r.exitCode, r.stderr).toBe(0);
  return r.stdout;
}

/** CSV records (CRLF-terminated; a quoted cell may hold a bare LF) without the header. */
const csvRows = (text: string) => text.split('\r\n').slice(1, -1);

describe('ledger export --all: every profile, each exactly as its own export', () => {
  it.each([
    ['CSV', []],
    ['CSV oldest first', ['--order', 'asc']],
    ['CSV for a period', ['--since', '2026-01-01', '--until', '2026-10-01']],
    ['CSV of one type', ['--type', 'usage']],
    ['CSV without the formula guard, with a BOM', ['--no-formula-guard', '--bom']],
  ])(
    '%s: the header and every row start with profile,provider; each profile is its own export, in the order of the profiles',
    async (_, args) => {
      const configDir = configWith(PROFILES);
      const r = await exportAll(configDir, args);
      expect(r.exitCode).toBe(0);
      const bom = args.includes('--bom') ? '\uFEFF' : '';
      expect(r.stdout.startsWith(`${bom}profile,provider,${HEADER}\r\n`)).toBe(true);
      const expected: string[] = [];
      for (const [name, provider, account] of PROFILES) {
        for (const row of csvRows(await exportOne(args, provider, account))) expected.push(`${name},${provider},${row}`);
      }
      expect(csvRows(r.stdout)).toEqual(expected);
      expect(r.stdout.endsWith('\r\n')).toBe(true);
    },
  );

  it('keeps the entry the planted account lists twice once, as its own export does, and names the profile in the warning', async () => {
    const r = await exportAll(configWith([PROFILES[0]!, PROFILES[4]!]), ['--ndjson']);
    expect(r.exitCode).toBe(0);
    const planted = parseNdjson(r.stdout).filter((e) => (e as { profile?: string }).profile === 'planted');
    const own = parseNdjson(await exportOne(['--ndjson'], 'conduit', 'bad'));
    expect(planted.map((e) => e.id)).toEqual(own.map((e) => e.id));
    expect(new Set(planted.map((e) => e.id)).size).toBe(ENTRIES);
    expect(r.stderr).toMatch(/^tally: warning: planted: entry clx\w+ is listed twice by the provider; it is kept once\n$/);
  });

  it.each(['--json', '--ndjson'])('%s: each entry carries profile and provider first, then its own export’s fields', async (flag) => {
    const r = await exportAll(configWith(PROFILES), [flag]);
    expect(r.exitCode).toBe(0);
    const entries = (flag === '--json' ? JSON.parse(r.stdout) : parseNdjson(r.stdout)) as Array<Record<string, unknown>>;
    if (flag === '--json') expect(r.stdout).toMatch(/^\[\n\{"profile":"clean","provider":"conduit","id":/);
    const expected: Array<Record<string, unknown>> = [];
    for (const [name, provider, account] of PROFILES) {
      for (const e of parseNdjson(await exportOne(['--ndjson'], provider, account))) expected.push({ profile: name, provider, ...e });
    }
    expect(entries).toEqual(expected);
    expect(Object.keys(entries[0]!)).toEqual([
      'profile',
      'provider',
      ...Object.keys(parseNdjson(await exportOne(['--ndjson'], 'conduit', 'ok'))[0]!),
    ]);
  });

  it('writes --out with every profile, saying nothing off a terminal but what the provider got wrong', async () => {
    const dir = tempDir('tally-all-out-');
    const r = await exportAll(configWith(PROFILES), ['--out', join(dir, 'all.csv')]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^tally: warning: planted: entry clx\w+ is listed twice by the provider; it is kept once\n$/);
    expect(readFileSync(join(dir, 'all.csv'), 'utf8').split('\r\n')).toHaveLength(PROFILES.length * ENTRIES + 2);
    expect(readdirSync(dir)).toEqual(['all.csv']);
  });

  it('resolves --type per provider: a provider’s own word keeps only its profiles’ entries, a word no provider knows is exit 2 before any request', async () => {
    const configDir = configWith(PROFILES);
    const r = await exportAll(configDir, ['--type', 'SUPPORT_CREDIT']);
    expect(r.exitCode).toBe(0);
    const rows = csvRows(r.stdout);
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((row) => row.split(',').slice(0, 2).join(',')))).toEqual(new Set(['clean,conduit', 'planted,conduit']));
    const before = [...sandbox.requests.values()].reduce((a, b) => a + b, 0);
    const unknown = await exportAll(configDir, ['--type', 'nonsense']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toBe(
      'tally: --type "nonsense" is not a ledger type of any profile\'s provider (conduit, bytespike, conflux, indigenius)\n' +
        '  use one of: purchase, usage, refund, credit, debit, adjustment, subscription, CREDIT_PURCHASE, USAGE_DEBIT, SUPPORT_CREDIT, ' +
        'REFUND_DEBIT, topup, admin_credit, admin_debit, subscription_renew\n',
    );
    expect([...sandbox.requests.values()].reduce((a, b) => a + b, 0)).toBe(before);
  });

  it('with no profiles saved, exports the one target the environment names, its profile empty', async () => {
    const r = await tallyInProcess(['ledger', 'export', '--all', '--ndjson'], { env: sandboxEnv(sandbox, 'indigenius') });
    expect(r.exitCode).toBe(0);
    const own = parseNdjson(await exportOne(['--ndjson'], 'indigenius', 'ok'));
    expect(parseNdjson(r.stdout)).toEqual(own.map((e) => ({ profile: null, provider: 'indigenius', ...e })));
    const csv = await tallyInProcess(['ledger', 'export', '--all'], { env: sandboxEnv(sandbox, 'indigenius') });
    expect(csv.stdout.split('\r\n')[1]).toMatch(/^,indigenius,\d{4}-/);
    const none = await tallyInProcess(['ledger', 'export', '--all'], {});
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toMatch(/^tally: no profiles to query\n/);
  });

  it('writes the header alone, or [], when no profile has a matching entry', async () => {
    const configDir = configWith(PROFILES);
    const csv = await exportAll(configDir, ['--since', '2000-01-01', '--until', '2000-01-02']);
    expect(csv).toMatchObject({ exitCode: 0, stdout: `profile,provider,${HEADER}\r\n` });
    const json = await exportAll(configDir, ['--json', '--since', '2000-01-01', '--until', '2000-01-02']);
    expect(json).toMatchObject({ exitCode: 0, stdout: '[]\n' });
  });
});

describe('ledger export --all: a failing profile', () => {
  const refusedLine =
    'tally: bytespike (profile refused) refused the key (401) on GET /api/v1/me/billing/transactions: Missing or revoked API key\n' +
    '  give the profile a new key: tally profiles set refused --key-stdin\n';

  it('fails the export with exit 3 for a refused key: no --out file, an existing one kept, nothing on stdout, stderr naming the profile', async () => {
    const configDir = configWith([PROFILES[0]!, ['refused', 'bytespike', 'revoked'], PROFILES[3]!]);
    const dir = tempDir('tally-all-out-');
    const fresh = join(dir, 'new.csv');
    const r = await exportAll(configDir, ['--out', fresh]);
    expect(r).toEqual({
      exitCode: 3,
      stdout: '',
      stderr: `${refusedLine}tally: nothing exported: refused failed (exit 3); --keep-going exports the other profiles\n`,
    });
    expect(readdirSync(dir)).toEqual([]);
    const kept = join(dir, 'kept.csv');
    writeFileSync(kept, 'as it was\n');
    expect((await exportAll(configDir, ['--out', kept])).exitCode).toBe(3);
    expect(readFileSync(kept, 'utf8')).toBe('as it was\n');
    expect(readdirSync(dir)).toEqual(['kept.csv']);
    // to standard output: not even the header, though the other profiles were read
    const piped = await exportAll(configDir, ['--ndjson']);
    expect(piped).toMatchObject({ exitCode: 3, stdout: '' });
  });

  it('with --keep-going writes every other profile, exits 3, and names the failed one on stderr', async () => {
    const profiles: ProfileSpec[] = [PROFILES[0]!, ['refused', 'bytespike', 'revoked'], PROFILES[3]!];
    const r = await exportAll(configWith(profiles), ['--keep-going']);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toBe(`${refusedLine}tally: exported 2 of 3 profiles; refused failed (exit 3)\n`);
    const expected: string[] = [];
    for (const [name, provider, account] of [PROFILES[0]!, PROFILES[3]!]) {
      for (const row of csvRows(await exportOne([], provider, account))) expected.push(`${name},${provider},${row}`);
    }
    expect(r.stdout.startsWith(`profile,provider,${HEADER}\r\n`)).toBe(true);
    expect(csvRows(r.stdout)).toEqual(expected);
  });

  it('exits 4 when a provider cannot be reached, and with --keep-going writes the --out file without it', async () => {
    const configDir = configWith([PROFILES[0]!, ['down', 'bytespike', 'ok', NOWHERE]]);
    const down =
      'tally: bytespike (profile down): cannot connect to 127.0.0.1:9 (connection refused)\n  check --base-url, and that the service is up\n';
    const r = await tallyInProcess(['--retries', '0', 'ledger', 'export', '--all'], { configDir, stripFinalNewline: false });
    expect(r).toEqual({
      exitCode: 4,
      stdout: '',
      stderr: `${down}tally: nothing exported: down failed (exit 4); --keep-going exports the other profiles\n`,
    });
    const out = join(tempDir('tally-all-out-'), 'all.ndjson');
    const kept = await tallyInProcess(['--retries', '0', 'ledger', 'export', '--all', '--keep-going', '--ndjson', '--out', out], {
      configDir,
      stripFinalNewline: false,
    });
    expect(kept).toEqual({ exitCode: 4, stdout: '', stderr: `${down}tally: exported 1 of 2 profiles; down failed (exit 4)\n` });
    const written = parseNdjson(readFileSync(out, 'utf8'));
    expect(written).toHaveLength(ENTRIES);
    expect(new Set(written.map((e) => (e as { profile?: string }).profile))).toEqual(new Set(['clean']));
  });

  it('exits with the code that comes first (3, a refused key, before 4, a provider down), naming both', async () => {
    const configDir = configWith([['down', 'conduit', 'ok', NOWHERE], PROFILES[1]!, ['refused', 'bytespike', 'revoked']]);
    const r = await tallyInProcess(['--retries', '0', 'ledger', 'export', '--all', '--keep-going', '--json'], { configDir });
    expect(r.exitCode).toBe(3);
    expect(r.stderr.split('\n').at(-1)).toBe('tally: exported 1 of 3 profiles; down (exit 4) and refused (exit 3) failed');
    expect((JSON.parse(r.stdout) as Array<{ profile: string }>).every((e) => e.profile === 'spike')).toBe(true);
    const failed = await tallyInProcess(['--retries', '0', 'ledger', 'export', '--all', '--json'], { configDir });
    expect(failed).toMatchObject({ exitCode: 3, stdout: '' });
    expect(failed.stderr.split('\n').at(-1)).toBe(
      'tally: nothing exported: down (exit 4) and refused (exit 3) failed; --keep-going exports the other profiles',
    );
  });

  it('exits 2 for a profile that cannot be set up (its key variable unset), naming it, and writes the others with --keep-going', async () => {
    const configDir = configWith([PROFILES[0]!]);
    const file = join(configDir, 'config.json');
    const config = JSON.parse(readFileSync(file, 'utf8')) as { profiles: Record<string, unknown> };
    config.profiles.envkey = { provider: 'indigenius', baseUrl: sandbox.baseUrl('indigenius'), keyEnv: 'TALLY_TEST_UNSET_KEY' };
    writeFileSync(file, JSON.stringify(config));
    const unset =
      'tally: profile "envkey" reads its key from $TALLY_TEST_UNSET_KEY, which is not set\n' +
      '  export TALLY_TEST_UNSET_KEY=… in the environment that runs tally\n';
    expect(await exportAll(configDir, [])).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: `${unset}tally: nothing exported: envkey failed (exit 2); --keep-going exports the other profiles\n`,
    });
    const kept = await exportAll(configDir, ['--keep-going', '--ndjson']);
    expect(kept.exitCode).toBe(2);
    expect(kept.stderr).toBe(`${unset}tally: exported 1 of 2 profiles; envkey failed (exit 2)\n`);
    expect(parseNdjson(kept.stdout)).toHaveLength(ENTRIES);
  });

  it('writes one journal of every profile, each under an asset account of its own, named after the profile', async () => {
    const clean = PROFILES.filter(([name]) => name !== 'planted');
    for (const format of ['hledger', 'beancount']) {
      const r = await exportAll(configWith(clean), ['--format', format]);
      expect(r.exitCode, r.stderr).toBe(0);
      for (const asset of [
        'Assets:Prepaid:Conduit:Clean',
        'Assets:Prepaid:ByteSpike:Spike',
        'Assets:Prepaid:Conflux:Credits',
        'Assets:Prepaid:Indigenius:Indi',
      ])
        expect(r.stdout).toContain(asset);
      expect(r.stdout).not.toMatch(/Assets:Prepaid:Conduit\s/);
    }
    const mine = await exportAll(configWith(clean.slice(0, 2)), ['--format', 'hledger', '--account', 'Assets:AI']);
    expect(mine.stdout).toContain('Assets:AI:Clean');
    expect(mine.stdout).toContain('Assets:AI:Spike');
  });

  it('exits 2 for --keep-going without --all, before any request', async () => {
    const r = await tallyInProcess(['ledger', 'export', '--keep-going'], { env: sandboxEnv(sandbox, 'conduit') });
    expect(r).toEqual({
      exitCode: 2,
      stdout: '',
      stderr:
        'tally: --keep-going goes with --all\n  it writes the profiles that could be read when another fails: tally ledger export --all --keep-going',
    });
  });
});

describe('ledger export --all at a terminal', () => {
  it('counts the profiles read, then says how many entries of how many profiles it exported', async () => {
    const slow = await startSandbox({ port: 0, seed: 3, entries: ENTRIES, faults: 'slow=300' });
    undo.push(() => slow.close());
    const out = join(tempDir('tally-all-out-'), 'all.csv');
    const run = tallyInPty(['ledger', 'export', '--all', '--out', out], { configDir: configWith(PROFILES.slice(0, 3), slow) });
    await run.waitForText(/reading the ledgers… [0-2] of 3 profiles/);
    expect((await run.exited).exitCode).toBe(0);
    expect(run.text()).toContain(`exported ${3 * ENTRIES} entries of 3 profiles to ${out}`);
  });

  it('says a workbook statement does not roll forward on a line of its own, after the line that says it is written', async () => {
    const slow = await startSandbox({ port: 0, seed: 3, entries: ENTRIES, faults: 'slow=300' });
    undo.push(() => slow.close());
    const out = join(tempDir('tally-all-out-'), 'all.xlsx');
    const profiles: ProfileSpec[] = [
      ['clean', 'conduit', 'ok'],
      ['indi', 'indigenius', 'bad'],
    ];
    const run = tallyInPty(['ledger', 'export', '--all', '--format', 'xlsx', '--out', out], { configDir: configWith(profiles, slow) });
    expect((await run.exited).exitCode).toBe(0);
    const lines = run
      .screen()
      .split('\n')
      .map((l) => l.trimEnd());
    const done = lines.findIndex((l) => l.includes(`exported ${2 * ENTRIES} entries of 2 profiles to ${out}`));
    const warning = lines.findIndex((l) => l.startsWith('tally: warning: indi: opening + movements does not make the closing'));
    expect(done, run.text()).toBeGreaterThanOrEqual(0);
    expect(warning, run.text()).toBeGreaterThan(done);
  });
});

describe('ledger export --all leaves no spool file', () => {
  it('after a success and after a failure', async () => {
    const spool = tempDir('tally-all-tmp-');
    const out = tempDir('tally-all-out-');
    const ok = await tally(['ledger', 'export', '--all', '--order', 'asc', '--out', join(out, 'all.csv')], {
      configDir: configWith(PROFILES),
      env: { TMPDIR: spool },
    });
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(readdirSync(spool)).toEqual([]);
    const failed = await tally(['ledger', 'export', '--all', '--out', join(out, 'failed.csv')], {
      configDir: configWith([...PROFILES.slice(0, 3), ['refused', 'bytespike', 'revoked']]),
      env: { TMPDIR: spool },
    });
    expect(failed.exitCode).toBe(3);
    expect(readdirSync(spool)).toEqual([]);
    expect(existsSync(join(out, 'failed.csv'))).toBe(false);
  });

  it('on Ctrl-C at a terminal while the profiles are read: exit 130, no spool, no file', async () => {
    const slow = await startSandbox({ port: 0, seed: 3, entries: 450, faults: 'slow=4000' });
    undo.push(() => slow.close());
    const spool = tempDir('tally-all-tmp-');
    const out = tempDir('tally-all-out-');
    const run = tallyInPty(['ledger', 'export', '--all', '--out', join(out, 'all.csv')], {
      configDir: configWith(PROFILES.slice(0, 3), slow),
      env: { TMPDIR: spool },
    });
    await waitFor('tally to ask every provider', () => ['conduit', 'bytespike', 'conflux'].every((p) => (slow.requests.get(p) ?? 0) > 0));
    await run.waitForText('reading the ledgers… 0 of 3 profiles');
    const pressed = Date.now();
    run.write('\x03');
    const { exitCode } = await run.exited;
    expect(exitCode).toBe(130);
    expect(Date.now() - pressed).toBeLessThan(3000);
    expect(run.text()).toContain('tally: interrupted');
    expect(readdirSync(out)).toEqual([]);
    expect(readdirSync(spool)).toEqual([]);
  });
});
