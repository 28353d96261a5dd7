// A hostile provider end to end: terminal escapes, huge error bodies, formula units, bad keys, deep metadata, lost text.
// Commands run in process (test/helpers/in-process.ts: the same parsing, errors and exit codes as the binary,
// output through the io twin) over real sockets; what needs a process of its own (a signal, a closing
// connection seen from outside) runs the built binary.
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { answerRoutes, type Routes, withHttpServer } from '../helpers/http.js';
import { tallyInProcess as tally } from '../helpers/in-process.js';
import { BIN, sandboxEnv, tempConfigDir, TEST_TZ } from '../helpers/tally.js';

const KEY = 'sk-hostile-test-key-0001';
const ESC = '\u001b';
/** OSC 52: "set the clipboard to this base64", ended by BEL. */
const OSC52 = `${ESC}]52;c;ZWNobyBwd25lZA==\u0007`;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** A loopback provider answering JSON by path; anything else is a 404. */
const handler = answerRoutes;

function bytespikeLedger(items: Record<string, unknown>[]): Routes {
  return {
    '/api/v1/balance': () => ({ status: 200, body: { balance_usd: 10, currency: 'USD' } }),
    '/api/v1/me/billing/transactions': (url) => {
      const page = Number(url.searchParams.get('page') ?? '1');
      return { status: 200, body: { items: page === 1 ? items : [], total: items.length, page, page_size: 200 } };
    },
  };
}

const spikeEntry = (note: string | null) => ({
  id: 901188,
  created_at: '2026-05-15T08:14:02Z',
  kind: 'admin_credit',
  amount_usd: 5,
  balance_after_usd: 31.4,
  source: { actor: 'ops@bytespike.ai' },
  note,
});

const env = (provider: string, baseUrl: string, key = KEY) => ({ TALLY_PROVIDER: provider, TALLY_BASE_URL: baseUrl, TALLY_API_KEY: key });

