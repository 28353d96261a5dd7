// reconcile --tolerance says what it let pass: how many differences it absorbed and the largest, in the summary,
// in --all's RESULT and in --json (`withinTolerance`); with nothing absorbed it says nothing new. In process
// against a conduit server of the test's own.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConduitAccount } from '../helpers/conduit-account.js';
import { withHttpServer } from '../helpers/http.js';
import { tallyInProcess as tally } from '../helpers/in-process.js';
import { tempConfigDir } from '../helpers/tally.js';

const KEY = 'sk-conduit-test-0001';
const env = (baseUrl: string) => ({ TALLY_PROVIDER: 'conduit', TALLY_BASE_URL: baseUrl, TALLY_API_KEY: KEY });
const dollars = (cents: number) => (cents / 100).toFixed(2);

/** 30 entries whose amounts are off their balances by a cent at one entry and three at another. */
function offByCents(): ConduitAccount {
  const account = new ConduitAccount(30);
  account.entries[10]!.amountInCents += 1;
  account.entries[20]!.amountInCents -= 3;
  return account;
}

/** The summary line up to its verdict, as reconcile prints it for this account's 30 entries (UTC). */
function summaryOf(account: ConduitAccount): string {
  const closing = dollars(account.entries.at(-1)!.balanceAfterInCents);
  return `conduit: 30 entries checked, 2026-01-01 00:00:00 → 2026-01-01 00:29:00 (UTC), opening 0.00 → closing ${closing} USD, live balance ${closing} USD`;
}

describe('reconcile --tolerance', () => {
  it('says how many differences it absorbed and the largest, on stderr and in --json', async () => {
    const account = offByCents();
    await withHttpServer(account.handler, async (baseUrl) => {
      const text = await tally(['--tz', 'UTC', 'reconcile', '--tolerance', '0.05'], { env: env(baseUrl) });
      expect(text).toEqual({
        exitCode: 0,
        stdout: 'KIND\tENTRY\tPREVIOUS\tEXPECTED\tACTUAL\tDELTA\tCREATED AT (UTC)\tMESSAGE',
        stderr: `${summaryOf(account)}; no issues (--tolerance 0.05 absorbed 2 differences, the largest 0.03)`,
      });
      const json = await tally(['reconcile', '--json', '--tolerance', '0.05'], { env: env(baseUrl) });
      expect(json.exitCode, json.stderr).toBe(0);
      const report = JSON.parse(json.stdout) as Record<string, unknown>;
      expect(report).toMatchObject({ ok: true, issues: [], withinTolerance: { tolerance: '0.05', count: 2, largest: '0.03' } });
      expect(Object.keys(report)).toEqual([
        'profile',
        'provider',
        'checked',
        'ok',
        'opening',
        'closing',
        'currentBalance',
        'issues',
        'withinTolerance',
      ]);
    });
  });

  it('still reports what lies beyond it, and counts only what it absorbed', async () => {
    const account = offByCents();
    account.entries[25]!.amountInCents += 700;
    await withHttpServer(account.handler, async (baseUrl) => {
      const r = await tally(['--tz', 'UTC', 'reconcile', '--tolerance', '0.05'], { env: env(baseUrl) });
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toBe(`${summaryOf(account)}; 1 issue (--tolerance 0.05 absorbed 2 differences, the largest 0.03)`);
      expect(
        r.stdout
          .split('\n')
          .slice(1)
          .map((row) => row.split('\t').slice(0, 2)),
      ).toEqual([['chain_break', account.entries[25]!.id]]);
    });
  });

  it('counts a live balance it let pass against the newest entry', async () => {
    const account = new ConduitAccount(30);
    account.balanceInCents = account.entries.at(-1)!.balanceAfterInCents + 2;
    await withHttpServer(account.handler, async (baseUrl) => {
      const r = await tally(['reconcile', '--json', '--tolerance', '0.05'], { env: env(baseUrl) });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({
        ok: true,
        issues: [],
        withinTolerance: { tolerance: '0.05', count: 1, largest: '0.02' },
      });
    });
  });

  it('says nothing new when it absorbed nothing', async () => {
    const account = new ConduitAccount(30);
    await withHttpServer(account.handler, async (baseUrl) => {
      const text = await tally(['--tz', 'UTC', 'reconcile', '--tolerance', '0.05'], { env: env(baseUrl) });
      expect(text.stderr).toBe(`${summaryOf(account)}; no issues`);
      const json = await tally(['reconcile', '--json', '--tolerance', '0.05'], { env: env(baseUrl) });
      expect(JSON.parse(json.stdout)).not.toHaveProperty('withinTolerance');
    });
  });

  it('says it per profile under --all, in the RESULT column and the JSON', async () => {
    const cfg = tempConfigDir();
    const off = offByCents();
    const clean = new ConduitAccount(30);
    try {
      await withHttpServer(off.handler, (offUrl) =>
        withHttpServer(clean.handler, async (cleanUrl) => {
          const profiles = {
            off: { provider: 'conduit', baseUrl: offUrl, key: KEY },
            clean: { provider: 'conduit', baseUrl: cleanUrl, key: KEY },
          };
          writeFileSync(join(cfg.dir, 'config.json'), JSON.stringify({ profiles }));
          const r = await tally(['reconcile', '--all', '--tolerance', '0.05'], { configDir: cfg.dir });
          expect(r.exitCode, r.stderr).toBe(0);
          const closing = (a: ConduitAccount) => dollars(a.entries.at(-1)!.balanceAfterInCents);
          expect(r.stdout).toBe(
            [
              'PROFILE\tPROVIDER\tCHECKED\tOPENING\tCLOSING\tUNIT\tRESULT',
              `off\tconduit\t30\t0.00\t${closing(off)}\tUSD\tok (--tolerance 0.05 absorbed 2 differences, the largest 0.03)`,
              `clean\tconduit\t30\t0.00\t${closing(clean)}\tUSD\tok`,
            ].join('\n'),
          );
          const json = await tally(['--json', 'reconcile', '--all', '--tolerance', '0.05'], { configDir: cfg.dir });
          const reports = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
          expect(reports.map((x) => x.withinTolerance)).toEqual([{ tolerance: '0.05', count: 2, largest: '0.03' }, undefined]);
        }),
      );
    } finally {
      cfg.cleanup();
    }
  });

  it('says it for an exported file too (--file)', async () => {
    const cfg = tempConfigDir();
    const account = offByCents();
    try {
      await withHttpServer(account.handler, async (baseUrl) => {
        const file = join(cfg.dir, 'ledger.csv');
        expect((await tally(['ledger', 'export', '--out', file], { env: env(baseUrl) })).exitCode).toBe(0);
        const r = await tally(['reconcile', '--file', file, '--tolerance', '0.05'], { env: env(baseUrl) });
        expect(r.exitCode, r.stderr).toBe(0);
        expect(r.stderr.split('\n')[0]).toMatch(/; no issues \(--tolerance 0\.05 absorbed 2 differences, the largest 0\.03\)$/);
      });
    } finally {
      cfg.cleanup();
    }
  });
});
