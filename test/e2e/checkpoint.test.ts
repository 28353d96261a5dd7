// `reconcile --checkpoint` end to end: stale locks, per-account keys, the digest of verified history
// (--full), --reset-checkpoint, and broken checkpoint files. Commands run in process (test/helpers/
// in-process.ts); the races of many processes for one lock are in checkpoint-races.test.ts.
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConduitAccount } from '../helpers/conduit-account.js';
import { withHttpServer } from '../helpers/http.js';
import { tallyInProcess as tally } from '../helpers/in-process.js';
import { plantLock } from '../helpers/locks.js';
import { tempConfigDir } from '../helpers/tally.js';

const KEY = 'sk-conduit-test-0001';
const env = (baseUrl: string, key = KEY) => ({ TALLY_PROVIDER: 'conduit', TALLY_BASE_URL: baseUrl, TALLY_API_KEY: key });

interface ReportJson {
  checked: number;
  ok: boolean;
  opening: string | null;
  closing: string | null;
  issues: Array<{ kind: string; entryId: string | null; message: string }>;
  checkpoint?: { id: string; createdAt: string; verifiedAt: string } | null;
}
const report = (stdout: string) => JSON.parse(stdout) as ReportJson;
const checkpointFiles = (dir: string) => readdirSync(join(dir, 'checkpoints')).filter((f) => f.endsWith('.json'));

/** Runs a first `reconcile --checkpoint` and returns the lock path its checkpoint uses. */
async function lockPathAfterFirstRun(dir: string, baseUrl: string): Promise<string> {
  const first = await tally(['reconcile', '--checkpoint', '-q'], { env: env(baseUrl), configDir: dir });
  expect(first.exitCode, first.stderr).toBe(0);
  const [file] = checkpointFiles(dir);
  return join(dir, 'checkpoints', file!.replace(/\.json$/, '.lock'));
}

describe('stale checkpoint locks', () => {
  it('does not take over an empty lock, as a run leaves it between creating and filling it (exit 2)', async () => {
    const cfg = tempConfigDir();
    const account = new ConduitAccount(30);
    try {
      await withHttpServer(account.handler, async (baseUrl) => {
        const lockPath = await lockPathAfterFirstRun(cfg.dir, baseUrl);
        writeFileSync(lockPath, '');
        const r = await tally(['reconcile', '--checkpoint'], { env: env(baseUrl), configDir: cfg.dir });
        expect(r.exitCode).toBe(2);
        expect(r.stderr).toMatch(/^tally: another reconcile of conduit at 127\.0\.0\.1:\d+ is starting\n/);
      });
    } finally {
      cfg.cleanup();
    }
  });

  it('takes over a lock written on another host once its lease has run out, and not before', async () => {
    const cfg = tempConfigDir();
    const account = new ConduitAccount(30);
    try {
      await withHttpServer(account.handler, async (baseUrl) => {
        const lockPath = await lockPathAfterFirstRun(cfg.dir, baseUrl);
        plantLock(lockPath, { pid: 4242, host: 'build-server-2' }, 1000);
        const held = await tally(['reconcile', '--checkpoint'], { env: env(baseUrl), configDir: cfg.dir });
        expect(held.exitCode).toBe(2);
        expect(held.stderr).toMatch(
          /^tally: another reconcile of conduit at 127\.0\.0\.1:\d+ is running on build-server-2 \(pid 4242, since 2026-03-01T10:00:00\.000Z\)\n/,
        );
        const at = new Date(Date.now() - 60_000);
        utimesSync(lockPath, at, at); // its holder stopped renewing it a minute ago
        const r = await tally(['reconcile', '--checkpoint', '--json'], { env: env(baseUrl), configDir: cfg.dir });
        expect(r.exitCode, r.stderr).toBe(0);
        expect(report(r.stdout).checkpoint?.id).toBe(account.entries.at(-1)!.id);
        expect(readdirSync(join(cfg.dir, 'checkpoints')).filter((f) => !f.endsWith('.json'))).toEqual([]);
      });
    } finally {
      cfg.cleanup();
    }
  });

  it('takes over at once a lock whose holder on this host is gone', async () => {
    const cfg = tempConfigDir();
    const account = new ConduitAccount(30);
    try {
      await withHttpServer(account.handler, async (baseUrl) => {
        const lockPath = await lockPathAfterFirstRun(cfg.dir, baseUrl);
        plantLock(lockPath, { pid: 999_999, host: (await import('node:os')).hostname() }, 0);
        const r = await tally(['reconcile', '--checkpoint', '-q'], { env: env(baseUrl), configDir: cfg.dir });
        expect(r.exitCode, r.stderr).toBe(0);
        expect(readdirSync(join(cfg.dir, 'checkpoints')).filter((f) => !f.endsWith('.json'))).toEqual([]);
      });
    } finally {
      cfg.cleanup();
    }
  });
});