describe('terminal escapes from a provider', () => {
  it('strips an OSC 52 sequence from a description in piped ledger list output', async () => {
    await withHttpServer(handler(bytespikeLedger([spikeEntry(`refund ${OSC52}done`)])), async (base) => {
      // on a machine in UTC: tables show times in the machine's zone
      const r = await tally(['ledger', 'list'], { env: { ...env('bytespike', base), TZ: 'UTC' } });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).not.toMatch(CONTROL);
      expect(r.stdout.split('\n')[1]).toBe(
        '2026-05-15 08:14:02\t901188\tcredit (admin_credit)\t5.00\t31.40\tUSD\trefund ]52;c;ZWNobyBwd25lZA==done',
      );
    });
  });

  it('strips an OSC 52 sequence from a description in the boxed table on a terminal', async () => {
    await withHttpServer(handler(bytespikeLedger([spikeEntry(`refund ${OSC52}done`)])), async (base) => {
      // util-linux script(1) gives tally a real terminal; its transcript is what the terminal was sent
      const r = await execa('script', ['-qec', `node ${BIN} ledger list`, '/dev/null'], {
        reject: false,
        extendEnv: false,
        timeout: 25_000,
        env: {
          PATH: process.env.PATH,
          TZ: TEST_TZ,
          NO_COLOR: '1',
          COLUMNS: '160',
          TERM: 'xterm',
          TALLY_CONFIG_DIR: join(tmpdir(), 'tally-test-no-config'),
          ...env('bytespike', base),
        },
      });
      expect(r.exitCode, r.stderr).toBe(0);
      const screen = r.stdout.replace(/\r/g, '');
      expect(screen).toContain('│ refund ]52;c;ZWNobyBwd25lZA==done │');
      expect(screen).not.toMatch(CONTROL);
    });
  });

  it('keeps the description byte for byte in CSV and JSON exports', async () => {
    const note = `refund ${OSC52}done, "quoted"`;
    await withHttpServer(handler(bytespikeLedger([spikeEntry(note)])), async (base) => {
      const csv = await tally(['ledger', 'export'], { env: env('bytespike', base) });
      expect(csv.exitCode, csv.stderr).toBe(0);
      expect(csv.stdout).toContain(`,"refund ${OSC52}done, ""quoted""",`);
      const json = await tally(['ledger', 'export', '--json'], { env: env('bytespike', base) });
      expect(json.exitCode, json.stderr).toBe(0);
      expect(JSON.parse(json.stdout)[0].description).toBe(note);
    });
  });

  it('guards a formula in CSV by default, and --no-formula-guard writes the text as the provider sent it', async () => {
    const note = '=HYPERLINK("http://evil.example","refund")';
    await withHttpServer(handler(bytespikeLedger([spikeEntry(note)])), async (base) => {
      const guarded = await tally(['ledger', 'export'], { env: env('bytespike', base) });
      expect(guarded.exitCode, guarded.stderr).toBe(0);
      expect(guarded.stdout.split('\r\n')[1]).toBe(
        `2026-05-15T08:14:02.000Z,901188,credit,admin_credit,5.00,31.40,USD,"'=HYPERLINK(""http://evil.example"",""refund"")",`,
      );
      const raw = await tally(['ledger', 'export', '--no-formula-guard'], { env: env('bytespike', base) });
      expect(raw.exitCode, raw.stderr).toBe(0);
      expect(raw.stdout.split('\r\n')[1]).toBe(
        `2026-05-15T08:14:02.000Z,901188,credit,admin_credit,5.00,31.40,USD,"=HYPERLINK(""http://evil.example"",""refund"")",`,
      );
    });
  });

  it('refuses --no-formula-guard for a format that has no formulas (exit 2)', async () => {
    const r = await tally(['ledger', 'export', '--ndjson', '--no-formula-guard'], { env: env('bytespike', 'http://127.0.0.1:9') });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('tally: --no-formula-guard applies to CSV only\n  JSON and NDJSON carry text exactly as the provider sent it');
  });

  it('strips ESC[2J from a provider error message', async () => {
    const routes: Routes = {
      '/api/v1/balance': () => ({ status: 400, body: { error: { message: `${ESC}[2J${ESC}[31mpage out of range` } } }),
    };
    await withHttpServer(handler(routes), async (base) => {
      const r = await tally(['balance', '--retries', '0'], { env: env('bytespike', base) });
      expect(r.exitCode).toBe(4);
      expect(r.stderr).toBe('tally: bytespike: GET /api/v1/balance answered HTTP 400: [2J[31mpage out of range');
    });
  });

  it('cuts a 2 MB error message to a few hundred characters and says how large the body was', async () => {
    const message = 'x'.repeat(2 * 1024 * 1024);
    const routes: Routes = { '/api/v1/balance': () => ({ status: 400, body: { error: { message } } }) };
    const bodyBytes = JSON.stringify({ error: { message } }).length;
    await withHttpServer(handler(routes), async (base) => {
      const r = await tally(['balance', '--retries', '0'], { env: env('bytespike', base) });
      expect(r.exitCode).toBe(4);
      expect(r.stderr).toBe(
        `tally: bytespike: GET /api/v1/balance answered HTTP 400: ${'x'.repeat(300)}… (cut; the error body was ${bodyBytes} bytes)`,
      );
    });
  });

  it('cuts a long provider message inside an envelope that says no', async () => {
    const message = `${ESC}[2J${'y'.repeat(100_000)}`;
    const body = { status: false, message, data: [], meta: { totalCount: 0 } };
    const routes: Routes = { '/v1/billing/transactions': () => ({ status: 200, body }) };
    await withHttpServer(handler(routes), async (base) => {
      const r = await tally(['ledger', 'list'], { env: env('indigenius', base) });
      expect(r.exitCode).toBe(4);
      expect(r.stderr).not.toMatch(CONTROL);
      expect(r.stderr.length).toBeLessThan(700);
      expect(r.stderr.split('\n')[0]).toContain(`… (cut; the error body was ${JSON.stringify(body).length} bytes)`);
    });
  });
});

