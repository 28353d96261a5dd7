// `tally reconcile` end to end: every planted problem found once, no false alarms, --file, --checkpoint, --all.
// Commands run in process (test/helpers/in-process.ts: the same parsing, errors and exit codes as the binary,
// output through the io twin) over real sockets; what needs a process of its own (a signal, a closing
// connection seen from outside) runs the built binary.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { tallyInProcess as tally } from '../helpers/in-process.js';
import { sandboxEnv, tally as tallyBinary, tempConfigDir, waitFor } from '../helpers/tally.js';

let sandbox: Sandbox;
let dir: string;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 5, entries: 400 });
  dir = mkdtempSync(join(tmpdir(), 'tally-reconcile-'));
});
afterAll(() => sandbox.close());

interface IssueJson {
  kind: string;
  entryId: string | null;
  previousId: string | null;
  expected: string | null;
  actual: string | null;
  delta: string | null;
  createdAt: string | null;
  message: string;
}
interface ReportJson {
  profile: string | null;
  provider: string | null;
  checked: number;
  ok: boolean;
  opening: string | null;
  closing: string | null;
  currentBalance: string | null;
  issues: IssueJson[];
}

async function reconcile(provider: string, account: string, args: string[] = [], s: Sandbox = sandbox) {
  const r = await tally(['reconcile', '--json', ...args], { env: sandboxEnv(s, provider, account) });
  return { r, report: r.stdout ? (JSON.parse(r.stdout) as ReportJson) : undefined };
}
const kinds = (report: ReportJson | undefined) => report!.issues.map((i) => i.kind).sort();

describe('reconcile finds what is planted, once each, and exits 1', () => {
  it('finds nothing on the accounts that reconcile, on every provider (exit 0)', async () => {
    for (const provider of ['conduit', 'account-api', 'bytespike', 'conflux', 'indigenius']) {
      const { r, report } = await reconcile(provider, 'ok');
      expect(r.exitCode, `${provider}: ${r.stdout}`).toBe(0);
      expect(report!.ok).toBe(true);
      expect(report!.issues).toEqual([]);
      expect(report!.checked).toBe(400);
    }
  });

  it('reports the JSON of SPEC §4 exactly', async () => {
    const { report } = await reconcile('bytespike', 'bad');
    expect(Object.keys(report!)).toEqual(['profile', 'provider', 'checked', 'ok', 'opening', 'closing', 'currentBalance', 'issues']);
    expect(Object.keys(report!.issues[0]!)).toEqual([
      'kind',
      'entryId',
      'previousId',
      'expected',
      'actual',
      'delta',
      'createdAt',
      'message',
    ]);
  });

  it.each(['conduit', 'account-api', 'bytespike', 'indigenius'])(
    'finds the chain break and the duplicate on %s, once each',
    async (provider) => {
      const { r, report } = await reconcile(provider, 'bad');
      expect(r.exitCode).toBe(1);
      expect(report!.ok).toBe(false);
      expect(kinds(report)).toEqual(['chain_break', 'duplicate']);
      const brk = report!.issues.find((i) => i.kind === 'chain_break')!;
      expect(brk.entryId).toBeTruthy();
      expect(brk.previousId).toBeTruthy();
      expect(brk.delta).toMatch(/^-?\d+(\.\d+)?$/);
      expect(brk.delta).not.toMatch(/^-?0(\.0+)?$/);
    },
  );

  it('gives expected, actual and the signed difference of a break in the unit of the ledger', async () => {
    const { report } = await reconcile('conduit', 'bad');
    const brk = report!.issues.find((i) => i.kind === 'chain_break')!;
    expect(brk.delta).toBe('0.07');
    expect(Math.round((Number(brk.actual) - Number(brk.expected)) * 100)).toBe(7);
  });

  it('finds a head mismatch against the live balance', async () => {
    const { r, report } = await reconcile('conduit', 'head');
    expect(r.exitCode).toBe(1);
    expect(kinds(report)).toEqual(['head_mismatch']);
    expect(report!.issues[0]!.delta).toBe('2.50');
    expect(report!.currentBalance).toBe(report!.issues[0]!.actual);
  });

  it('finds a timestamp out of order, and an entry without balance_after, once each', async () => {
    expect(kinds((await reconcile('conduit', 'order')).report)).toEqual(['order']);
    const gaps = await reconcile('conduit', 'gaps');
    expect(gaps.r.exitCode).toBe(1);
    expect(kinds(gaps.report)).toEqual(['missing_balance_after']);
  });

  it('finds account-api figures where balance is not available + reserved', async () => {
    const { r, report } = await reconcile('account-api', 'reserved');
    expect(r.exitCode).toBe(1);
    expect(kinds(report)).toEqual(['identity_mismatch']);
    expect(report!.issues[0]!.message).toContain('available + reserved');
  });

  it('checks conflux as purchases only: no chain breaks, and its identities', async () => {
    const ok = await reconcile('conflux', 'ok');
    expect(ok.r.exitCode).toBe(0);
    const bad = await reconcile('conflux', 'bad');
    expect(bad.r.exitCode).toBe(1);
    expect(kinds(bad.report)).toEqual(['identity_mismatch', 'identity_mismatch']);
    expect(bad.report!.issues.map((i) => i.message).join('\n')).toContain('total_purchased - total_consumed');
    expect(bad.report!.issues.map((i) => i.message).join('\n')).toContain('total_consumed');
  });

  it('adds account-api 0.1-style float amounts exactly (no false alarm)', async () => {
    const { r, report } = await reconcile('account-api', 'ok');
    expect(r.exitCode).toBe(0);
    expect(report!.checked).toBe(400);
  });

  it('says indigenius has no balance endpoint rather than failing the head', async () => {
    const r = await tally(['reconcile'], { env: sandboxEnv(sandbox, 'indigenius', 'ok') });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('no balance endpoint, so the head was not checked');
    expect(
      JSON.parse((await tally(['reconcile', '--json'], { env: sandboxEnv(sandbox, 'indigenius', 'ok') })).stdout).currentBalance,
    ).toBeNull();
  });

  it('widens the check with --tolerance', async () => {
    const { report } = await reconcile('conduit', 'bad', ['--tolerance', '0.07']);
    expect(kinds(report)).toEqual(['duplicate']);
    const bad = await tally(['reconcile', '--tolerance', 'lots'], { env: sandboxEnv(sandbox, 'conduit', 'bad') });
    expect(bad.exitCode).toBe(2);
  });
});