describe('checkpoints are kept per account', () => {
  const addProfile = (dir: string, provider: string, baseUrl: string, key: string) =>
    tally(['profiles', 'add', 'acct', '--provider', provider, '--base-url', baseUrl, '--key-stdin'], { configDir: dir, input: key });

  it('starts afresh, with no false mismatch, when a removed profile is added again for another provider', async () => {
    const cfg = tempConfigDir();
    const { startSandbox } = await import('../../src/sandbox/server.js');
    const sandbox = await startSandbox({ port: 0, seed: 5, entries: 120 });
    try {
      await withHttpServer(new ConduitAccount(40).handler, async (baseUrl) => {
        expect((await addProfile(cfg.dir, 'conduit', baseUrl, KEY)).exitCode).toBe(0);
        expect((await tally(['reconcile', '--checkpoint', '-q'], { configDir: cfg.dir })).exitCode).toBe(0);
        expect(checkpointFiles(cfg.dir)).toHaveLength(1);
        const removed = await tally(['profiles', 'remove', 'acct'], { configDir: cfg.dir });
        expect(removed.exitCode).toBe(0);
        expect(removed.stderr).toBe(
          'removed profile "acct" and its reconcile checkpoint; it was the default, and there is no default profile now',
        );
        expect(checkpointFiles(cfg.dir)).toEqual([]);
        const key = sandbox.key('bytespike', 'ok');
        expect((await addProfile(cfg.dir, 'bytespike', sandbox.baseUrl('bytespike'), key)).exitCode).toBe(0);
        const r = await tally(['reconcile', '--checkpoint', '--json'], { configDir: cfg.dir });
        expect(r.exitCode, r.stdout).toBe(0);
        expect(report(r.stdout).checked).toBe(120);
        expect(report(r.stdout).checkpoint).toBeNull();
      });
    } finally {
      await sandbox.close();
      cfg.cleanup();
    }
  });

  it('keeps one checkpoint per base URL, so TALLY_BASE_URL pointing elsewhere is no false mismatch', async () => {
    const cfg = tempConfigDir();
    const a = new ConduitAccount(40);
    const b = new ConduitAccount(50, Date.UTC(2026, 1, 1));
    try {
      await withHttpServer(a.handler, (urlA) =>
        withHttpServer(b.handler, async (urlB) => {
          expect((await addProfile(cfg.dir, 'conduit', urlA, KEY)).exitCode).toBe(0);
          expect((await tally(['reconcile', '--checkpoint', '-q'], { configDir: cfg.dir })).exitCode).toBe(0);
          const elsewhere = await tally(['reconcile', '--checkpoint', '--json'], { configDir: cfg.dir, env: { TALLY_BASE_URL: urlB } });
          expect(elsewhere.exitCode, elsewhere.stdout).toBe(0);
          expect(report(elsewhere.stdout).checked).toBe(50);
          const back = await tally(['reconcile', '--checkpoint', '--json'], { configDir: cfg.dir });
          expect(back.exitCode, back.stdout).toBe(0);
          expect(report(back.stdout).checkpoint?.id).toBe(a.entries.at(-1)!.id);
          expect(checkpointFiles(cfg.dir)).toHaveLength(2);
          for (const f of checkpointFiles(cfg.dir)) expect(readFileSync(join(cfg.dir, 'checkpoints', f), 'utf8')).not.toContain(KEY);
        }),
      );
    } finally {
      cfg.cleanup();
    }
  });

  it('keeps one checkpoint per key: another key at the same base URL starts afresh', async () => {
    const cfg = tempConfigDir();
    try {
      await withHttpServer(new ConduitAccount(40).handler, async (baseUrl) => {
        expect((await tally(['reconcile', '--checkpoint', '-q'], { env: env(baseUrl), configDir: cfg.dir })).exitCode).toBe(0);
        const other = await tally(['reconcile', '--checkpoint', '--json'], {
          env: env(baseUrl, 'sk-conduit-test-0002'),
          configDir: cfg.dir,
        });
        expect(report(other.stdout).checkpoint).toBeNull();
        expect(checkpointFiles(cfg.dir)).toHaveLength(2);
      });
    } finally {
      cfg.cleanup();
    }
  });

  it('names the checkpoint used, and reports opening == closing when nothing is new', async () => {
    const cfg = tempConfigDir();
    const account = new ConduitAccount(40);
    try {
      await withHttpServer(account.handler, async (baseUrl) => {
        const first = await tally(['reconcile', '--checkpoint', '--json'], { env: env(baseUrl), configDir: cfg.dir });
        expect(first.exitCode).toBe(0);
        expect(report(first.stdout).checkpoint).toBeNull();
        const head = account.entries.at(-1)!;
        const again = await tally(['reconcile', '--checkpoint', '--json'], { env: env(baseUrl), configDir: cfg.dir });
        expect(again.exitCode).toBe(0);
        const r = report(again.stdout);
        const closing = (head.balanceAfterInCents / 100).toFixed(2);
        expect([r.checked, r.opening, r.closing]).toEqual([0, closing, closing]);
        expect(Object.keys(r.checkpoint!)).toEqual(['id', 'createdAt', 'verifiedAt']);
        expect(r.checkpoint).toMatchObject({ id: head.id, createdAt: head.createdAt });
        account.post(-25);
        account.post(-30);
        const later = report((await tally(['reconcile', '--checkpoint', '--json'], { env: env(baseUrl), configDir: cfg.dir })).stdout);
        expect([later.checked, later.opening, later.closing]).toEqual([2, closing, ((head.balanceAfterInCents - 55) / 100).toFixed(2)]);
      });
    } finally {
      cfg.cleanup();
    }
  });

  it('proves the first new entry continues from the checkpoint: a break right after it is exit 1', async () => {
    const cfg = tempConfigDir();
    const account = new ConduitAccount(40);
    try {
      await withHttpServer(account.handler, async (baseUrl) => {
        expect((await tally(['reconcile', '--checkpoint', '-q'], { env: env(baseUrl), configDir: cfg.dir })).exitCode).toBe(0);
        const anchor = account.entries.at(-1)!;
        account.post(-20);
        account.entries.at(-1)!.balanceAfterInCents += 7; // off the chain, and what follows continues from it
        account.post(-20);
        const r = await tally(['reconcile', '--checkpoint', '--json'], { env: env(baseUrl), configDir: cfg.dir });
        expect(r.exitCode).toBe(1);
        const issues = report(r.stdout).issues;
        expect(issues.map((i) => [i.kind, i.entryId])).toEqual([['chain_break', account.entries.at(-2)!.id]]);
        expect(issues[0]!.message).toContain(`(balance after ${anchor.id} plus the amounts since)`);
      });
    } finally {
      cfg.cleanup();
    }
  });
});