describe('terminal escapes in the error of one profile under --all', () => {
  // a profile whose provider fails with a message that clears the screen and writes the clipboard (OSC 52)
  const down: Routes = {
    '/api/billing/balance': () => ({ status: 400, body: { error: { message: `down ${OSC52}${ESC}[2J now` } } }),
    '/api/billing/ledger': () => ({ status: 400, body: { error: { message: `down ${OSC52}${ESC}[2J now` } } }),
  };

  it.each(
    [
      ['-q', 'balance', '--all'],
      ['balance', '--all'],
      ['--json', 'balance', '--all'],
      ['statement', '--all'],
      ['-q', 'statement', '--all'],
      ['statement', '--all', '--json'],
      ['statement', '--all', '--csv'],
      ['reconcile', '--all'],
      ['-q', 'reconcile', '--all'],
      ['ledger', 'export', '--all'],
    ].map((args) => [args.join(' '), args] as const),
  )('never reach the terminal: %s', async (_, args) => {
    await withHttpServer(handler(down), async (base) => {
      const config = tempConfigDir();
      const profile = { provider: 'conduit', baseUrl: base, key: KEY };
      writeFileSync(join(config.dir, 'config.json'), JSON.stringify({ profiles: { one: profile, two: profile } }));
      try {
        const r = await tally(['--retries', '0', ...args], { configDir: config.dir });
        expect(r.exitCode).toBe(4);
        expect(r.stderr).not.toMatch(CONTROL);
        // a CSV's lines end in CR LF, as RFC 4180 has them
        expect(r.stdout.replaceAll('\r\n', '\n')).not.toMatch(CONTROL);
        // the failure is still said
        expect(`${r.stderr}${r.stdout}`).toContain('HTTP 400: down');
      } finally {
        config.cleanup();
      }
    });
  });
});

describe('an empty ledger whose page size says the entries on the page: 0', () => {
  const empty: Record<string, Routes> = {
    conduit: {
      '/api/billing/balance': () => ({ body: { balanceInCents: 0, balanceInDollars: 0 } }),
      '/api/billing/ledger': () => ({ body: { entries: [], limit: 0, offset: 0, count: 0 } }),
    },
    'account-api': {
      '/auth/account/credits': () => ({ body: { balance: 0, reserved: 0, available: 0, currency: 'USD' } }),
      '/auth/account/ledger': () => ({ body: { data: [], total: 0, limit: 0, offset: 0 } }),
    },
    bytespike: {
      '/api/v1/balance': () => ({ body: { balance_usd: 0, currency: 'USD' } }),
      '/api/v1/me/billing/transactions': () => ({ body: { items: [], total: 0, page: 1, page_size: 0 } }),
    },
    indigenius: {
      '/v1/billing/transactions': () => ({
        body: { status: true, message: 'ok', data: [], meta: { page: 1, pageSize: 0, totalPages: 0, totalCount: 0 } },
      }),
    },
  };

  it.each(Object.keys(empty))('%s: reconcile finds it empty and clean (exit 0), not a response of the wrong shape', async (provider) => {
    await withHttpServer(handler(empty[provider]!), async (base) => {
      const r = await tally(['reconcile', '--json'], { env: env(provider, base) });
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ checked: 0, ok: true, issues: [] });
    });
  });

  it('still refuses a page of entries that says it holds 0 (exit 4)', async () => {
    const routes: Routes = {
      '/api/v1/balance': () => ({ body: { balance_usd: 31.4, currency: 'USD' } }),
      '/api/v1/me/billing/transactions': () => ({ body: { items: [spikeEntry(null)], total: 1, page: 1, page_size: 0 } }),
    };
    await withHttpServer(handler(routes), async (base) => {
      const r = await tally(['reconcile'], { env: env('bytespike', base) });
      expect(r.stderr.split('\n')[0]).toBe(
        'tally: unexpected response from GET /api/v1/me/billing/transactions: body.page_size should be a page size of at least 1 but is 0',
      );
      expect(r.exitCode).toBe(4);
    });
  });
});