describe('reconcile output', () => {
  it('prints a summary line on stderr and a table of issues on stdout', async () => {
    // on a machine in UTC: tables show times in the machine's zone
    const r = await tally(['reconcile'], { env: { ...sandboxEnv(sandbox, 'conduit', 'bad'), TZ: 'UTC' } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /^conduit: 401 entries checked, .* → .* \(UTC\), opening \d+\.\d\d → closing \d+\.\d\d USD, live balance \d+\.\d\d USD; 2 issues$/,
    );
    const [header, ...rows] = r.stdout.trimEnd().split('\n');
    expect(header).toBe('KIND\tENTRY\tPREVIOUS\tEXPECTED\tACTUAL\tDELTA\tCREATED AT (UTC)\tMESSAGE');
    expect(rows).toHaveLength(2);
  });

  it('prints only the data with -q: the issues on stdout, nothing on stderr, nothing at all when clean', async () => {
    const bad = await tally(['reconcile', '-q'], { env: sandboxEnv(sandbox, 'conduit', 'bad') });
    expect([bad.exitCode, bad.stdout.split('\n').length, bad.stderr]).toEqual([1, 3, '']);
    const ok = await tally(['reconcile', '-q'], { env: sandboxEnv(sandbox, 'conduit', 'ok') });
    expect([ok.exitCode, ok.stdout, ok.stderr]).toEqual([0, '', '']);
  });

  it('never reports clean when the provider could not be read (exit 3, 4)', async () => {
    const refused = await tally(['reconcile', '-q'], { env: sandboxEnv(sandbox, 'bytespike', 'revoked') });
    expect(refused.exitCode).toBe(3);
    const s = await startSandbox({ port: 0, seed: 5, entries: 400, faults: '503@3' });
    try {
      const broken = await tally(['reconcile', '--retries', '0'], { env: sandboxEnv(s, 'conduit', 'ok') });
      expect(broken.exitCode).toBe(4);
      expect(broken.stdout).toBe('');
    } finally {
      await s.close();
    }
  });
});

describe('entries posted while paging are not a false alarm', () => {
  it.each(['conduit', 'account-api', 'bytespike', 'indigenius', 'conflux'])('%s', async (provider) => {
    const s = await startSandbox({ port: 0, seed: 5, entries: 400, faults: 'shift%40' });
    try {
      const { r, report } = await reconcile(provider, 'ok', [], s);
      expect(r.exitCode, r.stdout).toBe(0);
      expect(report!.issues).toEqual([]);
    } finally {
      await s.close();
    }
  });
});

describe('reconcile --file', () => {
  it.each([
    ['csv', 'desc'],
    ['json', 'desc'],
    ['ndjson', 'desc'],
    ['csv', 'asc'],
    ['json', 'asc'],
    ['ndjson', 'asc'],
  ])('finds the same issues in a %s export in %s order as live, but the duplicate the export wrote once', async (format, order) => {
    const env = sandboxEnv(sandbox, 'conduit', 'bad');
    const file = join(dir, `bad-${order}.${format}`);
    const exported = await tally(['ledger', 'export', `--${format}`, '--order', order, '--out', file], { env });
    expect(exported.exitCode).toBe(0);
    const live = JSON.parse((await tally(['reconcile', '--json'], { env })).stdout) as ReportJson;
    const duplicate = live.issues.find((i) => i.kind === 'duplicate')!;
    // the export keeps the entry listed twice once, and says so: the file holds no duplicate to find
    expect(exported.stderr).toBe(`tally: warning: entry ${duplicate.entryId} is listed twice by the provider; it is kept once`);
    const offline = await tally(['reconcile', '--json', '--file', file]);
    expect(offline.exitCode).toBe(1);
    const report = JSON.parse(offline.stdout) as ReportJson;
    expect(report.issues.map((i) => [i.kind, i.entryId, i.delta])).toEqual(
      live.issues.filter((i) => i !== duplicate).map((i) => [i.kind, i.entryId, i.delta]),
    );
    expect(report.checked).toBe(live.checked - 1);
    expect(report.currentBalance).toBeNull();
  });

  it('reconciles a clean conflux export as purchases only', async () => {
    const file = join(dir, 'conflux.ndjson');
    await tally(['ledger', 'export', '--ndjson', '--out', file], { env: sandboxEnv(sandbox, 'conflux', 'ok') });
    const r = await tally(['reconcile', '--file', file]);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('purchases-only');
  });

  it('exits 2 for a file that is not a tally export, saying what was expected', async () => {
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'date,amount\n2026-01-01,5\n');
    const r = await tally(['reconcile', '--file', file]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('is not a tally ledger export');
    expect(r.stderr).toContain('created_at,id,type,provider_type,amount,balance_after,unit,description,reference');
    const missing = await tally(['reconcile', '--file', join(dir, 'nope.csv')]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('no such file');
    const broken = join(dir, 'broken.ndjson');
    writeFileSync(broken, '{"id":"a","createdAt":"2026-01-01T00:00:00Z","type":"credit","amount":"1","balanceAfter":"1"}\n{oops\n');
    const b = await tally(['reconcile', '--file', broken]);
    expect(b.exitCode).toBe(2);
    expect(b.stderr).toContain('line 2 is not JSON');
  });
});

describe('reconcile --checkpoint', () => {
  it('reads only what is new on the next run: one ledger request when nothing is new', async () => {
    const cfg = tempConfigDir();
    const s = await startSandbox({ port: 0, seed: 5, entries: 400 });
    try {
      const env = sandboxEnv(s, 'conduit', 'ok');
      const first = await tally(['reconcile', '--checkpoint'], { env, configDir: cfg.dir });
      expect(first.exitCode).toBe(0);
      // five pages of 400 entries overlapping by one, and the empty page that proves the end
      expect(s.requestsByPath.get('conduit /api/billing/ledger')).toBe(6);
      const second = await tally(['reconcile', '--checkpoint'], { env, configDir: cfg.dir });
      expect(second.exitCode).toBe(0);
      expect(second.stderr).toMatch(/0 new entries checked since checkpoint clx\w+/);
      expect(s.requestsByPath.get('conduit /api/billing/ledger')).toBe(7);
    } finally {
      await s.close();
      cfg.cleanup();
    }
  });

  it('proves new entries continue from the checkpoint', async () => {
    const cfg = tempConfigDir();
    const s = await startSandbox({ port: 0, seed: 5, entries: 400 });
    try {
      const env = sandboxEnv(s, 'bytespike', 'ok');
      expect((await tally(['reconcile', '--checkpoint'], { env, configDir: cfg.dir })).exitCode).toBe(0);
      s.faults.set('shift*3');
      // three entries post during the next run's first requests; they are read and checked
      await tally(['balance'], { env });
      s.faults.set(undefined);
      const next = await tally(['reconcile', '--checkpoint', '--json'], { env, configDir: cfg.dir });
      expect(next.exitCode).toBe(0);
      expect(JSON.parse(next.stdout).checked).toBeGreaterThanOrEqual(1);
    } finally {
      await s.close();
      cfg.cleanup();
    }
  });

  it('reports checkpoint_mismatch when history under the checkpoint was rewritten, and keeps the checkpoint', async () => {
    const cfg = tempConfigDir();
    const a = await startSandbox({ port: 0, seed: 5, entries: 400 });
    let b: Sandbox | undefined;
    try {
      await tally(['profiles', 'add', 'acct', '--provider', 'conduit', '--base-url', a.baseUrl('conduit'), '--key-stdin'], {
        configDir: cfg.dir,
        input: a.key('conduit', 'ok'),
      });
      expect((await tally(['reconcile', '--checkpoint'], { configDir: cfg.dir })).exitCode).toBe(0);
      const [name] = (await import('node:fs')).readdirSync(join(cfg.dir, 'checkpoints')).filter((f) => f.endsWith('.json'));
      const file = join(cfg.dir, 'checkpoints', name!);
      const saved = readFileSync(file, 'utf8');
      // the same account, at the same address with the same key, now shows another history
      await a.close();
      b = await startSandbox({ port: a.port, seed: 6, entries: 400 });
      const r = await tally(['reconcile', '--checkpoint', '--json'], { configDir: cfg.dir });
      expect(r.exitCode).toBe(1);
      const report = JSON.parse(r.stdout) as ReportJson;
      expect(report.issues.map((i) => i.kind)).toContain('checkpoint_mismatch');
      expect(readFileSync(file, 'utf8')).toBe(saved);
    } finally {
      await a.close();
      await b?.close();
      cfg.cleanup();
    }
  });

  it('stops a second run while the first holds the lock (exit 2), and recovers a stale lock', async () => {
    const cfg = tempConfigDir();
    const s = await startSandbox({ port: 0, seed: 5, entries: 400, faults: 'slow=700' });
    try {
      const env = sandboxEnv(s, 'conduit', 'ok');
      // two processes: the lock is between them
      const first = tallyBinary(['reconcile', '--checkpoint', '-q'], { env, configDir: cfg.dir });
      // it takes the lock before its first request
      await waitFor('the first run’s first request', () => (s.requests.get('conduit') ?? 0) >= 1);
      const second = await tallyBinary(['reconcile', '--checkpoint'], { env, configDir: cfg.dir });
      expect(second.exitCode).toBe(2);
      expect(second.stderr).toMatch(/another reconcile of conduit at 127\.0\.0\.1:\d+ is running \(pid \d+, since /);
      expect((await first).exitCode).toBe(0);
      // a lock left by a run that was killed: its directory, with its owner inside
      const lock = (await import('node:fs'))
        .readdirSync(join(cfg.dir, 'checkpoints'))
        .find((f) => f.endsWith('.json'))!
        .replace('.json', '.lock');
      (await import('node:fs')).mkdirSync(join(cfg.dir, 'checkpoints', lock));
      writeFileSync(
        join(cfg.dir, 'checkpoints', lock, 'owner.json'),
        JSON.stringify({ pid: 999999, host: (await import('node:os')).hostname(), startedAt: 'then' }),
      );
      s.faults.set(undefined);
      const third = await tallyBinary(['reconcile', '--checkpoint', '-q'], { env, configDir: cfg.dir });
      expect(third.exitCode).toBe(0);
      expect(existsSync(join(cfg.dir, 'checkpoints', lock))).toBe(false);
    } finally {
      await s.close();
      cfg.cleanup();
    }
  });

  it('never advances the checkpoint after a failing run', async () => {
    const cfg = tempConfigDir();
    try {
      const r = await tally(['reconcile', '--checkpoint', '-q'], { env: sandboxEnv(sandbox, 'conduit', 'bad'), configDir: cfg.dir });
      expect(r.exitCode).toBe(1);
      expect(existsSync(join(cfg.dir, 'checkpoints'))).toBe(true);
      expect((await import('node:fs')).readdirSync(join(cfg.dir, 'checkpoints')).filter((f) => f.endsWith('.json'))).toEqual([]);
    } finally {
      cfg.cleanup();
    }
  });
});

describe('reconcile --all', () => {
  it('reconciles every profile concurrently, prints a summary table, and exits 1 when any has an issue', async () => {
    const cfg = tempConfigDir();
    try {
      for (const [name, provider, account] of [
        ['a', 'conduit', 'ok'],
        ['b', 'bytespike', 'bad'],
        ['c', 'conflux', 'ok'],
      ] as const) {
        await tally(['profiles', 'add', name, '--provider', provider, '--base-url', sandbox.baseUrl(provider), '--key-stdin'], {
          configDir: cfg.dir,
          input: sandbox.key(provider, account),
        });
      }
      const r = await tally(['reconcile', '--all'], { configDir: cfg.dir });
      expect(r.exitCode).toBe(1);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines[0]).toBe('PROFILE\tPROVIDER\tCHECKED\tOPENING\tCLOSING\tUNIT\tRESULT');
      expect(lines.find((l) => l.startsWith('a\t'))).toMatch(/\tok$/);
      expect(lines.find((l) => l.startsWith('b\t'))).toMatch(/\t2 issues$/);
      const json = JSON.parse((await tally(['reconcile', '--all', '--json'], { configDir: cfg.dir })).stdout) as ReportJson[];
      expect(json.map((j) => [j.profile, j.ok])).toEqual([
        ['a', true],
        ['b', false],
        ['c', true],
      ]);
    } finally {
      cfg.cleanup();
    }
  });

  it('prints only the profiles that failed with -q, and nothing at all when every one is clean, so a cron line stays silent', async () => {
    const cfg = tempConfigDir();
    try {
      const add = (name: string, provider: string, account: string) =>
        tally(['profiles', 'add', name, '--provider', provider, '--base-url', sandbox.baseUrl(provider), '--key-stdin', '--no-verify'], {
          configDir: cfg.dir,
          input: sandbox.key(provider, account),
        });
      await add('a', 'conduit', 'ok');
      await add('c', 'conflux', 'ok');
      expect(await tally(['reconcile', '--all', '-q'], { configDir: cfg.dir })).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
      await add('b', 'bytespike', 'bad');
      await add('r', 'conduit', 'revoked');
      const r = await tally(['reconcile', '--all', '-q'], { configDir: cfg.dir });
      expect(r.exitCode).toBe(3);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines[0]).toBe('PROFILE\tPROVIDER\tCHECKED\tOPENING\tCLOSING\tUNIT\tRESULT');
      expect(lines.slice(1).map((l) => l.split('\t')[0])).toEqual(['b', 'r']);
      expect(lines[1]).toMatch(/\t2 issues$/);
    } finally {
      cfg.cleanup();
    }
  });
});
