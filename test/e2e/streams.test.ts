// stdout carries data only (SPEC §4): summaries and notes on stderr, FORCE_COLOR, --tz wherever a time is shown, -q.
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { tallyInProcess } from '../helpers/in-process.js';
import { tallyInPty } from '../helpers/pty.js';
import { BIN, runEnv, sandboxEnv, tally as tallyBinary } from '../helpers/tally.js';

let sandbox: Sandbox;
beforeAll(async () => {
  // pinned, so the times these tests compare are the same on every run
  sandbox = await startSandbox({ port: 0, seed: 3, end: new Date('2026-11-01T12:00:00Z') });
});
afterAll(() => sandbox.close());

// in UTC, whatever zone the suite runs in: the headers below name the zone
const run = (provider: string, args: string[], account = 'ok') =>
  tallyInProcess(args, { env: { ...sandboxEnv(sandbox, provider, account), TZ: 'UTC' } });
const binaryEnv = (account: string, env: Record<string, string | undefined>) => ({
  ...sandboxEnv(sandbox, 'conduit', account),
  TZ: 'UTC',
  ...env,
});

/** A piped table: one header line, then rows with as many tab-separated cells. */
function expectOneTable(stdout: string, header: string): string[][] {
  const [first, ...rest] = stdout.split('\n');
  expect(first).toBe(header);
  const width = header.split('\t').length;
  const rows = rest.map((line) => line.split('\t'));
  for (const row of rows) expect(row, JSON.stringify(rows)).toHaveLength(width);
  return rows;
}

