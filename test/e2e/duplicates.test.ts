// A repeated id is found wherever it is: 5,000 entries after its first listing, live and in an exported file. Live, an
// identical one in a listing that accounts for itself is the ledger's duplicate (written once, reported); anything
// else is a listing failure (exit 4).
// Commands run in process (test/helpers/in-process.ts) over real sockets.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { withHttpServer } from '../helpers/http.js';
import { parseNdjson } from '../helpers/ledger.js';
import { tallyInProcess as tally } from '../helpers/in-process.js';
import { sandboxEnv } from '../helpers/tally.js';

const ENTRIES = 6000;
/** The entry listed again (newest first, 0 is the newest), and the position its copy takes, 5,001 further on. */
const FIRST = 10;
const AGAIN = 5011;

let sandbox: Sandbox;
let dir: string;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 4, entries: ENTRIES });
  dir = mkdtempSync(join(tmpdir(), 'tally-duplicates-'));
});
afterAll(async () => {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

const read = new Map<string, string[]>();
/** The ids tally reads, newest first. */
async function ids(provider: string): Promise<string[]> {
  const known = read.get(provider);
  if (known) return known;
  const r = await tally(['ledger', 'export', '--ndjson'], { env: sandboxEnv(sandbox, provider), timeoutMs: 60_000 });
  expect(r.exitCode, r.stderr).toBe(0);
  const listed = parseNdjson(r.stdout).map((e) => String(e.id));
  read.set(provider, listed);
  return listed;
}

/** Where each provider's listing keeps its entries, and the field of an entry's balance after (a content field). */
const LISTINGS: Record<string, { items: string; balance: string }> = {
  bytespike: { items: 'items', balance: 'balance_after_usd' },
  conduit: { items: 'entries', balance: 'balanceAfterInCents' },
  'account-api': { items: 'data', balance: 'balance_after' },
  indigenius: { items: 'data', balance: 'balance_after' },
};

interface FarCopy {
  /** The copy differs from the entry it copies: its balance after is changed. */
  altered?: boolean;
  /** Only the first response that lists the entry at AGAIN carries the copy (a page served wrong once). */
  once?: boolean;
  /** The entry after AGAIN is replaced too, by a copy of the one after FIRST: a block listed again. */
  block?: boolean;
}

/**
 * The sandbox's answers with the entry at AGAIN replaced by a copy of the one at FIRST, as the provider
 * first listed it: one id listed twice, 5,001 entries apart, and the total unchanged.
 */
async function withFarCopy<T>(
  provider: string,
  how: FarCopy,
  fn: (env: Record<string, string>, listed: string[]) => Promise<T>,
): Promise<T> {
  const { items, balance } = LISTINGS[provider]!;
  const listed = await ids(provider);
  const copies = new Map([[listed[AGAIN], listed[FIRST]]]);
  if (how.block) copies.set(listed[AGAIN + 1], listed[FIRST + 1]);
  const originals = new Map<string, Record<string, unknown>>();
  let served = 0;
  const upstream = sandbox.baseUrl(provider);
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'x-api-key']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    void (async () => {
      const answer = await fetch(`${upstream}${req.url ?? '/'}`, { headers });
      let text = await answer.text();
      const body = answer.ok ? (JSON.parse(text) as Record<string, unknown>) : undefined;
      const list = body?.[items];
      if (Array.isArray(list)) {
        body![items] = list.map((item: Record<string, unknown>) => {
          const id = String(item.id);
          if ([...copies.values()].includes(id)) originals.set(id, item);
          const original = originals.get(copies.get(id) ?? '');
          if (original === undefined || (how.once && served++ > 0)) return item;
          return how.altered ? { ...original, [balance]: (original[balance] as number) + 1 } : original;
        });
        text = JSON.stringify(body);
      }
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(text);
    })();
  };
  return withHttpServer(handler, (baseUrl) => fn({ ...sandboxEnv(sandbox, provider), TALLY_BASE_URL: baseUrl }, listed));
}

interface Issue {
  kind: string;
  entryId: string;
  previousId: string | null;
  message: string;
}

