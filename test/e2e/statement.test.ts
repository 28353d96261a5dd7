// `tally statement` against the sandbox (pinned end, so a month has data): figures held to sums the test
// computes from `ledger export --ndjson` of the same period, planted breaks named, --tz months, --all.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from '../../src/core/money.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { withHttpServer } from '../helpers/http.js';
import { tallyInProcess } from '../helpers/in-process.js';
import { tallyInPty } from '../helpers/pty.js';
import { sandboxEnv, tally, tempConfigDir } from '../helpers/tally.js';

const PROVIDERS = ['conduit', 'account-api', 'bytespike', 'conflux', 'indigenius'];
const MOVEMENT_KEYS = ['purchase', 'usage', 'refund', 'credit', 'debit', 'adjustment', 'subscription', 'consumption'];
const END = new Date('2026-12-05T10:00:00Z');

interface EntryJson {
  id: string;
  createdAt: string;
  type: string;
  amount: string;
  balanceAfter: string | null;
  unit: string;
}

interface StatementJson {
  profile: string | null;
  provider: string;
  unit: string | null;
  from: string | null;
  to: string | null;
  zone: string;
  opening: string | null;
  movements: Record<string, string> | null;
  closing: string | null;
  entries: number;
  ok: boolean;
  difference: string | null;
  error?: { code: number; message: string };
}

const dec = (text: string | null | undefined) => Decimal.parse(text ?? 'NaN');
/** Two amounts as equal decimals, named in the failure. */
const same = (actual: string | null, expected: Decimal, what: string) =>
  expect(dec(actual).eq(expected), `${what}: ${actual} ≠ ${expected.toString()}`).toBe(true);

let sandbox: Sandbox;
beforeAll(async () => {
  // 2000 entries an hour apart end on 5 December: September to December, November whole, with history before it
  sandbox = await startSandbox({ port: 0, entries: 2000, end: END });
});
afterAll(() => sandbox.close());

const run = (args: string[], env: Record<string, string>, now = END) => tallyInProcess(args, { env, now });

async function statementJson(args: string[], env: Record<string, string>): Promise<{ code: number; json: StatementJson; stderr: string }> {
  const r = await run(['--json', 'statement', ...args], env);
  return { code: r.exitCode, json: JSON.parse(r.stdout) as StatementJson, stderr: r.stderr };
}

async function exported(args: string[], env: Record<string, string>): Promise<EntryJson[]> {
  const r = await run(['ledger', 'export', '--ndjson', ...args], env);
  expect(r.exitCode, r.stderr).toBe(0);
  return r.stdout === '' ? [] : r.stdout.split('\n').map((line) => JSON.parse(line) as EntryJson);
}

