// reconcile's head check when nothing was read: an empty ledger against a live balance, a --since past the newest
// entry, and a checkpoint run with nothing new. The ledger's newest balance (zero when it lists nothing) must be
// the live balance; an empty read is never a clean ledger by default. In process against a server of the test's own.
import { describe, expect, it } from 'vitest';
import { ConduitAccount } from '../helpers/conduit-account.js';
import { withHttpServer } from '../helpers/http.js';
import { tallyInProcess as tally } from '../helpers/in-process.js';
import { tempConfigDir } from '../helpers/tally.js';

const env = (baseUrl: string) => ({ TALLY_PROVIDER: 'conduit', TALLY_BASE_URL: baseUrl, TALLY_API_KEY: 'sk-conduit-test-0001' });

/** The JSON report of a run with nothing read and the one issue it should find, or none. */
function reportOf(currentBalance: string, issues: unknown[]) {
  return { profile: null, provider: 'conduit', checked: 0, ok: issues.length === 0, opening: null, closing: null, currentBalance, issues };
}

describe('reconcile of a ledger that lists no entries', () => {
  it('is a head_mismatch (exit 1) when the live balance is 500.00: the empty ledger says 0.00', async () => {
    const account = new ConduitAccount(0);
    account.balanceInCents = 50_000;
    await withHttpServer(account.handler, async (baseUrl) => {
      const json = await tally(['reconcile', '--json'], { env: env(baseUrl) });
      expect(json.exitCode, json.stderr).toBe(1);
      expect(json.stderr).toBe('');
      expect(JSON.parse(json.stdout)).toEqual(
        reportOf('500.00', [
          {
            kind: 'head_mismatch',
            entryId: null,
            previousId: null,
            expected: '0.00',
            actual: '500.00',
            delta: '500.00',
            createdAt: null,
            message: 'the ledger lists no entries, but the live balance is 500.00',
          },
        ]),
      );
      const text = await tally(['--tz', 'UTC', 'reconcile'], { env: env(baseUrl) });
      expect(text).toEqual({
        exitCode: 1,
        stdout: [
          'KIND\tENTRY\tPREVIOUS\tEXPECTED\tACTUAL\tDELTA\tCREATED AT (UTC)\tMESSAGE',
          'head_mismatch\t\t\t0.00\t500.00\t500.00\t\tthe ledger lists no entries, but the live balance is 500.00',
        ].join('\n'),
        stderr: 'conduit: 0 entries checked, live balance 500.00 USD; 1 issue',
      });
    });
  });

  it('is clean (exit 0) when the live balance is 0.00', async () => {
    await withHttpServer(new ConduitAccount(0).handler, async (baseUrl) => {
      const json = await tally(['reconcile', '--json'], { env: env(baseUrl) });
      expect(json.exitCode, json.stderr).toBe(0);
      expect(JSON.parse(json.stdout)).toEqual(reportOf('0.00', []));
      const quiet = await tally(['reconcile', '-q'], { env: env(baseUrl) });
      expect(quiet).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    });
  });
});

describe('reconcile --since past the newest entry', () => {
  const since = '2026-06-01';

  it('checks the head with the newest entry before the period: clean when it is the live balance, and says so', async () => {
    const account = new ConduitAccount(30);
    const newest = account.entries.at(-1)!;
    await withHttpServer(account.handler, async (baseUrl) => {
      const r = await tally(['--tz', 'UTC', 'reconcile', '--since', since], { env: env(baseUrl) });
      const live = (newest.balanceAfterInCents / 100).toFixed(2);
      expect(r).toEqual({
        exitCode: 0,
        stdout: 'KIND\tENTRY\tPREVIOUS\tEXPECTED\tACTUAL\tDELTA\tCREATED AT (UTC)\tMESSAGE',
        stderr:
          `conduit: 0 entries checked, live balance ${live} USD; no issues\n` +
          `note: nothing is listed since --since; the head was checked with the newest entry before it, ${newest.id}`,
      });
    });
  });

  it('is a head_mismatch (exit 1) at that entry when the live balance differs from it', async () => {
    const account = new ConduitAccount(30);
    const newest = account.entries.at(-1)!;
    const live = newest.balanceAfterInCents + 1234;
    account.balanceInCents = live;
    await withHttpServer(account.handler, async (baseUrl) => {
      const r = await tally(['reconcile', '--json', '--since', since], { env: env(baseUrl) });
      expect(r.exitCode, r.stderr).toBe(1);
      const show = (cents: number) => (cents / 100).toFixed(2);
      expect(JSON.parse(r.stdout)).toEqual(
        reportOf(show(live), [
          {
            kind: 'head_mismatch',
            entryId: newest.id,
            previousId: null,
            expected: show(newest.balanceAfterInCents),
            actual: show(live),
            delta: '12.34',
            createdAt: newest.createdAt,
            message: `the live balance ${show(live)} differs from the newest entry's balance_after ${show(newest.balanceAfterInCents)}`,
          },
        ]),
      );
    });
  });
});

describe('reconcile --checkpoint with nothing new', () => {
  it("is clean when the live balance is the checkpoint entry's, and a head_mismatch (exit 1) when it moved without an entry", async () => {
    const cfg = tempConfigDir();
    const account = new ConduitAccount(30);
    const anchor = account.entries.at(-1)!;
    const balance = (anchor.balanceAfterInCents / 100).toFixed(2);
    try {
      await withHttpServer(account.handler, async (baseUrl) => {
        const first = await tally(['reconcile', '--checkpoint', '-q'], { env: env(baseUrl), configDir: cfg.dir });
        expect(first, first.stderr).toEqual({ exitCode: 0, stdout: '', stderr: '' });
        const again = await tally(['reconcile', '--checkpoint', '--json'], { env: env(baseUrl), configDir: cfg.dir });
        expect(again.exitCode, again.stderr).toBe(0);
        expect(JSON.parse(again.stdout)).toMatchObject({ checked: 0, ok: true, opening: balance, closing: balance, issues: [] });
        account.balanceInCents = anchor.balanceAfterInCents - 500;
        const moved = await tally(['reconcile', '--checkpoint', '--json'], { env: env(baseUrl), configDir: cfg.dir });
        expect(moved.exitCode, moved.stderr).toBe(1);
        expect(JSON.parse(moved.stdout)).toMatchObject({
          checked: 0,
          ok: false,
          issues: [{ kind: 'head_mismatch', entryId: anchor.id, expected: balance, delta: '-5.00' }],
        });
      });
    } finally {
      cfg.cleanup();
    }
  });
});