describe('a provider that ignores the period it is sent (since, until) or reads its end as inclusive', () => {
  // ten entries two days apart from 2026-01-26: three in January, then one at the very start of February
  // (2026-02-01T00:00:00Z, where an inclusive `until` would take it in) and five more; the API filters nothing
  const START = Date.parse('2026-01-26T00:00:00Z');
  const entries = Array.from({ length: 10 }, (_, i) => ({ i, amount: i % 2 === 0 ? 10 : -1, at: new Date(START + i * 2 * 86_400_000) }));
  let balance = 0;
  const rows = entries.map((e) => ({ ...e, balance: (balance += e.amount) })).reverse();
  const routes: Record<string, Routes> = {
    bytespike: {
      '/api/v1/balance': () => ({ body: { balance_usd: balance, currency: 'USD' } }),
      '/api/v1/me/billing/transactions': (url) => {
        const page = Number(url.searchParams.get('page') ?? '1');
        const items = rows.map((e) => ({
          id: 900_000 + e.i,
          created_at: e.at.toISOString(),
          kind: e.amount > 0 ? 'topup' : 'admin_debit',
          amount_usd: e.amount,
          balance_after_usd: e.balance,
          source: {},
          note: null,
        }));
        return { body: { items: page === 1 ? items : [], total: items.length, page, page_size: 200 } };
      },
      '/api/v1/me/usage': (url) => {
        const page = Number(url.searchParams.get('page') ?? '1');
        const items = rows.map((e) => ({
          id: `u${e.i}`,
          created_at: e.at.toISOString(),
          model: 'gpt-4',
          input_tokens: 100,
          output_tokens: 10,
          cost_usd: 0.25,
          key_id: 'k1',
        }));
        return { body: { items: page === 1 ? items : [], total: items.length, page, page_size: 200 } };
      },
    },
    'account-api': {
      '/auth/account/credits': () => ({ body: { balance, reserved: 0, available: balance, currency: 'USD' } }),
      '/auth/account/ledger': (url) => {
        const offset = Number(url.searchParams.get('offset') ?? '0');
        const data = rows.map((e) => ({
          id: 1000 + e.i,
          type: e.amount > 0 ? 'credit' : 'debit',
          amount: Math.abs(e.amount),
          balance_after: e.balance,
          description: 'x',
          created_at: e.at.toISOString(),
        }));
        return { body: { data: data.slice(offset, offset + 100), total: data.length, limit: 100, offset } };
      },
    },
  };

  it.each(Object.keys(routes))('%s: ledger export --month 2026-01 writes January only', async (provider) => {
    await withHttpServer(handler(routes[provider]!), async (base) => {
      const r = await tally(['ledger', 'export', '--ndjson', '--month', '2026-01'], { env: env(provider, base) });
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      const dates = r.stdout
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { createdAt: string }).createdAt);
      expect(dates).toEqual(['2026-01-30T00:00:00.000Z', '2026-01-28T00:00:00.000Z', '2026-01-26T00:00:00.000Z']);
    });
  });

  it("bytespike: usage of January counts January's calls only", async () => {
    await withHttpServer(handler(routes.bytespike!), async (base) => {
      const r = await tally(['--json', 'usage', '--since', '2026-01-01', '--until', '2026-02-01'], { env: env('bytespike', base) });
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ totals: { requests: 3, cost: '0.75' } });
    });
  });

  it.each(Object.keys(routes))("%s: statement --month 2026-01 closes at January's last balance, not February's", async (provider) => {
    await withHttpServer(handler(routes[provider]!), async (base) => {
      const r = await tally(['statement', '--month', '2026-01', '--json'], { env: env(provider, base) });
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ opening: '0.00', closing: '19.00', entries: 3, ok: true });
    });
  });
});

