// `tally balance` end to end against the sandbox: every bad input with its exit code, and the happy paths.
// Commands run in process (test/helpers/in-process.ts: the same parsing, errors and exit codes as the binary,
// output through the io twin) over real sockets; what needs a process of its own (a signal, a closing
// connection seen from outside) runs the built binary.
import type { RequestListener } from 'node:http';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal, minFractionFor } from '../../src/core/money.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { withHttpServer } from '../helpers/http.js';
import { tallyInProcess as tally } from '../helpers/in-process.js';
import { sandboxEnv } from '../helpers/tally.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 1, entries: 250 });
});
afterAll(() => sandbox.close());

/** A fresh sandbox with faults, for one test. */
async function withFaults<T>(faults: string, fn: (s: Sandbox) => Promise<T>): Promise<T> {
  const s = await startSandbox({ port: 0, seed: 1, entries: 50, faults });
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

describe('balance: configuration errors (exit 2)', () => {
  it('exits 2 when no key is given', async () => {
    const r = await tally(['balance'], { env: { TALLY_PROVIDER: 'conduit', TALLY_BASE_URL: sandbox.baseUrl('conduit') } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('no API key for conduit');
    expect(r.stderr).toContain('TALLY_API_KEY');
  });

  it('exits 2 on a malformed base URL', async () => {
    const r = await tally(['balance', '--base-url', 'htp//nope'], { env: sandboxEnv(sandbox, 'conduit') });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--base-url "htp//nope" is not a URL');
  });

  it('refuses plain http to a remote host before sending anything (exit 2)', async () => {
    const r = await tally(['balance', '--base-url', 'http://conduit.im'], { env: sandboxEnv(sandbox, 'conduit') });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('refusing to send credentials over plain http to conduit.im');
  });

  it('exits 2 for account-api without a base URL', async () => {
    const r = await tally(['balance', '--provider', 'account-api'], { env: { TALLY_API_KEY: 'k-1234567890123' } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('account-api has no default base URL');
  });

  it('exits 2 on a --min that is not an amount', async () => {
    const r = await tally(['balance', '--min', 'ten'], { env: sandboxEnv(sandbox, 'conduit') });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--min "ten" is not an amount');
  });
});

describe('balance on each provider', () => {
  it.each(['conduit', 'account-api', 'bytespike', 'conflux', 'indigenius'])(
    'prints %s balance as JSON with decimal strings',
    async (id) => {
      const r = await tally(['balance', '--json'], { env: sandboxEnv(sandbox, id) });
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      const b = JSON.parse(r.stdout) as Record<string, unknown>;
      expect(Object.keys(b)).toEqual([
        'profile',
        'provider',
        'unit',
        'balance',
        'available',
        'reserved',
        'asOf',
        'burnPerDay',
        'runwayDays',
        'source',
      ]);
      expect(b.provider).toBe(id);
      expect(b.balance).toMatch(/^-?\d+(\.\d+)?$/);
      expect(typeof b.asOf).toBe('string');
    },
  );

  it('gives conduit in dollars from integer cents, with nulls for what it does not give', async () => {
    const b = JSON.parse((await tally(['balance', '--json'], { env: sandboxEnv(sandbox, 'conduit') })).stdout);
    expect(b).toMatchObject({ unit: 'USD', available: null, reserved: null, source: 'balance endpoint' });
    expect(b.balance).toMatch(/^\d+\.\d{2}$/);
  });

  it('gives account-api available and reserved, and they add up to the balance', async () => {
    const b = JSON.parse((await tally(['balance', '--json'], { env: sandboxEnv(sandbox, 'account-api') })).stdout);
    expect(b.reserved).toBe('12.50');
    const cents = (s: string) => Math.round(Number(s) * 100);
    expect(cents(b.available) + cents(b.reserved)).toBe(cents(b.balance));
  });

  it("labels indigenius' balance as the newest transaction's balance_after", async () => {
    const json = JSON.parse((await tally(['balance', '--json'], { env: sandboxEnv(sandbox, 'indigenius') })).stdout);
    expect(json.source).toBe('newest transaction');
    const table = await tally(['balance'], { env: sandboxEnv(sandbox, 'indigenius') });
    expect(table.stdout).toContain("newest transaction's balance_after");
  });

  it('prints a tab-separated table with one header line when piped', async () => {
    // on a machine in UTC: tables show times in the machine's zone
    const r = await tally(['balance'], { env: { ...sandboxEnv(sandbox, 'bytespike'), TZ: 'UTC' } });
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('PROFILE\tPROVIDER\tBALANCE\tAVAILABLE\tRESERVED\tUNIT\tBURN/DAY\tRUNWAY\tAS OF (UTC)\tNOTE');
    expect(lines).toHaveLength(2);
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('exits 1 with --min when the balance is below it, 0 when at or above', async () => {
    const env = sandboxEnv(sandbox, 'conflux');
    const b = JSON.parse((await tally(['balance', '--json'], { env })).stdout);
    const low = await tally(['balance', '--min', String(Number(b.balance) + 1)], { env });
    expect(low.exitCode).toBe(1);
    expect(low.stderr).toContain('is below --min');
    const at = await tally(['balance', '--min', b.balance], { env });
    expect(at.exitCode).toBe(0);
    // -q leaves out the table, not the line that says which balance failed the check and against what
    const quiet = await tally(['balance', '-q', '--min', '999999999999'], { env });
    expect(quiet).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: `tally: conflux: ${b.available ?? b.balance} ${b.unit} is below --min 999999999999`,
    });
  });
});

/** The clock the runway tests run at: an hour after the account's newest entry, whenever the sandbox ends. */
async function clockAfterNewest(env: Record<string, string>): Promise<Date> {
  const [newest] = JSON.parse((await tally(['ledger', 'list', '--json', '--limit', '1'], { env })).stdout) as Array<{ createdAt: string }>;
  return new Date(Date.parse(newest?.createdAt ?? '') + 3_600_000);
}

interface ExportedEntry {
  createdAt: string;
  type: string;
  amount: string;
  balanceAfter: string | null;
}

/** Every entry of the account, newest first, read the way a user would (ledger export). */
async function entriesOf(env: Record<string, string>, now: Date): Promise<ExportedEntry[]> {
  const r = await tally(['ledger', 'export', '--json'], { env, now });
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as ExportedEntry[];
}

const DAY = 86_400_000n;

/** a/b rounded half away from zero (a, b > 0 here). */
const roundDiv = (a: bigint, b: bigint) => (a * 2n + b) / (2n * b);

/** What the test expects: spent over spanMs, per day at the spending's decimals, and the runway floored to 0.1 day. */
function expected(spent: Decimal, spanMs: bigint, available: Decimal, unit: string) {
  const scale = Math.max(spent.scale, minFractionFor(unit));
  const perDay = Decimal.of(roundDiv(spent.units * 10n ** BigInt(scale - spent.scale) * DAY, spanMs), scale);
  const tenths = (available.units * 10n ** BigInt(spent.scale) * spanMs * 10n) / (spent.units * 10n ** BigInt(available.scale) * DAY);
  return { burnPerDay: perDay.toString(minFractionFor(unit)), runwayDays: Number(tenths) / 10 };
}

describe('balance: burn over the last 7 days and the runway at that rate', () => {
  it.each(['conduit', 'account-api', 'bytespike', 'indigenius'])(
    "gives %s's burn as what its spending entries of the last 7 days took out, per day, and the days left at it",
    async (id) => {
      const env = sandboxEnv(sandbox, id);
      const now = await clockAfterNewest(env);
      const since = now.getTime() - 7 * 86_400_000;
      let spent = Decimal.ZERO;
      for (const e of await entriesOf(env, now)) {
        const amount = Decimal.parse(e.amount);
        if (Date.parse(e.createdAt) >= since && ['usage', 'debit', 'subscription'].includes(e.type) && amount.isNegative()) {
          spent = spent.sub(amount);
        }
      }
      expect(spent.isNegative() || spent.units === 0n).toBe(false);
      const r = await tally(['balance', '--json'], { env, now });
      expect(r.exitCode, r.stderr).toBe(0);
      const b = JSON.parse(r.stdout) as Record<string, string | number | null>;
      const available = Decimal.parse(String(b.available ?? b.balance));
      expect({ burnPerDay: b.burnPerDay, runwayDays: b.runwayDays }).toEqual(expected(spent, 7n * DAY, available, String(b.unit)));
    },
  );

  it("gives conflux's burn as the drop since the newest purchase at least 7 days old, over the days since it", async () => {
    const env = sandboxEnv(sandbox, 'conflux');
    const now = await clockAfterNewest(env);
    const entries = await entriesOf(env, now);
    const anchorAt = entries.findIndex((e) => Date.parse(e.createdAt) <= now.getTime() - 7 * 86_400_000);
    expect(anchorAt).toBeGreaterThan(0);
    const anchor = entries[anchorAt] as ExportedEntry;
    const bought = entries.slice(0, anchorAt).reduce((sum, e) => sum.add(Decimal.parse(e.amount)), Decimal.ZERO);
    const r = await tally(['balance', '--json'], { env, now });
    expect(r.exitCode, r.stderr).toBe(0);
    const b = JSON.parse(r.stdout) as Record<string, string | number | null>;
    const balance = Decimal.parse(String(b.balance));
    const consumed = Decimal.parse(String(anchor.balanceAfter)).add(bought).sub(balance);
    const spanMs = BigInt(now.getTime() - Date.parse(anchor.createdAt));
    expect({ burnPerDay: b.burnPerDay, runwayDays: b.runwayDays }).toEqual(expected(consumed, spanMs, balance, 'credits'));
    const table = await tally(['balance'], { env: { ...env, TZ: 'UTC' }, now });
    expect(table.stdout).toContain(`burn since the purchase of ${anchor.createdAt.slice(0, 16).replace('T', ' ')} (UTC)`);
    // a local time in the NOTE carries its zone, as the AS OF header does
    const kolkata = new Date(Date.parse(anchor.createdAt) + 330 * 60_000).toISOString().slice(0, 16).replace('T', ' ');
    const local = await tally(['balance', '--tz', 'Asia/Kolkata'], { env, now });
    expect(local.stdout).toContain(`burn since the purchase of ${kolkata} (Asia/Kolkata)`);
  });

  it('shows BURN/DAY and RUNWAY in the table, the runway in days', async () => {
    const env = sandboxEnv(sandbox, 'conduit');
    const now = await clockAfterNewest(env);
    const b = JSON.parse((await tally(['balance', '--json'], { env, now })).stdout) as { burnPerDay: string; runwayDays: number };
    const r = await tally(['balance'], { env: { ...env, TZ: 'UTC' }, now });
    const [header, row] = r.stdout.split('\n').map((l) => l.split('\t'));
    expect(row?.[header?.indexOf('BURN/DAY') ?? -1]).toBe(b.burnPerDay);
    expect(row?.[header?.indexOf('RUNWAY') ?? -1]).toBe(`${b.runwayDays} days`);
  });

  it('gives a burn of zero and no runway (null) when nothing was spent in the last 7 days', async () => {
    const env = sandboxEnv(sandbox, 'conduit');
    const later = new Date((await clockAfterNewest(env)).getTime() + 30 * 86_400_000);
    const r = await tally(['balance', '--json', '--min-days', '100000'], { env, now: later });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ burnPerDay: '0.00', runwayDays: null });
  });

  it('exits 1 with --min-days when the runway is shorter, naming it and the rate; 0 when it is not', async () => {
    const env = sandboxEnv(sandbox, 'indigenius');
    const now = await clockAfterNewest(env);
    const b = JSON.parse((await tally(['balance', '--json'], { env, now })).stdout) as {
      burnPerDay: string;
      runwayDays: number;
      unit: string;
    };
    const longer = String(Math.ceil(b.runwayDays + 1));
    const short = await tally(['balance', '--min-days', longer], { env, now });
    expect(short.exitCode).toBe(1);
    expect(short.stderr).toBe(
      `tally: indigenius: ${b.runwayDays} days of runway at ${b.burnPerDay} ${b.unit}/day is below --min-days ${longer}`,
    );
    const enough = await tally(['balance', '--min-days', String(Math.floor(b.runwayDays))], { env, now });
    expect(enough.exitCode, enough.stderr).toBe(0);
    const quiet = await tally(['balance', '-q', '--min-days', longer], { env, now });
    expect(quiet).toEqual({ exitCode: 1, stdout: '', stderr: short.stderr });
  });

  it('exits 2 on a --min-days that is not a number of days', async () => {
    const r = await tally(['balance', '--min-days', '-3'], { env: sandboxEnv(sandbox, 'conduit') });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('tally: --min-days "-3" is not a number of days\n  such as --min-days 7 or --min-days 2.5');
  });

  /** bytespike whose balance answers and whose ledger answers `status`. */
  const ledgerFails =
    (status: number): RequestListener =>
    (req, res) => {
      const body = req.url?.startsWith('/api/v1/balance')
        ? { balance_usd: 81.4, currency: 'USD' }
        : { error: { type: 'api_error', message: 'ledger unavailable' } };
      res.writeHead(req.url?.startsWith('/api/v1/balance') ? 200 : status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };

  it('still gives the balance when the ledger cannot be read, with no burn or runway (null) and the reason in NOTE', async () => {
    await withHttpServer(ledgerFails(503), async (baseUrl) => {
      const env = { ...sandboxEnv(sandbox, 'bytespike'), TALLY_BASE_URL: baseUrl };
      const r = await tally(['--retries', '0', 'balance', '--json'], { env });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ balance: '81.40', burnPerDay: null, runwayDays: null });
      const table = await tally(['--retries', '0', 'balance'], { env });
      expect(table.stdout).toContain('runway unknown: bytespike: GET /api/v1/me/billing/transactions');
    });
  });

  it.each([
    [503, 4],
    [401, 3],
  ])('exits with the ledger error own code under --min-days when the ledger answers %i (exit %i)', async (status, code) => {
    await withHttpServer(ledgerFails(status), async (baseUrl) => {
      const env = { ...sandboxEnv(sandbox, 'bytespike'), TALLY_BASE_URL: baseUrl };
      const r = await tally(['--retries', '0', 'balance', '--min-days', '7', '-q'], { env });
      expect(r.exitCode).toBe(code);
      expect(r.stderr).toMatch(/^tally: bytespike: no runway to compare with --min-days 7: bytespike\b/);
      expect(r.stderr).toContain(`GET /api/v1/me/billing/transactions`);
    });
  });
});

describe('balance: refused credentials (exit 3)', () => {
  it("exits 3 on a refused key with the provider's own message", async () => {
    const r = await tally(['balance'], { env: sandboxEnv(sandbox, 'bytespike', 'revoked') });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain('refused the key (401)');
    expect(r.stderr).toContain('Missing or revoked API key');
  });

  it('exits 3 on an indigenius key without billing:read, saying which scope', async () => {
    const r = await tally(['balance'], { env: sandboxEnv(sandbox, 'indigenius', 'noscope') });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain('denied access (403)');
    expect(r.stderr).toContain('Missing required scope: billing:read');
    expect(r.stderr).toContain('billing:read');
  });

  it('does not retry a 401', async () => {
    const before = sandbox.requests.get('conduit') ?? 0;
    await tally(['balance'], { env: sandboxEnv(sandbox, 'conduit', 'revoked') });
    expect((sandbox.requests.get('conduit') ?? 0) - before).toBe(1);
  });
});

describe('balance: provider failures (exit 4) and retries', () => {
  it('exits 4 when the connection is refused', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = createServer();
      srv.listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const r = await tally(['balance', '--base-url', `http://127.0.0.1:${port}/conduit`], { env: sandboxEnv(sandbox, 'conduit') });
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toContain('connection refused');
  });

  it('exits 4 on a timeout, saying how long it waited', async () => {
    await withFaults('slow=3000', async (s) => {
      const r = await tally(['balance', '--timeout', '0.5'], { env: sandboxEnv(s, 'conduit') });
      expect(r.exitCode).toBe(4);
      expect(r.stderr).toContain('timed out after 0.5s');
      expect(r.stderr).toContain('--timeout');
    });
  });

  /** A body that stops after its first bytes, and one that trickles in a byte every 100 ms (4.2 s in all). */
  const slowBodies: [string, RequestListener, number][] = [
    [
      'a response that stalls after its headers',
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"balance":'); // and nothing more
      },
      5000,
    ],
    [
      // each byte comes well within undici's per-chunk body timeout: only a deadline on the whole request stops it
      'a body that trickles in past it',
      (_req, res) => {
        const body = `{"balance":1${' '.repeat(40)}}`;
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
        let sent = 0;
        const tick = setInterval(() => {
          res.write(body[sent++] as string);
          if (sent === body.length) {
            clearInterval(tick);
            res.end();
          }
        }, 100);
        res.on('close', () => clearInterval(tick));
      },
      3500,
    ],
  ];

  it.each(slowBodies)('counts the whole body in --timeout: %s exits 4', async (_name, handler, withinMs) => {
    // timed from the request, not from the spawn: on a loaded machine node alone can take seconds to start
    let asked = 0;
    const timed: RequestListener = (req, res) => {
      asked ||= Date.now();
      handler(req, res);
    };
    await withHttpServer(timed, async (baseUrl) => {
      const r = await tally(['balance', '--timeout', '0.5', '--retries', '0', '--base-url', baseUrl], {
        env: sandboxEnv(sandbox, 'conduit'),
      });
      expect(r.exitCode).toBe(4);
      expect(r.stderr).toContain('timed out after 0.5s');
      expect(asked).toBeGreaterThan(0);
      expect(Date.now() - asked).toBeLessThan(withinMs);
    });
  });

  it('traces each response with its size in bytes, not characters (--verbose)', async () => {
    const body = JSON.stringify({ error: { message: 'not here — try elsewhere' } }); // the dash is 3 bytes
    const answer: RequestListener = (_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(body);
    };
    await withHttpServer(answer, async (baseUrl) => {
      const r = await tally(['balance', '-v', '--base-url', baseUrl], { env: sandboxEnv(sandbox, 'conduit') });
      expect(r.exitCode).toBe(4);
      expect(Buffer.byteLength(body)).toBe(body.length + 2);
      expect(r.stderr).toMatch(new RegExp(`< 404 GET \\S+ \\(\\d+ ms, ${Buffer.byteLength(body)} bytes\\)`));
    });
  });

  it('retries a 500 and succeeds (exit 0)', async () => {
    await withFaults('500*1', async (s) => {
      const r = await tally(['balance', '--json'], { env: sandboxEnv(s, 'conduit') });
      expect(r.exitCode).toBe(0);
      // the balance twice; the burn's ledger read after it
      expect(s.requestsByPath.get('conduit /api/billing/balance')).toBe(2);
    });
  });

  it('waits out a 429 Retry-After and succeeds (exit 0)', async () => {
    await withFaults('429*1=1', async (s) => {
      const started = Date.now();
      const r = await tally(['balance', '--json', '-v'], { env: sandboxEnv(s, 'bytespike') });
      expect(r.exitCode).toBe(0);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(r.stderr).toContain('HTTP 429');
      expect(s.requestsByPath.get('bytespike /api/v1/balance')).toBe(2);
    });
  });

  it('fails fast with exit 4 on a Retry-After beyond the cap, saying when to retry', async () => {
    await withFaults('429*1=3600', async (s) => {
      const started = Date.now();
      const r = await tally(['balance'], { env: sandboxEnv(s, 'bytespike') });
      expect(r.exitCode).toBe(4);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(r.stderr).toContain('retry after 3600s');
      expect(r.stderr).toMatch(/try again after \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/);
      expect(s.requests.get('bytespike')).toBe(1);
    });
  });

  it('retries a dropped connection and a body cut off mid-stream', async () => {
    await withFaults('reset*1,truncate*1', async (s) => {
      const r = await tally(['balance', '--json'], { env: sandboxEnv(s, 'conflux') });
      expect(r.exitCode).toBe(0);
      expect(JSON.parse(r.stdout).balance).toMatch(/^\d+$/);
      expect(s.requestsByPath.get('conflux /v1/api-credits')).toBe(3);
    });
  });

  it('gives up with exit 4 after --retries', async () => {
    await withFaults('503', async (s) => {
      const r = await tally(['balance', '--retries', '1'], { env: sandboxEnv(s, 'conduit') });
      expect(r.exitCode).toBe(4);
      expect(r.stderr).toContain('failed after 2 attempts: HTTP 503');
      expect(s.requests.get('conduit')).toBe(2);
    });
  });

  it('exits 4 on a body that is not JSON, naming the endpoint', async () => {
    await withFaults('nonjson*1', async (s) => {
      const r = await tally(['balance'], { env: sandboxEnv(s, 'conduit') });
      expect(r.exitCode).toBe(4);
      expect(r.stderr).toContain('GET /api/billing/balance');
      expect(r.stderr).toContain('is not JSON');
    });
  });

  it('exits 4 on a body of the wrong shape, naming the endpoint and the field', async () => {
    await withFaults('badshape*1', async (s) => {
      const r = await tally(['balance'], { env: sandboxEnv(s, 'bytespike') });
      expect(r.exitCode).toBe(4);
      expect(r.stderr).toContain('unexpected response from GET /api/v1/balance: body.balance_usd should be a number but is missing');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  });
});

describe('balance: interruption', () => {
  it('exits 130 on Ctrl-C', async () => {
    await withFaults('slow=10000', async (s) => {
      const { execa } = await import('execa');
      const { BIN, waitFor } = await import('../helpers/tally.js');
      const child = execa('node', [BIN, 'balance'], { reject: false, env: { ...sandboxEnv(s, 'conduit'), NO_COLOR: '1' } });
      // waiting on the (slow) provider
      await waitFor('the balance request', () => (s.requests.get('conduit') ?? 0) >= 1);
      child.kill('SIGINT');
      const r = await child;
      expect(r.exitCode).toBe(130);
      expect(r.stderr).toContain('interrupted');
    });
  });
});