describe('the digest of verified history', () => {
  /** Moves 5 cents from one entry to the next: every balance still follows, the history is not the same. */
  const rewrite = (account: ConduitAccount, at: number) => {
    account.entries[at]!.amountInCents -= 5;
    account.entries[at]!.balanceAfterInCents -= 5;
    account.entries[at + 1]!.amountInCents += 5;
  };

  it('finds with --full a rewrite under the checkpoint that keeps every balance, naming the first entries changed', async () => {
    const cfg = tempConfigDir();
    const account = new ConduitAccount(600);
    const id = (i: number) => account.entries[i]!.id;
    try {
      await withHttpServer(account.handler, async (baseUrl) => {
        const run = (...args: string[]) =>
          tally(['reconcile', '--checkpoint', '--json', ...args], { env: env(baseUrl), configDir: cfg.dir });
        expect((await run()).exitCode).toBe(0);
        account.post(-40); // new since the checkpoint: not part of what it verified
        const clean = await run('--full');
        expect(clean.exitCode, clean.stdout).toBe(0);
        expect(report(clean.stdout).checked).toBe(601);
        rewrite(account, 500);
        rewrite(account, 100);
        // a run from the checkpoint compares the newest verified entry only
        expect((await run()).exitCode).toBe(0);
        const saved = readFileSync(join(cfg.dir, 'checkpoints', checkpointFiles(cfg.dir)[0]!), 'utf8');
        const full = await run('--full');
        expect(full.exitCode).toBe(1);
        const issues = report(full.stdout).issues;
        expect(issues.map((i) => i.kind)).toEqual(['checkpoint_mismatch']);
        // verified newest first in blocks of 256: 345–600, 89–344 (entry 100's), 0–88
        expect(issues[0]!.entryId).toBe(id(89));
        expect(issues[0]!.message).toBe(
          `history verified before changed: the first change is among the 256 entries from ${id(89)} to ${id(344)} (block 2 of 3, 256 entries read there now)`,
        );
        // a failing run keeps the checkpoint as it was
        expect(readFileSync(join(cfg.dir, 'checkpoints', checkpointFiles(cfg.dir)[0]!), 'utf8')).toBe(saved);
      });
    } finally {
      cfg.cleanup();
    }
  });

  it('finds with --full an entry removed under the checkpoint, in its block', async () => {
    const cfg = tempConfigDir();
    const account = new ConduitAccount(300);
    try {
      await withHttpServer(account.handler, async (baseUrl) => {
        const run = (...args: string[]) =>
          tally(['reconcile', '--checkpoint', '--json', ...args], { env: env(baseUrl), configDir: cfg.dir });
        expect((await run()).exitCode).toBe(0);
        const [gone] = account.entries.splice(20, 1);
        account.entries[20]!.amountInCents += gone!.amountInCents; // the balances still follow
        const full = await run('--full');
        expect(full.exitCode).toBe(1);
        const [issue] = report(full.stdout).issues;
        expect(issue!.entryId).toBe(account.entries[0]!.id);
        expect(issue!.message).toContain('(block 1 of 2, 43 entries read there now)');
      });
    } finally {
      cfg.cleanup();
    }
  });

  it('forgets the checkpoint with --reset-checkpoint, verifies the whole history and starts afresh from it', async () => {
    const cfg = tempConfigDir();
    const account = new ConduitAccount(120);
    try {
      await withHttpServer(account.handler, async (baseUrl) => {
        const run = (...args: string[]) =>
          tally(['reconcile', '--checkpoint', '--json', ...args], { env: env(baseUrl), configDir: cfg.dir });
        expect((await run()).exitCode).toBe(0);
        rewrite(account, 30);
        expect((await run('--full')).exitCode).toBe(1);
        const reset = await run('--reset-checkpoint');
        expect(reset.exitCode, reset.stdout).toBe(0);
        expect(report(reset.stdout).checked).toBe(120);
        expect(report(reset.stdout).checkpoint).toBeNull();
        const full = await run('--full');
        expect(full.exitCode, full.stdout).toBe(0);
        expect(report(full.stdout).checkpoint?.id).toBe(account.entries.at(-1)!.id);
      });
    } finally {
      cfg.cleanup();
    }
  });

  it('refuses --full and --reset-checkpoint without --checkpoint (exit 2)', async () => {
    const r = await tally(['reconcile', '--full'], { env: env('http://127.0.0.1:9') });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^tally: --full goes with --checkpoint\n/);
    const reset = await tally(['reconcile', '--reset-checkpoint'], { env: env('http://127.0.0.1:9') });
    expect(reset.exitCode).toBe(2);
    expect(reset.stderr).toMatch(/^tally: --reset-checkpoint goes with --checkpoint\n/);
  });
});