describe('units', () => {
  it('refuses an account-api currency that is not an ISO 4217 code, naming the endpoint and field', async () => {
    const routes: Routes = {
      '/auth/account/credits': () => ({ status: 200, body: { balance: 10, currency: '=HYPERLINK("http://x.invalid","USD")' } }),
      '/auth/account/ledger': () => ({ status: 200, body: { data: [], total: 0, limit: 100, offset: 0 } }),
    };
    await withHttpServer(handler(routes), async (base) => {
      const r = await tally(['ledger', 'export'], { env: env('account-api', base) });
      expect(r.exitCode).toBe(4);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n')[0]).toBe(
        'tally: unexpected response from GET /auth/account/credits: body.currency should be an ISO 4217 code or "credits" but is the string "=HYPERLINK("http://x.invalid",…"',
      );
    });
  });

  it('refuses an indigenius transaction currency that is not an ISO 4217 code', async () => {
    const tx = {
      id: 'a1',
      type: 'credit',
      amount: 5,
      balance_after: 5,
      currency: '=1+1',
      createdAt: '2026-05-15T08:14:02Z',
      description: 'x',
    };
    const routes: Routes = {
      '/v1/billing/transactions': () => ({
        status: 200,
        body: { status: true, message: 'ok', data: [tx], meta: { page: 1, pageSize: 100, totalPages: 1, totalCount: 1 } },
      }),
    };
    await withHttpServer(handler(routes), async (base) => {
      const r = await tally(['ledger', 'export'], { env: env('indigenius', base) });
      expect(r.exitCode).toBe(4);
      expect(r.stderr.split('\n')[0]).toBe(
        'tally: unexpected response from GET /v1/billing/transactions: body.data[0].currency should be an ISO 4217 code or "credits" but is the string "=1+1"',
      );
    });
  });
});

describe('text a provider sends', () => {
  it('puts a conduit support credit note in the CSV description', async () => {
    const sandbox = await startSandbox({ port: 0, seed: 1, entries: 400 });
    try {
      const r = await tally(['ledger', 'export'], { env: sandboxEnv(sandbox, 'conduit') });
      expect(r.exitCode, r.stderr).toBe(0);
      const credits = r.stdout.split('\r\n').filter((line) => line.includes(',SUPPORT_CREDIT,'));
      expect(credits.length).toBeGreaterThan(0);
      for (const line of credits) expect(line).toMatch(/,USD,goodwill credit,$/);
    } finally {
      await sandbox.close();
    }
  });
});