describe("an entry listed again 5,000 entries on, identical, in a listing that accounts for itself, is the ledger's duplicate", () => {
  it.each(Object.keys(LISTINGS))(
    '%s: export writes it once with a warning (exit 0); reconcile reports it as a duplicate, with the chain break it causes (exit 1)',
    async (provider) => {
      await withFarCopy(provider, {}, async (env, listed) => {
        const id = listed[FIRST]!;
        const exported = await tally(['ledger', 'export', '--ndjson'], { env, timeoutMs: 60_000 });
        expect(exported.stderr).toBe(`tally: warning: entry ${id} is listed twice by the provider; it is kept once`);
        expect(exported.exitCode).toBe(0);
        // every entry the listing holds, once: all but the one the copy stands in place of
        expect(parseNdjson(exported.stdout).map((e) => String(e.id))).toEqual(listed.filter((_, k) => k !== AGAIN));
        const checked = await tally(['reconcile', '--json'], { env, timeoutMs: 60_000 });
        expect(checked.stderr).toBe('');
        expect(checked.exitCode).toBe(1);
        const report = JSON.parse(checked.stdout) as { checked: number; issues: Issue[] };
        expect(report.checked).toBe(ENTRIES);
        expect(report.issues.map((i) => [i.kind, i.entryId, i.previousId])).toEqual([
          ['duplicate', id, null],
          ['chain_break', listed[AGAIN - 1], listed[AGAIN + 1]],
        ]);
      });
    },
  );
});

describe('a repeat far on that the listing cannot account for is still refused with exit 4', () => {
  const cases: Array<[what: string, how: FarCopy, message: (endpoint: string, listed: string[]) => string]> = [
    [
      'with other content under the same id',
      { altered: true },
      (endpoint, listed) => `tally: ${endpoint}: entry ${listed[FIRST]} was returned twice with different content`,
    ],
    [
      'served once, and not there when the listing is read again',
      { once: true },
      (endpoint, listed) =>
        `tally: ${endpoint}: the listing repeats entries it already listed (from entry ${listed[FIRST]}), so it cannot be read exactly once`,
    ],
    [
      'two in a row: a block listed again',
      { block: true },
      (endpoint, listed) =>
        `tally: ${endpoint}: the listing repeats entries it already listed (from entry ${listed[FIRST]}), so it cannot be read exactly once`,
    ],
  ];
  it.each([
    ['bytespike', 'GET /api/v1/me/billing/transactions'],
    ['conduit', 'GET /api/billing/ledger'],
  ] as const)('%s: export exits 4 naming the entry and writes no file, and reconcile exits 4 the same way', async (provider, endpoint) => {
    for (const [what, how, message] of cases) {
      await withFarCopy(provider, how, async (env, listed) => {
        const out = join(dir, `far-${provider}.csv`);
        const exported = await tally(['ledger', 'export', '--out', out], { env, timeoutMs: 60_000 });
        expect(exported.stderr.split('\n')[0], what).toBe(message(endpoint, listed));
        expect(exported.exitCode, what).toBe(4);
        expect(existsSync(out), what).toBe(false);
      });
      await withFarCopy(provider, how, async (env, listed) => {
        const checked = await tally(['reconcile', '--json'], { env, timeoutMs: 60_000 });
        expect(checked.stderr.split('\n')[0], what).toBe(message(endpoint, listed));
        expect(checked.exitCode, what).toBe(4);
      });
    }
  });
});

describe('reconcile --file reports an id the file lists again 5,000 entries later as one duplicate', () => {
  it.each(['ndjson', 'csv'] as const)('in a %s export: exit 1, one `duplicate` naming it, nothing else', async (format) => {
    const env = sandboxEnv(sandbox, 'bytespike');
    const path = join(dir, `ledger.${format}`);
    const exported = await tally(['ledger', 'export', `--${format}`, '--out', path], { env, timeoutMs: 60_000 });
    expect(exported.exitCode, exported.stderr).toBe(0);
    const clean = await tally(['reconcile', '--file', path, '--json'], { timeoutMs: 60_000 });
    expect(clean.exitCode, clean.stdout).toBe(0);
    // the line of the entry at FIRST again after the one at AGAIN (CSV has its header line first)
    const lines = readFileSync(path, 'utf8').split('\n');
    const head = format === 'csv' ? 1 : 0;
    lines.splice(head + AGAIN + 1, 0, lines[head + FIRST] as string);
    const twice = join(dir, `twice.${format}`);
    writeFileSync(twice, lines.join('\n'));
    const id = (await ids('bytespike'))[FIRST];
    const r = await tally(['reconcile', '--file', twice, '--json'], { timeoutMs: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(r.stdout) as { checked: number; issues: Array<{ kind: string; entryId: string; message: string }> };
    expect(report.checked).toBe(ENTRIES + 1);
    expect(report.issues.map((i) => [i.kind, i.entryId, i.message])).toEqual([['duplicate', id, `entry ${id} is listed twice`]]);
  });
});