const ISSUES_HEADER = 'KIND\tENTRY\tPREVIOUS\tEXPECTED\tACTUAL\tDELTA\tCREATED AT (UTC)\tMESSAGE';
// eslint-disable-next-line no-control-regex -- an SGR escape is what colour is
const SGR = /\x1b\[\d+(;\d+)*m/;

describe('piped, stdout is the table alone', () => {
  it('reconcile prints one header line and a row per issue on stdout, its summary on stderr', async () => {
    const r = await run('conduit', ['reconcile'], 'bad');
    expect(r.exitCode).toBe(1);
    const rows = expectOneTable(r.stdout, ISSUES_HEADER);
    expect(rows.map((row) => row[0])).toEqual(['chain_break', 'duplicate']);
    expect(r.stderr).toMatch(
      /^conduit: \d+ entries checked, .* → .* \(UTC\), opening -?\d+\.\d\d → closing -?\d+\.\d\d USD, live balance -?\d+\.\d\d USD; 2 issues$/,
    );
  });

  it('reconcile with no issues prints the header alone on stdout, its summary and notes on stderr', async () => {
    const r = await run('indigenius', ['reconcile']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(ISSUES_HEADER);
    const [summary, note, ...more] = r.stderr.split('\n');
    expect(summary).toMatch(/^indigenius: 250 entries checked, .*; no issues$/);
    expect(note).toBe(
      "note: indigenius has no balance endpoint, so the head was not checked (its balance is the newest transaction's balance_after)",
    );
    expect(more).toEqual([]);
  });

  it('usage prints one header line and a row per group on stdout, its summary on stderr', async () => {
    const r = await run('bytespike', ['usage', '--by', 'model']);
    expect(r.exitCode).toBe(0);
    const rows = expectOneTable(r.stdout, 'MODEL\tREQUESTS\tINPUT TOKENS\tOUTPUT TOKENS\tTOKENS\tCOST (USD)');
    expect(rows).toHaveLength(4);
    expect(r.stderr).toMatch(/^bytespike usage .* → .* \(UTC\): \d+ requests, [\d,]+ tokens, \d+\.\d+ USD$/);
  });
});

describe('at a terminal', () => {
  it('reconcile shows its summary and notes above the table, and no empty table when there are no issues', async () => {
    const clean = tallyInPty(['reconcile'], { columns: 120, env: { ...sandboxEnv(sandbox, 'indigenius'), TZ: 'UTC' } });
    expect((await clean.exited).exitCode).toBe(0);
    expect(clean.screen()).toMatch(
      /^indigenius: 250 entries checked, .* \(UTC\), .*; no issues\nnote: indigenius has no balance endpoint, .*\n$/,
    );
    const bad = tallyInPty(['reconcile'], { columns: 200, env: { ...sandboxEnv(sandbox, 'conduit', 'bad'), TZ: 'UTC' } });
    expect((await bad.exited).exitCode).toBe(1);
    const [summary, ...table] = bad.screen().split('\n');
    expect(summary).toMatch(/^conduit: \d+ entries checked, .*; 2 issues$/);
    expect(table.join('\n')).toMatch(/KIND[^]*ENTRY[^]*\n.*chain_break[^]*\n.*duplicate/);
  });
});

describe('FORCE_COLOR', () => {
  it('colours a piped table: the same tab-separated lines, with the tones in colour', async () => {
    const env = binaryEnv('bad', { NO_COLOR: undefined, FORCE_COLOR: '1' });
    const r = await tallyBinary(['reconcile'], { env });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(SGR);
    expect(r.stdout.split('\n')[1]!.startsWith('\x1b[31mchain_break\x1b[39m\t')).toBe(true);
    // colour is all it adds: without the escapes it is the plain table
    const plain = await tallyBinary(['reconcile'], { env: binaryEnv('bad', {}) });
    // eslint-disable-next-line no-control-regex -- removing the escapes
    expect(r.stdout.replace(/\x1b\[\d+(;\d+)*m/g, '')).toBe(plain.stdout);
    expect(r.stderr).toMatch(SGR);
  });

  it('wins over NO_COLOR, as force-color.org has it; --no-color and FORCE_COLOR=0 still turn colour off', async () => {
    const env = binaryEnv('bad', {});
    expect((await tallyBinary(['reconcile'], { env: { ...env, NO_COLOR: '1', FORCE_COLOR: '1' } })).stdout).toMatch(SGR);
    expect((await tallyBinary(['reconcile', '--no-color'], { env: { ...env, NO_COLOR: undefined, FORCE_COLOR: '1' } })).stdout).not.toMatch(
      SGR,
    );
    expect((await tallyBinary(['reconcile'], { env: { ...env, NO_COLOR: undefined, FORCE_COLOR: '0' } })).stdout).not.toMatch(SGR);
    // present but empty is not set (force-color.org): a pipe stays plain
    expect((await tallyBinary(['reconcile'], { env: { ...env, NO_COLOR: undefined, FORCE_COLOR: '' } })).stdout).not.toMatch(SGR);
  });
});

describe('--tz wherever a time is shown, and the zone with it', () => {
  it('account shows account-api times in the --tz zone and names it', async () => {
    const json = JSON.parse((await run('account-api', ['account', '--json'])).stdout);
    const utc = await run('account-api', ['account', '--tz', 'UTC']);
    const kolkata = await run('account-api', ['account', '--tz', 'Asia/Kolkata']);
    const created = (iso: string, offsetHours: number) =>
      new Date(Date.parse(iso) + offsetHours * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
    expect(utc.stdout).toContain(`\naccount created (UTC)\t${created(json.accountCreatedAt, 0)}\n`);
    expect(kolkata.stdout).toContain(`\naccount created (Asia/Kolkata)\t${created(json.accountCreatedAt, 5.5)}\n`);
    expect(kolkata.stdout).toContain(`\nlast login (Asia/Kolkata)\t${created(json.lastLoginAt, 5.5)}`);
  });

  it('account shows when an indigenius plan renews in the --tz zone', async () => {
    const r = await run('indigenius', ['account', '--tz', 'America/New_York']);
    expect(r.exitCode).toBe(0);
    // the sandbox's plan renews on the first of the month after its end, 2026-12-01T00:00:00Z
    expect(r.stdout).toContain('\nrenews at (America/New_York)\t2026-11-30 19:00:00\n');
  });

  it('usage shows its period in the --tz zone and names it, and heads the days with the zone', async () => {
    const json = JSON.parse((await run('indigenius', ['usage', '--by', 'day', '--json'])).stdout);
    // Kolkata keeps +05:30 all year
    const local = (iso: string) => new Date(Date.parse(iso) + 5.5 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
    const r = await run('indigenius', ['usage', '--by', 'day', '--tz', 'Asia/Kolkata']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^indigenius usage ${local(json.from)} → ${local(json.to)} \\(Asia/Kolkata\\): \\d+ requests, `));
    expect(r.stdout.split('\n')[0]).toBe('DAY (Asia/Kolkata)\tREQUESTS\tDURATION (S)\tCOST (USD)');
  });

  it('reconcile names the zone of the period it checked', async () => {
    const r = await run('conduit', ['reconcile', '--tz', 'Asia/Kolkata']);
    expect(r.stderr).toMatch(/^conduit: 250 entries checked, \d{4}-\d\d-\d\d \d\d:\d\d:\d\d → 2026-11-01 17:30:00 \(Asia\/Kolkata\), /);
  });
});

describe('-q silences all but data', () => {
  it('reconcile -q with no issues prints nothing at all, so a cron line stays silent', async () => {
    const r = await run('indigenius', ['reconcile', '-q']);
    expect([r.exitCode, r.stdout, r.stderr]).toEqual([0, '', '']);
  });

  it.each([
    ['usage', 'bytespike', ['usage'], 'MODEL\tREQUESTS\tINPUT TOKENS\tOUTPUT TOKENS\tTOKENS\tCOST (USD)'],
    ['account', 'account-api', ['account'], 'FIELD\tVALUE'],
  ])('%s -q: stderr is empty, the table stays on stdout', async (_name, provider, args, header) => {
    const r = await run(provider, [...args, '-q']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')[0]).toBe(header);
  });

  it.each([
    [['ledger', 'list', '--limit', '3'], 'conduit', 'CREATED AT (UTC)\tID\tTYPE'],
    [['providers'], 'conduit', 'ID\tNAME'],
    [['packs'], 'conflux', 'KEY\tNAME'],
  ])('%j -q still prints its table', async (args, provider, header) => {
    const r = await run(provider, [...args, '-q']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.startsWith(header)).toBe(true);
  });

  it('sandbox -q prints its table of accounts and no hints', async () => {
    const child = execa('node', [BIN, 'sandbox', '--port', '0', '-q'], { reject: false, extendEnv: false, stdin: 'ignore', env: runEnv() });
    await new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
    child.kill('SIGTERM');
    const r = await child;
    expect(r.stdout.split('\n')[0]).toBe('PROVIDER\tBASE URL\tACCOUNT\tKEY\tWHAT IT SHOWS');
    expect(r.stderr).toBe('tally: terminated');
  });

  it('reconcile -q on planted issues: exit 1, the issues on stdout, nothing on stderr', async () => {
    const r = await run('conduit', ['reconcile', '-q'], 'bad');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('');
    expect(expectOneTable(r.stdout, ISSUES_HEADER)).toHaveLength(2);
  });
});