describe('broken checkpoint files', () => {
  it.each([
    [
      'a balance that is a number',
      (c: Record<string, unknown>) => ({ ...c, balanceAfter: 17.5 }),
      '"balanceAfter" must be a string or null',
    ],
    ['a verifiedAt that is not text', (c: Record<string, unknown>) => ({ ...c, verifiedAt: {} }), '"verifiedAt" must be a string'],
    ['a list for an object', () => [], 'expected a JSON object'],
    [
      'an empty digest, which would let --full verify nothing',
      (c: Record<string, unknown>) => ({ ...c, blocks: [] }),
      '"blocks" must end with the block of the checkpoint\'s entry',
    ],
    [
      "a digest that ends at another entry than the checkpoint's",
      (c: Record<string, unknown>) => ({ ...c, id: 'someone-else' }),
      '"blocks" must end with the block of the checkpoint\'s entry',
    ],
    [
      'a balance that is not a number',
      (c: Record<string, unknown>) => ({ ...c, balanceAfter: 'abc' }),
      '"balanceAfter" must be a decimal amount or null',
    ],
    [
      'purchase sums that are not numbers',
      (c: Record<string, unknown>) => ({ ...c, purchased: 'lots' }),
      '"purchased" must be a decimal amount',
    ],
    ['a verifiedAt that is not a time', (c: Record<string, unknown>) => ({ ...c, verifiedAt: 'yesterday' }), '"verifiedAt" must be a time'],
    ["an entry's createdAt that is not a time", (c: Record<string, unknown>) => ({ ...c, createdAt: 'zzz' }), '"createdAt" must be a time'],
    [
      'a block of an absurd number of entries',
      (c: Record<string, unknown>) => ({ ...c, blocks: (c.blocks as unknown[][]).map((b) => [b[0], b[1], 1e15, b[3]]) }),
      '"blocks" must be a list of digest blocks of 1 to 256 entries each',
    ],
    [
      'an empty block',
      (c: Record<string, unknown>) => ({ ...c, blocks: (c.blocks as unknown[][]).map((b) => [b[0], b[1], 0, b[3]]) }),
      '"blocks" must be a list of digest blocks of 1 to 256 entries each',
    ],
    [
      'another provider',
      (c: Record<string, unknown>) => ({ ...c, provider: 'bytespike' }),
      '"provider" is "bytespike", not conduit, the provider in use',
    ],
    [
      'another base URL',
      (c: Record<string, unknown>) => ({ ...c, baseUrl: 'https://elsewhere.example/' }),
      '"baseUrl" is "https://elsewhere.example/", not the base URL in use',
    ],
    [
      'another unit than the account is in',
      (c: Record<string, unknown>) => ({ ...c, unit: 'EUR' }),
      '"unit" is "EUR", not USD, the unit the account is in',
    ],
    ['a version of a newer tally', (c: Record<string, unknown>) => ({ ...c, version: 99 }), '"version" is 99: a newer tally wrote it'],
  ])('exits 2 naming the file for a checkpoint with %s', async (_what, spoil, why) => {
    const cfg = tempConfigDir();
    try {
      await withHttpServer(new ConduitAccount(30).handler, async (baseUrl) => {
        const lockPath = await lockPathAfterFirstRun(cfg.dir, baseUrl);
        const path = lockPath.replace(/\.lock$/, '.json');
        writeFileSync(path, JSON.stringify(spoil(JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>)));
        const r = await tally(['reconcile', '--checkpoint'], { env: env(baseUrl), configDir: cfg.dir });
        expect(r.exitCode).toBe(2);
        expect(r.stderr).toMatch(
          new RegExp(
            `^tally: checkpoint ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid \\(${why.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)\n`,
          ),
        );
        expect(r.stderr).not.toContain('internal error');
        // the way out it names works
        const reset = await tally(['reconcile', '--checkpoint', '--reset-checkpoint'], { env: env(baseUrl), configDir: cfg.dir });
        expect(reset.exitCode, reset.stderr).toBe(0);
        expect((await tally(['reconcile', '--checkpoint'], { env: env(baseUrl), configDir: cfg.dir })).exitCode).toBe(0);
      });
    } finally {
      cfg.cleanup();
    }
  });

  it('exits 2 naming the file and the place where a checkpoint cut short stops being JSON', async () => {
    const cfg = tempConfigDir();
    try {
      await withHttpServer(new ConduitAccount(30).handler, async (baseUrl) => {
        const path = (await lockPathAfterFirstRun(cfg.dir, baseUrl)).replace(/\.lock$/, '.json');
        const text = readFileSync(path, 'utf8');
        writeFileSync(path, text.slice(0, 40));
        const r = await tally(['reconcile', '--checkpoint'], { env: env(baseUrl), configDir: cfg.dir });
        expect(r).toEqual({
          exitCode: 2,
          stdout: '',
          stderr: `tally: checkpoint ${path} is not valid (not JSON: it ends at line 1, column 41 before the JSON does)\n  remove it, or run reconcile --checkpoint --reset-checkpoint`,
        });
      });
    } finally {
      cfg.cleanup();
    }
  });

  it('exits 2 naming the file when a directory stands in place of the checkpoint', async () => {
    const cfg = tempConfigDir();
    try {
      await withHttpServer(new ConduitAccount(30).handler, async (baseUrl) => {
        const path = (await lockPathAfterFirstRun(cfg.dir, baseUrl)).replace(/\.lock$/, '.json');
        const { rmSync } = await import('node:fs');
        rmSync(path);
        mkdirSync(path);
        const r = await tally(['reconcile', '--checkpoint'], { env: env(baseUrl), configDir: cfg.dir });
        expect(r.exitCode).toBe(2);
        expect(r.stderr).toMatch(/^tally: cannot read checkpoint .+\.json: it is a directory\n/);
        expect(r.stderr).toContain(path);
      });
    } finally {
      cfg.cleanup();
    }
  });
});