describe("a clean account's statement is the sum of its exported entries", () => {
  it.each(PROVIDERS)(
    '%s: --month 2026-11 opens at the last balance before November and adds up to the NDJSON export of November',
    async (provider) => {
      const env = sandboxEnv(sandbox, provider);
      const { code, json, stderr } = await statementJson(['--month', '2026-11'], env);
      expect(code, stderr).toBe(0);

      const entries = await exported(['--month', '2026-11'], env); // newest first
      const [before] = JSON.parse(
        (await run(['ledger', 'list', '--until', '2026-11-01', '--limit', '1', '--json'], env)).stdout,
      ) as EntryJson[];
      expect(entries.length).toBeGreaterThan(500);
      const oldest = entries.at(-1) as EntryJson;
      const newest = entries[0] as EntryJson;
      const purchasesOnly = provider === 'conflux';

      // the test's own sums: amounts by type, and conflux's drops between purchases, from the one before November on
      const sums = new Map(MOVEMENT_KEYS.map((k) => [k, Decimal.ZERO]));
      for (const e of entries) sums.set(e.type, (sums.get(e.type) as Decimal).add(dec(e.amount)));
      if (purchasesOnly) {
        let previous = dec(before?.balanceAfter);
        let consumed = Decimal.ZERO;
        for (const e of [...entries].reverse()) {
          consumed = consumed.add(previous.add(dec(e.amount)).sub(dec(e.balanceAfter)));
          previous = dec(e.balanceAfter);
        }
        expect(consumed.isNegative()).toBe(false);
        sums.set('consumption', consumed.neg());
      }
      const opening = dec(before?.balanceAfter);
      // a clean ledger: the balance carried in is the one November's first entry started from, unless
      // consumption came between them (conflux)
      if (!purchasesOnly) same(opening.toString(), dec(oldest.balanceAfter).sub(dec(oldest.amount)), 'carried = first − amount');

      expect(json).toMatchObject({
        profile: null,
        provider,
        unit: newest.unit,
        from: '2026-11-01T00:00:00.000Z',
        to: '2026-12-01T00:00:00.000Z',
        zone: 'UTC',
        entries: entries.length,
        ok: true,
      });
      same(json.opening, opening, 'opening');
      same(json.closing, dec(newest.balanceAfter), 'closing');
      for (const k of MOVEMENT_KEYS) same(json.movements?.[k] ?? null, sums.get(k) as Decimal, k);
      same(json.difference, Decimal.ZERO, 'difference');
      const total = [...sums.values()].reduce((a, b) => a.add(b), Decimal.ZERO);
      same(json.closing, opening.add(total), 'opening + Σ movements');
    },
  );

  it('gives the JSON fields in the order SPEC §8 names them, amounts as decimal strings', async () => {
    const { json } = await statementJson(['--month', '2026-11'], sandboxEnv(sandbox, 'bytespike'));
    expect(Object.keys(json)).toEqual([
      'profile',
      'provider',
      'unit',
      'from',
      'to',
      'zone',
      'opening',
      'movements',
      'closing',
      'entries',
      'ok',
      'difference',
    ]);
    expect(Object.keys(json.movements ?? {})).toEqual(MOVEMENT_KEYS);
    for (const v of [json.opening, json.closing, json.difference, ...Object.values(json.movements ?? {})])
      expect(v).toMatch(/^-?\d+\.\d{2}$/);
  });

  it('says when the period has not ended, so its closing is the balance so far, not a closing', async () => {
    const env = sandboxEnv(sandbox, 'conduit');
    const note = 'note: the period has not ended: its closing is the balance so far';
    for (const args of [
      ['--month', '2026-12'],
      ['--since', '2026-11-30'],
    ]) {
      const r = await run(['statement', ...args], env);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stderr.split('\n')).toContain(note);
    }
    const ended = await run(['statement', '--month', '2026-11'], env);
    expect(ended.stderr).not.toContain('has not ended');
    const all = await tallyInProcess(['statement', '--all', '--month', '2026-12'], {
      env: { ...env, TALLY_CONFIG_DIR: join(tmpdir(), 'tally-test-no-config') },
      now: END,
    });
    expect(all.stderr.split('\n')).toContain(note);
  });

  it('without a period states the last complete month in UTC, and says so', async () => {
    const env = sandboxEnv(sandbox, 'conduit');
    const plain = await run(['statement'], env);
    const month = await run(['statement', '--month', '2026-11'], env);
    expect(plain.exitCode, plain.stderr).toBe(0);
    expect(plain.stdout).toBe(month.stdout);
    expect(plain.stderr.split('\n')[0]).toBe(month.stderr.split('\n')[0]);
    expect(plain.stderr.split('\n')[0]).toMatch(
      /^conduit: statement of 2026-11, 2026-11-01 00:00:00 → 2026-12-01 00:00:00 \(UTC\): \d+ entries, rolls forward$/,
    );
    expect(plain.stderr).toContain(
      'note: no period given: the last complete month in UTC; choose another with --month, or --since and --until',
    );
    expect(month.stderr).not.toContain('no period given');
  });

  it('prints line items, opening to closing, tab-separated on a pipe, with the summary on stderr', async () => {
    const r = await run(['statement', '--month', '2026-11'], sandboxEnv(sandbox, 'indigenius'));
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.split('\n').map((l) => l.split('\t'));
    expect(lines.map((l) => l[0])).toEqual(['ITEM', 'opening', 'credit', 'debit', 'closing']);
    expect(lines[0]).toEqual(['ITEM', 'AMOUNT (USD)']);
    expect(r.stderr).toMatch(
      /^note: the opening is the balance after \w+ \(2026-10-31 \d\d:\d\d:\d\d UTC\), the last entry before the period$/m,
    );
  });

  it('with --csv writes one row with the same fields flattened', async () => {
    const env = sandboxEnv(sandbox, 'conflux');
    const { json } = await statementJson(['--month', '2026-11'], env);
    const r = await tallyInProcess(['statement', '--month', '2026-11', '--csv'], { env, now: END, stripFinalNewline: false });
    expect(r.exitCode).toBe(0);
    const m = json.movements as Record<string, string>;
    expect(r.stdout).toBe(
      'profile,provider,unit,from,to,zone,opening,purchase,usage,refund,credit,debit,adjustment,subscription,consumption,closing,entries,ok,difference,error\r\n' +
        `,conflux,credits,2026-11-01T00:00:00.000Z,2026-12-01T00:00:00.000Z,UTC,${json.opening},${MOVEMENT_KEYS.map((k) => m[k]).join(',')},${json.closing},${json.entries},true,0,\r\n`,
    );
  });

  it('of a month before the ledger began has no balances to state, and says so (exit 0)', async () => {
    const env = sandboxEnv(sandbox, 'conduit');
    const { code, json } = await statementJson(['--month', '2026-01'], env);
    expect(code).toBe(0);
    // no entry tells the unit either: the zero is written as it is
    expect(json).toMatchObject({ unit: null, opening: null, closing: null, entries: 0, ok: true, difference: '0' });
    const r = await run(['statement', '--month', '2026-01'], env);
    expect(r.stderr.split('\n')).toContain('note: the ledger has no entry in the period or before it: there is no balance to state');
  });

  it('runs from the built binary', async () => {
    const r = await tally(['statement', '--month', '2026-11', '--json'], { env: sandboxEnv(sandbox, 'bytespike') });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ provider: 'bytespike', ok: true, entries: 720 });
  });
});

