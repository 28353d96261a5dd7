// `tally ledger list` and `tally ledger export` end to end against the sandbox.
// Commands run in process (test/helpers/in-process.ts: the same parsing, errors and exit codes as the binary,
// output through the io twin) over real sockets; what needs a process of its own (a signal, a closing
// connection seen from outside) runs the built binary.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { withHttpServer } from '../helpers/http.js';
import { expectWholeChain, parseNdjson } from '../helpers/ledger.js';
import { tallyInProcess as tally } from '../helpers/in-process.js';
import { sandboxEnv } from '../helpers/tally.js';

const PROVIDERS = ['conduit', 'account-api', 'bytespike', 'conflux', 'indigenius'];
const ENTRIES = 450;

let sandbox: Sandbox;
let dir: string;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 3, entries: ENTRIES });
  dir = mkdtempSync(join(tmpdir(), 'tally-ledger-'));
});
afterAll(() => sandbox.close());

async function withFaults<T>(faults: string, fn: (s: Sandbox) => Promise<T>, entries = ENTRIES): Promise<T> {
  const s = await startSandbox({ port: 0, seed: 3, entries, faults });
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

const exportNdjson = async (s: Sandbox, provider: string, extra: string[] = [], account = 'ok') => {
  const r = await tally(['ledger', 'export', '--ndjson', ...extra], { env: sandboxEnv(s, provider, account) });
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  return parseNdjson(r.stdout);
};

describe('ledger export on every provider', () => {
  it.each(PROVIDERS)('exports the whole %s ledger newest first, every balance chained', async (provider) => {
    const entries = await exportNdjson(sandbox, provider);
    expect(entries).toHaveLength(ENTRIES);
    expect(Object.keys(entries[0]!)).toEqual([
      'id',
      'createdAt',
      'type',
      'providerType',
      'amount',
      'balanceAfter',
      'unit',
      'description',
      'reference',
      'metadata',
    ]);
    // conflux lists purchases only: its balances drop by the consumption between them, so they do not chain
    if (provider !== 'conflux') expectWholeChain(entries);
    for (const e of entries) {
      expect(e.amount).toMatch(/^-?\d+(\.\d+)?$/);
      expect(['purchase', 'usage', 'refund', 'credit', 'debit', 'adjustment', 'subscription']).toContain(e.type);
      expect(e.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
  });

  it('signs an account-api debit negative although the API reports it positive', async () => {
    const entries = await exportNdjson(sandbox, 'account-api');
    const debit = entries.find((e) => e.providerType === 'debit')!;
    expect(debit.amount.startsWith('-')).toBe(true);
    expect(debit.type).toBe('debit');
  });

  it('normalises the provider words and keeps them', async () => {
    const spike = await exportNdjson(sandbox, 'bytespike');
    const pairs = new Set(spike.map((e) => `${e.providerType}>${e.type}`));
    expect([...pairs].sort()).toEqual(
      ['admin_credit>credit', 'admin_debit>debit', 'refund>refund', 'subscription_renew>subscription', 'topup>purchase'].sort(),
    );
    const conduit = await exportNdjson(sandbox, 'conduit');
    expect(conduit.find((e) => e.providerType === 'USAGE_DEBIT')?.type).toBe('usage');
    expect(conduit.find((e) => e.providerType === 'CREDIT_PURCHASE')?.type).toBe('purchase');
  });

  it('writes JSON as one array, and the same entries in ascending order with --order asc', async () => {
    const env = sandboxEnv(sandbox, 'indigenius');
    const desc = JSON.parse((await tally(['ledger', 'export', '--json'], { env })).stdout) as Array<{ id: string }>;
    const asc = JSON.parse((await tally(['ledger', 'export', '--json', '--order', 'asc'], { env })).stdout) as Array<{ id: string }>;
    expect(desc).toHaveLength(ENTRIES);
    expect(asc.map((e) => e.id)).toEqual(desc.map((e) => e.id).reverse());
  });
});

describe('ledger export CSV', () => {
  it('has the documented header, RFC 4180 quoting, CRLF lines, and neutralises formulas in text cells only', async () => {
    const r = await tally(['ledger', 'export'], { env: sandboxEnv(sandbox, 'bytespike'), stripFinalNewline: false });
    expect(r.exitCode).toBe(0);
    const text = r.stdout;
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.startsWith('created_at,id,type,provider_type,amount,balance_after,unit,description,reference\r\n')).toBe(true);
    expect(text).toContain(`,"'=HYPERLINK(""http://example.invalid"",""refund"")",`);
    expect(text).toContain(",'-5 correction after audit,");
    expect(text).toContain(",'@ops please check,");
    expect(text).toContain(`,"'+1 bonus, ""loyalty""",`);
    expect(text).toContain('"Manual adjustment\nsecond line"');
    // amounts keep their minus sign and are never quoted or prefixed
    expect(text).toMatch(/,admin_debit,-\d+\.\d\d,\d+\.\d\d,USD,/);
    expect(text).not.toMatch(/,'-?\d+\.\d\d,/);
  });

  it('starts with a byte-order mark with --bom', async () => {
    const r = await tally(['ledger', 'export', '--bom'], { env: sandboxEnv(sandbox, 'conduit') });
    expect(r.stdout.startsWith('\uFEFFcreated_at,id,')).toBe(true);
  });

  it('prints the header alone, or [], for an empty result (exit 0)', async () => {
    const env = sandboxEnv(sandbox, 'conduit');
    const csv = await tally(['ledger', 'export', '--type', 'subscription'], { env, stripFinalNewline: false });
    expect(csv.exitCode).toBe(0);
    expect(csv.stdout).toBe('created_at,id,type,provider_type,amount,balance_after,unit,description,reference\r\n');
    const json = await tally(['ledger', 'export', '--json', '--type', 'subscription'], { env, stripFinalNewline: false });
    expect(json.stdout).toBe('[]\n');
    const list = await tally(['ledger', 'list', '--json', '--type', 'subscription'], { env });
    expect(JSON.parse(list.stdout)).toEqual([]);
  });
});

describe('ledger export --out', () => {
  it('writes the file atomically and leaves no temp file', async () => {
    const out = join(dir, 'conduit.csv');
    writeFileSync(out, 'old contents');
    const r = await tally(['ledger', 'export', '--out', out], { env: sandboxEnv(sandbox, 'conduit') });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('');
    expect(readFileSync(out, 'utf8').split('\r\n')).toHaveLength(ENTRIES + 2);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('exits 2 before any request for a missing directory', async () => {
    const s = await startSandbox({ port: 0, seed: 3, entries: 10 });
    try {
      const r = await tally(['ledger', 'export', '--out', join(dir, 'nope', 'x.csv')], { env: sandboxEnv(s, 'conduit') });
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain('does not exist');
      expect(s.requests.get('conduit') ?? 0).toBe(0);
    } finally {
      await s.close();
    }
  });

  it('exits 2 before any request for an unwritable path', async () => {
    const s = await startSandbox({ port: 0, seed: 3, entries: 10 });
    try {
      const underFile = await tally(['ledger', 'export', '--out', '/etc/hostname/x.csv'], { env: sandboxEnv(s, 'conduit') });
      expect(underFile.exitCode).toBe(2);
      expect(underFile.stderr).toContain('is not a directory');
      const proc = await tally(['ledger', 'export', '--out', '/proc/tally-export.csv'], { env: sandboxEnv(s, 'conduit') });
      expect(proc.exitCode).toBe(2);
      expect(proc.stderr).toMatch(/cannot (write|create)/);
      const isDir = await tally(['ledger', 'export', '--out', dir], { env: sandboxEnv(s, 'conduit') });
      expect(isDir.exitCode).toBe(2);
      expect(s.requests.get('conduit') ?? 0).toBe(0);
    } finally {
      await s.close();
    }
  });

  it('exits 4 on a page of the wrong shape, naming the endpoint and field, and leaves no file', async () => {
    await withFaults('badshape@3', async (s) => {
      const out = join(dir, 'bad.csv');
      const r = await tally(['ledger', 'export', '--out', out], { env: sandboxEnv(s, 'indigenius') });
      expect(r.exitCode).toBe(4);
      expect(r.stderr).toContain('unexpected response from GET /v1/billing/transactions');
      expect(r.stderr).toContain('body.data');
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    });
  });

  // pages fetched ahead are parsed only when their turn comes: a bad one still stops the export there
  it.each([
    ['bytespike', 'GET /api/v1/me/billing/transactions'],
    ['account-api', 'GET /auth/account/ledger'],
  ])('exits 4 on a %s page that is not JSON, naming the endpoint, and leaves no file', async (provider, endpoint) => {
    await withFaults(
      'nonjson@3',
      async (s) => {
        const out = join(dir, `nonjson-${provider}.csv`);
        const r = await tally(['ledger', 'export', '--out', out], { env: sandboxEnv(s, provider) });
        expect(r.exitCode).toBe(4);
        expect(r.stderr).toContain(`unexpected response from ${endpoint}: the body is not JSON`);
        expect(r.stdout).toBe('');
        expect(existsSync(out)).toBe(false);
        expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
      },
      1000,
    );
  });

  it('exits 4 on an entry dated on a day the calendar does not have, instead of rolling it into March', async () => {
    // Date.parse reads 2026-02-30 as March 2; a ledger line must not move to another month unnoticed
    const entry = {
      id: 7,
      created_at: '2026-02-30T10:00:00.000Z',
      kind: 'topup',
      amount_usd: 5,
      balance_after_usd: 5,
      source: {},
      note: null,
    };
    const page: RequestListener = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ items: [entry], page: 1, page_size: 200, total: 1 }));
    };
    await withHttpServer(page, async (baseUrl) => {
      const out = join(dir, 'offcalendar.csv');
      const r = await tally(['ledger', 'export', '--out', out, '--base-url', baseUrl], { env: sandboxEnv(sandbox, 'bytespike') });
      expect(r.exitCode).toBe(4);
      expect(r.stderr).toContain('GET /api/v1/me/billing/transactions');
      expect(r.stderr).toContain('body.items[0].created_at');
      expect(r.stderr).toContain('2026-02-30T10:00:00.000Z');
      expect(existsSync(out)).toBe(false);
    });
  });

  it('leaves no partial file on Ctrl-C (exit 130) and keeps an existing file as it was', async () => {
    await withFaults('slow=400', async (s) => {
      const out = join(dir, 'interrupted.csv');
      writeFileSync(out, 'previous export');
      const { execa } = await import('execa');
      const { BIN, waitFor } = await import('../helpers/tally.js');
      const child = execa('node', [BIN, 'ledger', 'export', '--out', out], {
        reject: false,
        env: { ...sandboxEnv(s, 'conduit'), NO_COLOR: '1' },
      });
      // mid-export: two pages answered and written, the third asked for
      await waitFor('the third page request', () => (s.requests.get('conduit') ?? 0) >= 3);
      child.kill('SIGINT');
      const r = await child;
      expect(r.exitCode).toBe(130);
      expect(readFileSync(out, 'utf8')).toBe('previous export');
      expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    });
  });
});

describe('exactly once while the ledger grows', () => {
  it.each(['conduit', 'account-api', 'bytespike', 'indigenius'])(
    'exports every %s entry once when entries post between page requests',
    async (provider) => {
      await withFaults('shift%50', async (s) => {
        const entries = await exportNdjson(s, provider);
        expect(entries.length).toBeGreaterThanOrEqual(ENTRIES);
        expectWholeChain(entries);
      });
    },
  );

  it('follows conduit when more entries post between two pages than fit in the overlap', async () => {
    await withFaults('shift*6', async (s) => {
      const entries = await exportNdjson(s, 'conduit');
      expectWholeChain(entries);
    });
  });

  it('resumes from the failed page after retries mid-export, without duplicates', async () => {
    await withFaults('503@2,reset@3,truncate@4,429@5=1', async (s) => {
      const entries = await exportNdjson(s, 'bytespike');
      expect(entries).toHaveLength(ENTRIES);
      expectWholeChain(entries);
      // 3 pages of 200, 4 failed attempts retried: no restart
      expect(s.requests.get('bytespike')).toBe(3 + 4);
    });
  });

  it('writes a genuine duplicate the provider lists once, naming it (reconcile reports it), and invents no others', async () => {
    const r = await tally(['ledger', 'export', '--ndjson'], { env: sandboxEnv(sandbox, 'conduit', 'bad') });
    expect(r.exitCode).toBe(0);
    const ids = parseNdjson(r.stdout).map((e) => e.id);
    expect(ids).toHaveLength(ENTRIES);
    expect(new Set(ids).size).toBe(ENTRIES);
    expect(r.stderr).toMatch(/^tally: warning: entry clx\w+ is listed twice by the provider; it is kept once$/);
  });

  it('fails with exit 4 naming the id when one id comes back with different content', async () => {
    const r = await tally(['ledger', 'export'], { env: sandboxEnv(sandbox, 'conduit', 'conflict') });
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toMatch(/entry clx\w+ was returned twice with different content/);
  });
});

describe('ledger list', () => {
  it('shows 20 entries by default, newest first, as a tab-separated table on a pipe', async () => {
    // on a machine in UTC: tables show times in the machine's zone
    const r = await tally(['ledger', 'list'], { env: { ...sandboxEnv(sandbox, 'conduit'), TZ: 'UTC' } });
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('CREATED AT (UTC)\tID\tTYPE\tAMOUNT\tBALANCE AFTER\tUNIT\tDESCRIPTION');
    expect(lines).toHaveLength(21);
  });

  it('prints nothing at all with -q when no entry matches (no data is no output), and the rows when some do', async () => {
    const env = { ...sandboxEnv(sandbox, 'conduit'), TZ: 'UTC' };
    expect(await tally(['ledger', 'list', '--type', 'subscription', '-q'], { env })).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
    expect(await tally(['ledger', 'list', '--type', 'subscription'], { env })).toMatchObject({
      exitCode: 0,
      stdout: 'CREATED AT (UTC)\tID\tTYPE\tAMOUNT\tBALANCE AFTER\tUNIT\tDESCRIPTION',
    });
    expect((await tally(['ledger', 'list', '--limit', '2', '-q'], { env })).stdout.split('\n')).toHaveLength(3);
  });

  it('shows table times in --tz, while JSON stays UTC', async () => {
    const env = sandboxEnv(sandbox, 'conduit');
    const json = JSON.parse((await tally(['ledger', 'list', '--json', '--limit', '1'], { env })).stdout)[0];
    const table = await tally(['ledger', 'list', '--limit', '1', '--tz', 'Asia/Kolkata'], { env });
    const row = table.stdout.split('\n')[1]!.split('\t');
    expect(table.stdout.split('\n')[0]).toContain('CREATED AT (Asia/Kolkata)');
    const shifted = new Date(Date.parse(json.createdAt) + 5.5 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
    expect(row[0]).toBe(shifted);
    expect(json.createdAt).toMatch(/Z$/);
    const bad = await tally(['ledger', 'list', '--tz', 'Mars/Olympus'], { env });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--tz "Mars/Olympus" is not a time zone');
  });

  it('fetches as many pages as --limit needs, from --offset', async () => {
    const env = sandboxEnv(sandbox, 'conduit');
    const all = await exportNdjson(sandbox, 'conduit');
    const list = JSON.parse((await tally(['ledger', 'list', '--json', '--limit', '250', '--offset', '30'], { env })).stdout) as Array<{
      id: string;
    }>;
    expect(list.map((e) => e.id)).toEqual(all.slice(30, 280).map((e) => e.id));
  });

  it('filters by normalised type or provider word, pushed to the API where it filters', async () => {
    const env = sandboxEnv(sandbox, 'bytespike');
    const purchases = JSON.parse((await tally(['ledger', 'list', '--json', '--limit', '1000', '--type', 'purchase'], { env })).stdout);
    const topups = JSON.parse((await tally(['ledger', 'list', '--json', '--limit', '1000', '--type', 'topup'], { env })).stdout);
    expect(purchases.length).toBeGreaterThan(0);
    expect(topups).toEqual(purchases);
    expect(purchases.every((e: { providerType: string }) => e.providerType === 'topup')).toBe(true);
    const usage = JSON.parse(
      (await tally(['ledger', 'list', '--json', '--limit', '1000', '--type', 'USAGE_DEBIT'], { env: sandboxEnv(sandbox, 'conduit') }))
        .stdout,
    );
    expect(usage.every((e: { type: string }) => e.type === 'usage')).toBe(true);
  });

  it('filters by --since (inclusive) and --until (exclusive), on APIs that filter and on those that do not', async () => {
    for (const provider of ['bytespike', 'conduit']) {
      const all = await exportNdjson(sandbox, provider);
      const since = all[100]!.createdAt;
      const until = all[20]!.createdAt;
      const r = await tally(['ledger', 'list', '--json', '--limit', '1000', '--since', since, '--until', until], {
        env: sandboxEnv(sandbox, provider),
      });
      expect(r.exitCode).toBe(0);
      expect(JSON.parse(r.stdout).map((e: { id: string }) => e.id)).toEqual(all.slice(21, 101).map((e) => e.id));
    }
  });
});

describe('ledger bad input (exit 2)', () => {
  const env = () => sandboxEnv(sandbox, 'conduit');
  it('rejects --since yesterday-ish, naming the flag', async () => {
    const r = await tally(['ledger', 'list', '--since', 'yesterday-ish'], { env: env() });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--since "yesterday-ish" is not a date');
  });

  it('rejects a day the calendar does not have (--until 2026-02-31), naming the flag', async () => {
    const r = await tally(['ledger', 'export', '--until', '2026-02-31'], { env: env() });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--until "2026-02-31" is not a date');
    expect(r.stdout).toBe('');
  });

  it.each(['0', '-1', 'abc'])('rejects --limit %s', async (limit) => {
    const r = await tally(['ledger', 'list', `--limit=${limit}`], { env: env() });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`--limit "${limit}"`);
  });

  it('rejects an unknown --type, listing the valid ones', async () => {
    const r = await tally(['ledger', 'list', '--type', 'bogus'], { env: env() });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('CREDIT_PURCHASE');
  });

  it('rejects --since after --until, two formats at once, and an unknown --order', async () => {
    expect((await tally(['ledger', 'list', '--since', '2026-05-01', '--until', '2026-04-01'], { env: env() })).exitCode).toBe(2);
    expect((await tally(['ledger', 'export', '--json', '--ndjson'], { env: env() })).exitCode).toBe(2);
    expect((await tally(['ledger', 'export', '--order', 'up'], { env: env() })).exitCode).toBe(2);
  });
});