describe('keys', () => {
  let sandbox: Sandbox;
  let cfg: { dir: string; cleanup: () => void };
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, seed: 1, entries: 20 });
  });
  afterAll(() => sandbox.close());
  beforeEach(() => {
    cfg = tempConfigDir();
  });
  afterEach(() => cfg.cleanup());

  const add = (input: string | Uint8Array, extra: string[] = [], e: Record<string, string> = {}) =>
    tally(['profiles', 'add', 'work', '--provider', 'conduit', '--base-url', sandbox.baseUrl('conduit'), ...extra], {
      configDir: cfg.dir,
      input,
      env: e,
    });

  it('trims a trailing CR LF from TALLY_API_KEY', async () => {
    const e = sandboxEnv(sandbox, 'conduit');
    const r = await tally(['balance', '--json'], { env: { ...e, TALLY_API_KEY: `${e.TALLY_API_KEY}\r\n` } });
    expect(r.exitCode, r.stderr).toBe(0);
  });

  it('trims a trailing newline from a --key-env variable', async () => {
    const key = sandbox.key('conduit', 'ok');
    expect((await add('', ['--key-env', 'CONDUIT_KEY'])).exitCode).toBe(0);
    const r = await tally(['balance', '--json'], { configDir: cfg.dir, env: { CONDUIT_KEY: `${key}\n` } });
    expect(r.exitCode, r.stderr).toBe(0);
  });

  it('refuses a key of more than 8 KiB at profiles add and stores nothing', async () => {
    const r = await add(`${'k'.repeat(50 * 1024 * 1024)}\n`, ['--key-stdin']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('tally: the key from standard input is longer than 8 KiB\n  check what was piped in: a key is a single line');
    expect(() => readFileSync(join(cfg.dir, 'config.json'))).toThrow();
  });

  it('refuses a key with a control character at profiles add, without echoing it', async () => {
    const r = await add('sk-secret\u001b[2Jrest\n', ['--key-stdin']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(
      'tally: the key from standard input contains a control character (U+001B)\n  check what was piped in: a key is a single line',
    );
  });

  it('refuses a key that is not valid UTF-8 at profiles add', async () => {
    const r = await add(Buffer.from([0x73, 0x6b, 0x2d, 0xff, 0xfe, 0x0a]), ['--key-stdin']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('tally: the key from standard input is not valid UTF-8\n  check what was piped in: a key is a single line');
  });

  it('refuses a --key-env variable holding a control character at profiles add', async () => {
    const r = await add('', ['--key-env', 'CONDUIT_KEY'], { CONDUIT_KEY: 'sk-secret\u0001' });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(
      'tally: the key from $CONDUIT_KEY contains a control character (U+0001)\n  check the variable: a key is one line of printable characters',
    );
  });

  it('refuses a TALLY_API_KEY holding only a line end', async () => {
    const r = await tally(['balance'], { env: { ...sandboxEnv(sandbox, 'conduit'), TALLY_API_KEY: '\r\n' } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('tally: the key from TALLY_API_KEY is empty\n  check the key: it should be one line of printable characters');
  });

  it('refuses a key with a control character in TALLY_API_KEY at use', async () => {
    const e = sandboxEnv(sandbox, 'conduit');
    const r = await tally(['balance'], { env: { ...e, TALLY_API_KEY: `${e.TALLY_API_KEY}\u0007x` } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(
      'tally: the key from TALLY_API_KEY contains a control character (U+0007)\n  check the key: it should be one line of printable characters',
    );
  });

  it.each([
    ['a non-ASCII letter', 'secretключ9999'],
    ['a line separator', 'secret\u2028key9999'],
    ['only spaces', '   '],
    ['a space inside', 'secret key 9999'],
  ])('refuses a key holding %s in TALLY_API_KEY at use, before any request (exit 2, not 4)', async (_what, key) => {
    const r = await tally(['balance'], { env: { ...sandboxEnv(sandbox, 'conduit'), TALLY_API_KEY: key } });
    expect(r.stderr).toBe(
      'tally: the key from TALLY_API_KEY contains a space or a character that is not ASCII, which a request header cannot carry\n' +
        '  check the key: it should be one line of printable characters',
    );
    expect(r.exitCode).toBe(2);
  });

  it('refuses a stored key of more than 8 KiB at use', async () => {
    expect((await add(`${sandbox.key('conduit', 'ok')}\n`, ['--key-stdin'])).exitCode).toBe(0);
    const file = join(cfg.dir, 'config.json');
    const config = JSON.parse(readFileSync(file, 'utf8'));
    config.profiles.work.key = 'k'.repeat(9000);
    writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
    const r = await tally(['balance'], { configDir: cfg.dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(
      'tally: the key from profile "work" is longer than 8 KiB\n  check the key: it should be one line of printable characters',
    );
  });
});

describe('metadata nested 5,000 deep', () => {
  // built as text: JSON.stringify overflows its stack on 5,000 levels in the test's server too
  const deep = `${'{"inner":'.repeat(5000)}{"note":"bottom"}${'}'.repeat(5000)}`;
  const entry = `{"id":"clx1","type":"USAGE_DEBIT","amountInCents":-12,"balanceAfterInCents":4250,"metadata":${deep},"createdAt":"2026-03-09T14:32:00.000Z"}`;
  const routes: Routes = {
    '/api/billing/balance': () => ({ status: 200, body: { balanceInCents: 4250 } }),
    '/api/billing/ledger': (url) => ({ status: 200, text: `{"entries":[${url.searchParams.get('offset') === '0' ? entry : ''}]}` }),
  };

  for (const args of [
    ['ledger', 'list', '--json'],
    ['ledger', 'export', '--json'],
    ['ledger', 'export', '--ndjson'],
    ['ledger', 'export', '--json', '--order', 'asc'],
  ]) {
    it(`fails with exit 4 naming the entry, not a stack overflow (${args.join(' ')})`, async () => {
      await withHttpServer(handler(routes), async (base) => {
        const r = await tally(args, { env: env('conduit', base) });
        expect(r.exitCode).toBe(4);
        expect(r.stdout).toBe('');
        expect(r.stderr.split('\n')[0]).toBe(
          'tally: unexpected response from GET /api/billing/ledger: body.entries[0].metadata is nested deeper than 64 levels (entry clx1)',
        );
      });
    });
  }
});