describe('a statement that does not roll forward exits 1 and names the difference', () => {
  const PLANTED: Record<string, string> = { conduit: '0.07', 'account-api': '-0.10', bytespike: '5.00', indigenius: '0.25' };

  it.each(Object.entries(PLANTED))('%s bad: the month of the planted break differs by %s', async (provider, delta) => {
    const env = sandboxEnv(sandbox, provider, 'bad');
    // where the break is, by reconcile
    const issues = (
      JSON.parse((await run(['--json', 'reconcile'], env)).stdout) as { issues: Array<{ kind: string; createdAt: string; delta: string }> }
    ).issues;
    const planted = issues.find((i) => i.kind === 'chain_break');
    expect(planted?.delta).toBe(delta);
    const month = (planted?.createdAt ?? '').slice(0, 7);

    const { code, json, stderr } = await statementJson(['--month', month], env);
    expect(code).toBe(1);
    expect(json).toMatchObject({ ok: false, difference: delta });
    const moved = Object.values(json.movements ?? {}).reduce((s, v) => s.add(dec(v)), Decimal.ZERO);
    const unit = json.unit as string;
    const opened = dec(json.opening).add(moved);
    const [y, mo] = month.split('-').map(Number) as [number, number];
    const next = mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
    const span = `${month}-01 00:00:00 → ${next}-01 00:00:00 (UTC)`;
    const fmt = (d: Decimal) => d.toString(2);
    expect(stderr.split('\n').slice(-2)).toEqual([
      `tally: ${provider}: the statement of ${month}, ${span} does not roll forward: opening ${json.opening} + movements ${fmt(moved)} = ${fmt(opened)} ${unit}, closing ${json.closing} ${unit} (difference ${delta})`,
      `  find the entry with: tally reconcile --since ${month}-01T00:00:00.000Z --until ${next}-01T00:00:00.000Z`,
    ]);
  });

  it('with -q leaves the difference to the data: the line items with their difference row, exit 1, nothing on stderr', async () => {
    const r = await run(['-q', 'statement', '--month', '2026-11'], sandboxEnv(sandbox, 'bytespike', 'bad'));
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n').at(-1)).toBe('difference\t5.00');
  });

  it('a break at the very start of the period fails it, though the period alone adds up: the opening is the balance carried in', async () => {
    const env = sandboxEnv(sandbox, 'bytespike', 'bad');
    const issues = (
      JSON.parse((await run(['--json', 'reconcile'], env)).stdout) as {
        issues: Array<{ kind: string; entryId: string; previousId: string; createdAt: string }>;
      }
    ).issues;
    const planted = issues.find((i) => i.kind === 'chain_break')!;
    // the period starts at the broken entry: every entry in it follows it, and only the boundary is wrong
    const args = ['--since', planted.createdAt, '--until', '2026-12-01'];
    const inPeriod = await exported(args, env);
    const oldest = inPeriod.at(-1)!;
    expect(oldest.id).toBe(planted.entryId);
    const [before] = JSON.parse(
      (await run(['ledger', 'list', '--until', planted.createdAt, '--limit', '1', '--json'], env)).stdout,
    ) as EntryJson[];
    expect(before?.id).toBe(planted.previousId);

    const { code, json, stderr } = await statementJson(args, env);
    expect(code).toBe(1);
    same(json.opening, dec(before?.balanceAfter), 'opening = the balance carried in');
    expect(json).toMatchObject({ ok: false, difference: '5.00' });
    const startedFrom = dec(oldest.balanceAfter).sub(dec(oldest.amount)).toString(2);
    expect(stderr.split('\n').at(-1)).toBe(
      `  the break is at the period's start: entry ${planted.entryId} (${planted.createdAt.slice(0, 10)} ${planted.createdAt.slice(11, 19)} UTC) starts from ${startedFrom} USD, but ${planted.previousId} before it left ${before?.balanceAfter} USD`,
    );

    // a period starting one millisecond later has the broken entry as its carried balance, and holds
    const later = new Date(Date.parse(planted.createdAt) + 1).toISOString();
    expect((await statementJson(['--since', later, '--until', '2026-12-01'], env)).json).toMatchObject({ ok: true, difference: '0.00' });
  });

  /** A conflux history of the test's own: purchases oldest first as [created_at, amount, balance_after]. */
  function confluxServer(purchases: Array<[string, number, number]>) {
    return (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
      res.setHeader('content-type', 'application/json');
      if (req.url?.startsWith('/v1/billing/history')) {
        const data = purchases
          .map(([at, amount, balance], i) => ({ id: `tx_${i}`, amount, balance_after: balance, created_at: at }))
          .reverse();
        res.end(JSON.stringify({ data }));
      } else res.end(JSON.stringify({ balance: 0, total_purchased: 0, total_consumed: 0 }));
    };
  }
  const confluxEnv = (url: string) => ({ TALLY_PROVIDER: 'conflux', TALLY_BASE_URL: url, TALLY_API_KEY: 'sk-test-conflux' });

  it('conflux: consumption is the drop between purchases, the one from the last purchase before the period included', async () => {
    const history: Array<[string, number, number]> = [
      ['2026-10-10T00:00:00Z', 1000, 1000],
      ['2026-11-05T00:00:00Z', 500, 1300], // 200 consumed since the October purchase
      ['2026-11-20T00:00:00Z', 500, 1750], // 50 consumed
      ['2026-12-02T00:00:00Z', 500, 2000], // 250 consumed, shown in December
    ];
    await withHttpServer(confluxServer(history), async (url) => {
      const { code, json } = await statementJson(['--month', '2026-11'], confluxEnv(url));
      expect(code).toBe(0);
      expect(json).toMatchObject({ opening: '1000', closing: '1750', entries: 2, ok: true, difference: '0' });
      expect(json.movements).toMatchObject({ purchase: '1000', consumption: '-250' });
    });
  });

  it('conflux: a balance that rises between purchases is a break no consumption explains (exit 1), at the start of the period too', async () => {
    const inside: Array<[string, number, number]> = [
      ['2026-10-10T00:00:00Z', 1000, 1000],
      ['2026-11-05T00:00:00Z', 500, 1300],
      ['2026-11-20T00:00:00Z', 500, 1900], // 1300 + 500 = 1800: 100 appeared from nowhere
    ];
    await withHttpServer(confluxServer(inside), async (url) => {
      const { code, json, stderr } = await statementJson(['--month', '2026-11'], confluxEnv(url));
      expect(code).toBe(1);
      expect(json).toMatchObject({ opening: '1000', closing: '1900', ok: false, difference: '100' });
      expect(json.movements).toMatchObject({ purchase: '1000', consumption: '-200' });
      expect(stderr).toContain('does not roll forward: opening 1000 + movements 800 = 1800 credits, closing 1900 credits (difference 100)');
    });
    const atStart: Array<[string, number, number]> = [
      ['2026-10-10T00:00:00Z', 1000, 1000],
      ['2026-11-05T00:00:00Z', 500, 1600], // 1000 + 500 = 1500: a rise across the boundary
    ];
    await withHttpServer(confluxServer(atStart), async (url) => {
      const { code, json, stderr } = await statementJson(['--month', '2026-11'], confluxEnv(url));
      expect(code).toBe(1);
      expect(json).toMatchObject({ opening: '1000', closing: '1600', ok: false, difference: '100' });
      expect(stderr.split('\n').at(-1)).toBe(
        "  the break is at the period's start: entry tx_1 (2026-11-05 00:00:00 UTC) starts from 1100 credits, but tx_0 before it left 1000 credits",
      );
    });
  });
});