describe('a checkpoint written before checkpoints carried a version', () => {
  it('is read as version 1, the same digest: no false mismatch, resumed and then checked in full', async () => {
    const cfg = tempConfigDir();
    const account = new ConduitAccount(300);
    try {
      await withHttpServer(account.handler, async (baseUrl) => {
        const run = (...args: string[]) =>
          tally(['reconcile', '--checkpoint', '--json', ...args], { env: env(baseUrl), configDir: cfg.dir });
        expect((await run()).exitCode).toBe(0);
        const path = join(cfg.dir, 'checkpoints', checkpointFiles(cfg.dir)[0]!);
        const { version, ...older } = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
        expect(version).toBe(1);
        writeFileSync(path, `${JSON.stringify(older)}\n`);
        account.post(-40);
        const resumed = await run();
        expect(resumed.exitCode, resumed.stdout).toBe(0);
        expect(report(resumed.stdout).checked).toBe(1);
        const full = await run('--full');
        expect(full.exitCode, full.stdout).toBe(0);
        expect((JSON.parse(readFileSync(path, 'utf8')) as { version: number }).version).toBe(1);
      });
    } finally {
      cfg.cleanup();
    }
  });
});

describe('a checkpoint written under another profile', () => {
  it('is refused (exit 2, naming the file and the field) when a profile other than the one that wrote it is in use', async () => {
    const cfg = tempConfigDir();
    try {
      await withHttpServer(new ConduitAccount(30).handler, async (baseUrl) => {
        writeFileSync(
          join(cfg.dir, 'config.json'),
          JSON.stringify({
            profiles: { work: { provider: 'conduit', baseUrl, key: KEY }, home: { provider: 'conduit', baseUrl, key: KEY } },
          }),
        );
        const run = (profile: string) => tally(['-p', profile, 'reconcile', '--checkpoint', '-q'], { configDir: cfg.dir });
        expect((await run('work')).exitCode).toBe(0);
        const path = join(cfg.dir, 'checkpoints', checkpointFiles(cfg.dir)[0]!);
        const r = await run('home');
        expect(r).toEqual({
          exitCode: 2,
          stdout: '',
          stderr: `tally: checkpoint ${path} is not valid ("profile" is "work", not home, the profile in use)\n  remove it, or run reconcile --checkpoint --reset-checkpoint`,
        });
        // without a profile (the key from the environment) it is the same account: read, and still the profile's
        const fromEnv = await tally(['reconcile', '--checkpoint', '-q'], { env: env(baseUrl), configDir: cfg.dir });
        expect(fromEnv.exitCode, fromEnv.stderr).toBe(0);
        expect((JSON.parse(readFileSync(path, 'utf8')) as { profile: string }).profile).toBe('work');
      });
    } finally {
      cfg.cleanup();
    }
  });
});
