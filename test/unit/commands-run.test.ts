// Options → output in process, through the io twin: what each command writes where, at a given width and
// TTY, against a sandbox on loopback. The process contract (signals, real pipes) stays in test/e2e.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { runInProcess } from '../helpers/in-process.js';

let sandbox: Sandbox;
let dir: string;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 3, entries: 300 });
  dir = mkdtempSync(join(tmpdir(), 'tally-in-process-'));
});
afterAll(async () => {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = (provider: string, account = 'ok') => ({
  TALLY_PROVIDER: provider,
  TALLY_BASE_URL: sandbox.baseUrl(provider),
  TALLY_API_KEY: sandbox.key(provider, account),
  NO_PROXY: '*',
});

describe('commands run in process through the io twin', () => {
  it('balance: a table with a header on a terminal, tab-separated rows on a pipe, the key never shown', async () => {
    const tty = await runInProcess(['--tz', 'UTC', 'balance'], { env: env('conduit'), stdoutIsTTY: true, columns: 120 });
    expect(tty.code).toBe(0);
    expect(tty.stdout).toMatch(/│ PROFILE\s+│ PROVIDER\s+│ BALANCE/);
    expect(tty.stdout).toContain('conduit');
    const piped = await runInProcess(['balance'], { env: env('conduit') });
    expect(piped.code).toBe(0);
    const [header, row] = piped.stdout.trimEnd().split('\n');
    expect(header?.split('\t')[0]).toBe('PROFILE');
    expect(row?.split('\t').slice(0, 2)).toEqual(['(env)', 'conduit']);
    expect(tty.stdout + tty.stderr + piped.stdout + piped.stderr).not.toContain(sandbox.key('conduit', 'ok'));
  });

  it('balance --min: exit 1 with the reason on stderr, stdout unchanged', async () => {
    const r = await runInProcess(['--json', 'balance', '--min', '1000000000'], { env: env('bytespike') });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ provider: 'bytespike', profile: null });
    expect(r.stderr).toMatch(/^tally: bytespike: .* is below --min 1000000000\n$/);
  });

  it('ledger list --limit 3 --json: exactly three entries, newest first', async () => {
    const r = await runInProcess(['--json', 'ledger', 'list', '--limit', '3'], { env: env('indigenius') });
    expect(r.code).toBe(0);
    const entries = JSON.parse(r.stdout) as Array<{ created_at: string }>;
    expect(entries).toHaveLength(3);
    const times = entries.map((e) => Date.parse(e.created_at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('ledger export: the CSV to stdout through the twin, and the count on a terminal stderr', async () => {
    const r = await runInProcess(['ledger', 'export'], { env: env('conduit'), stderrIsTTY: true, columns: 80 });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\r\n');
    expect(lines[0]).toMatch(/^created_at,id,type,/);
    expect(r.stderr).toMatch(/exported \d+ entries/);
  });

  it('ledger export --out: the file written, nothing on stdout', async () => {
    const file = join(dir, 'l.ndjson');
    const r = await runInProcess(['ledger', 'export', '--ndjson', '--out', file], { env: env('bytespike') });
    expect(r).toMatchObject({ code: 0, stdout: '' });
    expect(readFileSync(file, 'utf8').trimEnd().split('\n').length).toBeGreaterThan(10);
  });

  it('reconcile: a clean account exits 0, a planted one exits 1 naming its issues', async () => {
    const ok = await runInProcess(['reconcile'], { env: env('conduit') });
    expect(ok.code).toBe(0);
    expect(ok.stderr).toMatch(/no issues/);
    const bad = await runInProcess(['--json', 'reconcile'], { env: env('conduit', 'bad') });
    expect(bad.code).toBe(1);
    const kinds = (JSON.parse(bad.stdout) as { issues: Array<{ kind: string }> }).issues.map((i) => i.kind);
    expect(kinds).toContain('chain_break');
  });

  it('profiles: add from stdin, list without the key, use, remove', async () => {
    const config = { TALLY_CONFIG_DIR: join(dir, 'config') };
    const key = sandbox.key('conduit', 'ok');
    // the default base URL is the real provider's: nothing is sent from a test
    const add = await runInProcess(['--provider', 'conduit', 'profiles', 'add', 'work', '--key-stdin', '--no-verify'], {
      env: config,
      stdin: key,
    });
    expect(add.code).toBe(0);
    expect(add.stderr).toMatch(/^saved profile "work" \(conduit, key \S+, default\) to /);
    const list = await runInProcess(['--json', 'profiles', 'list'], { env: config });
    expect(list.stdout).not.toContain(key);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ name: 'work', provider: 'conduit', default: true })]);
    expect(await runInProcess(['profiles', 'use', 'nope'], { env: config })).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^tally: no profile named "nope" in .*\n {2}see `tally profiles list`\n$/),
    });
    expect(await runInProcess(['profiles', 'use', 'work'], { env: config })).toMatchObject({
      code: 0,
      stderr: 'default profile is now "work"\n',
    });
    expect(await runInProcess(['profiles', 'rm', 'work'], { env: config })).toMatchObject({
      code: 0,
      stderr: 'removed profile "work"; it was the default, and there is no default profile now\n',
    });
    expect(JSON.parse((await runInProcess(['--json', 'profiles', 'list'], { env: config })).stdout)).toEqual([]);
  });

  it('help: a topic and a command to stdout, an unknown word exit 2', async () => {
    expect((await runInProcess(['help', 'exit-codes'])).stdout).toMatch(/^Exit codes\n/);
    expect((await runInProcess(['help', 'ledger', 'export'])).stdout).toMatch(/^Usage: tally ledger export \[options\]/);
    expect(await runInProcess(['help', 'nope'])).toMatchObject({
      code: 2,
      stderr: 'tally: no help for "nope"\n  run `tally --help` for the commands; topics: options, exit-codes, environment\n',
    });
  });

  it('an unknown provider is exit 2 from the context, before any request', async () => {
    const r = await runInProcess(['balance'], { env: { TALLY_PROVIDER: 'nope', TALLY_API_KEY: 'k' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^tally: .*nope/);
  });
});