describe('--month in --tz runs from local midnight to local midnight', () => {
  let edge: Sandbox;
  beforeAll(async () => {
    // the newest entry is at the end itself: 2026-10-31T23:30Z, which is 1 November 00:30 in Berlin
    edge = await startSandbox({ port: 0, entries: 250, end: new Date('2026-10-31T23:30:00Z') });
  });
  afterAll(() => edge.close());

  it('an entry at 2026-10-31T23:30Z is in November in Berlin, and in October in UTC', async () => {
    const env = sandboxEnv(edge, 'bytespike');
    const [newest, previous] = JSON.parse((await run(['ledger', 'list', '--limit', '2', '--json'], env)).stdout) as EntryJson[];
    expect(newest?.createdAt).toBe('2026-10-31T23:30:00.000Z');

    const berlin = await statementJson(['--month', '2026-11', '--tz', 'Europe/Berlin'], env);
    expect(berlin.code).toBe(0);
    expect(berlin.json).toMatchObject({
      from: '2026-10-31T23:00:00.000Z',
      to: '2026-11-30T23:00:00.000Z',
      zone: 'Europe/Berlin',
      entries: 1,
      ok: true,
    });
    same(berlin.json.opening, dec(previous?.balanceAfter), 'Berlin November opening');
    same(berlin.json.closing, dec(newest?.balanceAfter), 'Berlin November closing');

    // November in UTC has no entry yet: it still opens and closes at the balance carried in
    const utc = await statementJson(['--month', '2026-11'], env);
    expect(utc.json).toMatchObject({ from: '2026-11-01T00:00:00.000Z', zone: 'UTC', entries: 0, ok: true, difference: '0.00' });
    same(utc.json.opening, dec(newest?.balanceAfter), 'UTC November opening');
    same(utc.json.closing, dec(newest?.balanceAfter), 'UTC November closing');

    // October in Berlin ends before it (and began at 22:00Z, in summer time)
    const october = await statementJson(['--month', '2026-10', '--tz', 'Europe/Berlin'], env);
    expect(october.json).toMatchObject({ from: '2026-09-30T22:00:00.000Z', to: '2026-10-31T23:00:00.000Z', ok: true });
    same(october.json.closing, dec(previous?.balanceAfter), 'Berlin October closing');
    const octoberUtc = await statementJson(['--month', '2026-10'], env);
    expect(octoberUtc.json.entries).toBe(
      october.json.entries + 1 - (await exported(['--since', '2026-09-30T22:00:00Z', '--until', '2026-10-01T00:00:00Z'], env)).length,
    );
  });

  it('names the zone in the summary line, the period in local time', async () => {
    const r = await run(['--tz', 'Europe/Berlin', 'statement', '--month', '2026-11'], sandboxEnv(edge, 'bytespike'));
    expect(r.stderr.split('\n')[0]).toBe(
      'bytespike: statement of 2026-11, 2026-11-01 00:00:00 → 2026-12-01 00:00:00 (Europe/Berlin): 1 entry, rolls forward',
    );
  });
});

describe('statement --all', () => {
  let cfg: { dir: string; cleanup: () => void };
  const add = async (name: string, provider: string, account: string) => {
    const r = await tallyInProcess(
      ['profiles', 'add', name, '--provider', provider, '--base-url', sandbox.baseUrl(provider), '--key-stdin', '--no-verify'],
      { configDir: cfg.dir, input: sandbox.key(provider, account) },
    );
    expect(r.exitCode, r.stderr).toBe(0);
  };
  beforeAll(async () => {
    cfg = tempConfigDir();
    await add('work', 'conduit', 'ok');
    await add('spike', 'bytespike', 'ok');
    await add('cx', 'conflux', 'ok');
    await add('gone', 'indigenius', 'revoked');
  });
  afterAll(() => cfg.cleanup());
  const all = (args: string[]) => tallyInProcess(['statement', '--all', '--month', '2026-11', ...args], { configDir: cfg.dir, now: END });

  it('gives every profile a row, a refused one its error (exit 3), and a total row per unit', async () => {
    const json = JSON.parse((await all(['--json'])).stdout) as StatementJson[];
    expect(json.map((s) => [s.profile, s.provider, s.ok])).toEqual([
      ['work', 'conduit', true],
      ['spike', 'bytespike', true],
      ['cx', 'conflux', true],
      ['gone', 'indigenius', false],
    ]);
    expect(json[3]).toMatchObject({ unit: null, opening: null, movements: null, entries: 0, error: { code: 3 } });

    const r = await all([]);
    expect(r.exitCode).toBe(3);
    const rows = r.stdout.split('\n').map((l) => l.split('\t'));
    const header = rows[0] as string[];
    expect(header).toEqual([
      'PROFILE',
      'PROVIDER',
      'UNIT',
      'OPENING',
      'PURCHASE',
      'USAGE',
      'REFUND',
      'CREDIT',
      'DEBIT',
      'ADJUSTMENT',
      'SUBSCRIPTION',
      'CONSUMPTION',
      'CLOSING',
      'ENTRIES',
      'RESULT',
    ]);
    const col = (row: string[], name: string) => row[header.indexOf(name)] as string;
    expect(rows.map((row) => row[0])).toEqual(['PROFILE', 'work', 'spike', 'cx', 'gone', '(total)', '(total)']);
    expect(col(rows[4] as string[], 'RESULT')).toMatch(/^error: indigenius \(profile gone\) refused the key \(401\)/);
    const usd = rows[5] as string[];
    const credits = rows[6] as string[];
    expect([col(usd, 'UNIT'), col(credits, 'UNIT')]).toEqual(['USD', 'credits']);
    const [work, spike, cx] = json as [StatementJson, StatementJson, StatementJson];
    same(col(usd, 'OPENING'), dec(work.opening).add(dec(spike.opening)), 'USD opening total');
    same(col(usd, 'CLOSING'), dec(work.closing).add(dec(spike.closing)), 'USD closing total');
    same(col(usd, 'PURCHASE'), dec(work.movements?.purchase).add(dec(spike.movements?.purchase)), 'USD purchase total');
    expect(col(usd, 'ENTRIES')).toBe(String(work.entries + spike.entries));
    expect(col(usd, 'RESULT')).toBe('2 profiles');
    same(col(credits, 'CLOSING'), dec(cx.closing), 'credits closing total');
    expect(r.stderr.split('\n')[0]).toBe(
      'statements of 2026-11, 2026-11-01 00:00:00 → 2026-12-01 00:00:00 (UTC): 4 profiles, 3 roll forward, 1 failed',
    );
  });

  it.each([100, 200])('in a terminal %i columns wide fits, the movements by type where they all fit, else as one sum', async (columns) => {
    const run = tallyInPty(['statement', '--all', '--month', '2026-11'], { columns, rows: 40, configDir: cfg.dir });
    expect((await run.exited).exitCode).toBe(3);
    const lines = run
      .screen()
      .split('\n')
      .filter((l) => /^[┌│└]/.test(l));
    for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(columns);
    const header = (lines[1] as string)
      .split('│')
      .map((c) => c.trim())
      .filter(Boolean);
    const kept = ['PROFILE', 'UNIT', 'OPENING', 'MOVEMENTS', 'CLOSING', 'RESULT'];
    // the provider and the count come back where there is room for them
    if (columns === 100) expect(header.filter((h) => h !== 'PROVIDER' && h !== 'ENTRIES')).toEqual(kept);
    // every movement a profile here can have (no adjustment: account-api is not among them)
    else
      expect(header).toEqual([
        'PROFILE',
        'PROVIDER',
        'UNIT',
        'OPENING',
        'PURCHASE',
        'USAGE',
        'REFUND',
        'CREDIT',
        'DEBIT',
        'SUBSCRIPTION',
        'CONSUMPTION',
        'CLOSING',
        'ENTRIES',
        'RESULT',
      ]);
    const json = JSON.parse((await all(['--json'])).stdout) as StatementJson[];
    const work = lines.find((l) => l.startsWith('│ work '));
    const moved = Object.values(json[0]?.movements ?? {}).reduce((a, v) => a.add(dec(v)), Decimal.ZERO);
    expect(work).toContain(` ${json[0]?.opening} `);
    expect(work).toContain(columns === 100 ? ` ${moved.toString(2)} ` : ` ${json[0]?.movements?.usage} `);
    expect(lines.filter((l) => l.startsWith('│ (total) '))).toHaveLength(2);
  });

  it('with --csv writes a row per profile, the refused one with its error', async () => {
    const r = await all(['--csv']);
    expect(r.exitCode).toBe(3);
    const lines = r.stdout.split('\r\n');
    expect(lines).toHaveLength(5);
    expect(lines.map((l) => l.split(',')[0])).toEqual(['profile', 'work', 'spike', 'cx', 'gone']);
    expect(lines[4]).toMatch(
      /^gone,indigenius,,2026-11-01T00:00:00.000Z,2026-12-01T00:00:00.000Z,UTC,,,,,,,,,,,0,false,,indigenius \(profile gone\) refused the key/,
    );
    expect(r.stderr).toMatch(/^tally: gone: indigenius \(profile gone\) refused the key \(401\)/m);
  });

  it('a profile that does not roll forward exits 1 and is named, after any profile that failed outright', async () => {
    await add('broken', 'bytespike', 'bad');
    try {
      const r = await all([]);
      expect(r.exitCode).toBe(3);
      expect(r.stderr).toContain(
        'tally: bytespike (profile broken): the statement of 2026-11, 2026-11-01 00:00:00 → 2026-12-01 00:00:00 (UTC) does not roll forward',
      );
      expect(r.stderr).toContain(
        '  find the entry with: tally -p broken reconcile --since 2026-11-01T00:00:00.000Z --until 2026-12-01T00:00:00.000Z',
      );
      await tallyInProcess(['profiles', 'remove', 'gone'], { configDir: cfg.dir });
      const without = await all([]);
      expect(without.exitCode).toBe(1);
      expect(without.stdout).toMatch(/^broken\tbytespike\tUSD\t.*\tdifference 5\.00$/m);
      expect(without.stdout).toMatch(/^\(total\)\t\tUSD\t.*\t3 profiles, not all roll forward$/m);
    } finally {
      await tallyInProcess(['profiles', 'remove', 'broken'], { configDir: cfg.dir });
      await add('gone', 'indigenius', 'revoked');
    }
  });

  it('names the profile in a warning of an entry listed twice, as ledger export --all does', async () => {
    await add('twice', 'bytespike', 'bad');
    try {
      // the whole ledger: the duplicate is wherever the sandbox planted it
      const r = await tallyInProcess(['statement', '--all', '--since', '2020-01-01', '--until', '2027-01-01'], {
        configDir: cfg.dir,
        now: END,
      });
      expect(r.stderr).toMatch(/^tally: warning: twice: entry \S+ is listed twice by the provider; it is kept once$/m);
      expect(r.stderr).not.toMatch(/^tally: warning: entry /m);
    } finally {
      await tallyInProcess(['profiles', 'remove', 'twice'], { configDir: cfg.dir });
    }
  });
});

describe('statement refuses what it cannot state (exit 2)', () => {
  const usage = (message: string, hint?: string) => `tally: ${message}${hint ? `\n  ${hint}` : ''}`;
  it.each([
    [
      ['--month', '2026-13'],
      usage('--month "2026-13" is not a month: months run from 01 to 12', 'give a year and a month, such as --month 2026-11'),
    ],
    [['--month', '2026-1'], usage('--month "2026-1" is not a month', 'give a year and a month, such as --month 2026-11')],
    [['--month', '26-11'], usage('--month "26-11" is not a month', 'give a year and a month, such as --month 2026-11')],
    [['--month', '2026-11-01'], usage('--month "2026-11-01" is not a month', 'give a year and a month, such as --month 2026-11')],
    [
      ['--month', '2026-11', '--since', '2026-11-01'],
      usage('--month is a whole period; it does not go with --since or --until', 'use --month 2026-11, or --since and --until'),
    ],
    [
      ['--month', '2026-11', '--until', '2026-12-01'],
      usage('--month is a whole period; it does not go with --since or --until', 'use --month 2026-11, or --since and --until'),
    ],
    [['--csv', '--json'], usage('choose one format, not --csv and --json')],
    [
      ['--since', '2026-12-01', '--until', '2026-11-01'],
      usage('--since (2026-12-01T00:00:00.000Z) must be before --until (2026-11-01T00:00:00.000Z)'),
    ],
    [
      ['--tz', 'Mars/Olympus'],
      usage('--tz "Mars/Olympus" is not a time zone', 'give an IANA zone such as UTC, Europe/Paris or America/New_York'),
    ],
  ])('statement %j', async (args, stderr) => {
    const r = await run(['statement', ...args], sandboxEnv(sandbox, 'conduit'));
    expect({ code: r.exitCode, stderr: r.stderr }).toEqual({ code: 2, stderr });
  });
});
