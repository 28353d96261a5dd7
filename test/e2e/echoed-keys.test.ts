// A provider that quotes the key back: in a field tally rejects, in a plain-text body, in an error body of any
// status, in a 200 that carries an error, in a listing that fails. Whatever tally says about it, on stdout or
// stderr, with or without --verbose, the key is never in it: not whole, not URL- or JSON-escaped, not cut short.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerRoutes, type Routes, withHttpServer } from '../helpers/http.js';
import { tallyInProcess as tally } from '../helpers/in-process.js';
import { tempConfigDir } from '../helpers/tally.js';

/** Keys of every kind: plain, with characters URL- and JSON-escaping change, and one under 8 characters. */
const KEYS = {
  plain: 'sk-echo-7c1d9e0b5a3f4e2d',
  'URL-special': 'sk-echo+Key/with=Marks&9',
  'JSON-special': 'sk-echo"Quoted\\Slash/42',
  short: 'Zq7x',
};
type KeyKind = keyof typeof KEYS;

/** Every form a key may take in what a provider sends back. */
function formsOf(key: string): string[] {
  const json = JSON.stringify(key).slice(1, -1);
  return [
    key,
    encodeURIComponent(key),
    encodeURIComponent(key).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    json,
    json.replaceAll('/', '\\/'),
  ];
}

/** The output of a run, checked: no form of the key anywhere, nor its first 8 characters (a key cut short). */
function expectNoKey(key: string, r: { stdout: string; stderr: string }): void {
  for (const text of [r.stdout, r.stderr]) {
    for (const form of formsOf(key)) expect(text).not.toContain(form);
    if (key.length >= 12) expect(text).not.toContain(key.slice(0, 8));
  }
}

const env = (id: string, baseUrl: string, key: string) => ({ TALLY_PROVIDER: id, TALLY_BASE_URL: baseUrl, TALLY_API_KEY: key });

const conduitEntry = (over: Record<string, unknown>) => ({
  id: 'clx1',
  type: 'USAGE_DEBIT',
  amountInCents: -12,
  balanceAfterInCents: 4250,
  metadata: { model: 'gpt-4', tokens: 1523 },
  createdAt: '2026-03-09T14:32:00.000Z',
  ...over,
});
const conduitLedger = (entries: unknown[]): Routes => ({
  '/api/billing/balance': () => ({ body: { balanceInCents: 4250 } }),
  '/api/billing/ledger': (url) => ({ body: { entries: url.searchParams.get('offset') === '0' ? entries : [] } }),
});
const spikeEntry = (over: Record<string, unknown>) => ({
  id: 901234,
  created_at: '2026-05-21T14:08:11Z',
  kind: 'topup',
  amount_usd: 50,
  balance_after_usd: 81.4,
  note: null,
  ...over,
});
const spikeLedger = (page: (items: unknown[]) => Record<string, unknown>, items: unknown[]): Routes => ({
  '/api/v1/balance': () => ({ body: { balance_usd: 81.4, currency: 'USD' } }),
  '/api/v1/me/billing/transactions': (url) => ({ body: page(url.searchParams.get('page') === '1' ? items : []) }),
});
const indigeniusEntry = (over: Record<string, unknown>) => ({
  id: 't1',
  type: 'credit',
  amount: 50,
  balance_after: 50,
  currency: 'USD',
  createdAt: '2026-05-01T10:00:00Z',
  description: 'top-up',
  ...over,
});

/** [what, provider, command line, routes for a key]: each a path by which provider text reaches a message (exit 4). */
const PATHS: Array<[string, string, string[], (key: string) => Routes]> = [
  ['a timestamp field (createdAt)', 'conduit', ['ledger', 'list'], (k) => conduitLedger([conduitEntry({ createdAt: k })])],
  ['an amount field (amountInCents)', 'conduit', ['ledger', 'list'], (k) => conduitLedger([conduitEntry({ amountInCents: k })])],
  ['the balance field', 'conduit', ['balance'], (k) => ({ '/api/billing/balance': () => ({ body: { balanceInCents: k } }) })],
  [
    'an entry id named in a metadata error',
    'conduit',
    ['ledger', 'list'],
    (k) => {
      let deep: unknown = { note: 'bottom' };
      for (let i = 0; i < 70; i++) deep = { inner: deep };
      return conduitLedger([conduitEntry({ id: k, metadata: deep })]);
    },
  ],
  [
    'an entry id the listing repeats with different content',
    'conduit',
    ['ledger', 'list'],
    (k) => conduitLedger([conduitEntry({ id: k }), conduitEntry({ id: k, amountInCents: -13, balanceAfterInCents: 4262 })]),
  ],
  [
    'an amount field (amount_usd)',
    'bytespike',
    ['ledger', 'list'],
    (k) => spikeLedger((items) => ({ items, total: 1 }), [spikeEntry({ amount_usd: k })]),
  ],
  ['the total', 'bytespike', ['ledger', 'list'], (k) => spikeLedger((items) => ({ items, total: k }), [spikeEntry({})])],
  ['the currency', 'bytespike', ['balance'], (k) => ({ '/api/v1/balance': () => ({ body: { balance_usd: 1, currency: k } }) })],
  ['the currency', 'account-api', ['balance'], (k) => ({ '/auth/account/credits': () => ({ body: { balance: 1, currency: k } }) })],
  [
    'an entry currency',
    'indigenius',
    ['ledger', 'list'],
    (k) => ({
      '/v1/billing/transactions': () => ({
        body: { status: true, message: 'ok', data: [indigeniusEntry({ currency: k })], meta: { totalCount: 1 } },
      }),
    }),
  ],
  [
    'the checkout URL',
    'conflux',
    ['checkout', 'growth'],
    (k) => ({
      '/v1/billing/packs': () => ({
        body: { data: [{ key: 'growth', name: 'API Growth', price: '$24.99', credits_after_fee: '~2,374,050' }] },
      }),
      '/v1/billing/checkout': () => ({ body: { url: `http://pay.example/${k}` } }),
    }),
  ],
  [
    'a plain-text 200 body',
    'conduit',
    ['balance'],
    (k) => ({ '/api/billing/balance': () => ({ text: `${k} ${k} is not a valid token` }) }),
  ],
  [
    'a plain-text 200 body cut inside the key',
    'conduit',
    ['balance'],
    (k) => ({ '/api/billing/balance': () => ({ text: `Unauthorized request with token ${k}` }) }),
  ],
  [
    'a 200 that carries an error',
    'bytespike',
    ['balance'],
    (k) => ({ '/api/v1/balance': () => ({ body: { error: { message: `key ${k} expired; ${k}` } } }) }),
  ],
  [
    'an indigenius 200 that says no (status false)',
    'indigenius',
    ['ledger', 'list'],
    (k) => ({ '/v1/billing/transactions': () => ({ body: { status: false, message: `key ${k} lacks billing:read`, data: null } }) }),
  ],
  ...[400, 404, 409, 500, 502, 429].map((status): [string, string, string[], (key: string) => Routes] => [
    `a ${status} whose JSON message quotes it twice`,
    'bytespike',
    ['balance'],
    (k) => ({ '/api/v1/balance': () => ({ status, body: { error: { type: 'x', message: `the key ${k} (${k}) is not valid` } } }) }),
  ]),
  [
    'a 400 plain-text body with the key URL- and JSON-escaped',
    'bytespike',
    ['balance'],
    (k) => ({
      '/api/v1/balance': () => ({
        status: 400,
        text: `bad token=${encodeURIComponent(k)} in {"key": "${JSON.stringify(k).slice(1, -1).replaceAll('/', '\\/')}"}`,
      }),
    }),
  ],
];

describe.each(Object.keys(KEYS) as KeyKind[])('a %s key quoted back by the provider', (kind) => {
  const key = KEYS[kind];

  it.each([401, 403])('in a %s whose message quotes it twice: masked, exit 3', async (status) => {
    const routes: Routes = { '/api/v1/balance': () => ({ status, body: { error: { message: `the key ${key} (${key}) is not valid` } } }) };
    await withHttpServer(answerRoutes(routes), async (base) => {
      const r = await tally(['balance', '--verbose'], { env: env('bytespike', base, key) });
      expect(r.exitCode).toBe(3);
      expectNoKey(key, r);
      expect(r.stderr).toContain(`the key ${key.length >= 12 ? `****${key.slice(-4)}` : '****'} (`);
    });
  });

  it.each(PATHS)('in %s (%s %s): masked in every message, exit 4', async (_what, id, args, routes) => {
    await withHttpServer(answerRoutes(routes(key)), async (base) => {
      const r = await tally([...args, '--retries', '0'], { env: env(id, base, key) });
      expect(r.exitCode, r.stderr).toBe(4);
      expectNoKey(key, r);
      // the message still quotes what the provider sent, with the key masked
      expect(r.stderr).toContain(key.length >= 12 ? `****${key.slice(-4)}` : '****');
    });
  });

  it.each(PATHS)('in %s (%s %s): masked under --verbose too, stack included', async (_what, id, args, routes) => {
    await withHttpServer(answerRoutes(routes(key)), async (base) => {
      const r = await tally([...args, '--retries', '0', '--verbose'], { env: env(id, base, key) });
      expect(r.exitCode, r.stderr).toBe(4);
      expectNoKey(key, r);
    });
  });

  it('in the retry lines --verbose prints, and in the error after the last retry', async () => {
    const routes: Routes = {
      '/api/v1/balance': () => ({ status: 503, body: { error: { message: `overloaded for ${key}` } } }),
    };
    await withHttpServer(answerRoutes(routes), async (base) => {
      const r = await tally(['balance', '--retries', '1', '--verbose'], { env: env('bytespike', base, key) });
      expect(r.exitCode).toBe(4);
      expect(r.stderr).toMatch(/! HTTP 503: overloaded for \*\*\*\*.*; retry 1 of 1 in \d+ ms/);
      expectNoKey(key, r);
    });
  });

  it('in every profile of `balance --all --json`: the failure row on stdout and the line on stderr', async () => {
    const routes: Routes = { '/api/v1/balance': () => ({ body: { balance_usd: 1, currency: key } }) };
    await withHttpServer(answerRoutes(routes), async (base) => {
      const cfg = tempConfigDir();
      try {
        mkdirSync(cfg.dir, { recursive: true });
        writeFileSync(
          join(cfg.dir, 'config.json'),
          JSON.stringify({ profiles: { echo: { provider: 'bytespike', baseUrl: base, keyEnv: 'ECHO_KEY' } } }),
          { mode: 0o600 },
        );
        const r = await tally(['balance', '--all', '--json', '--retries', '0'], { configDir: cfg.dir, env: { ECHO_KEY: key } });
        expect(r.exitCode).toBe(4);
        expect(JSON.parse(r.stdout)[0].error.message).toContain('****');
        expectNoKey(key, r);
      } finally {
        cfg.cleanup();
        rmSync(cfg.dir, { recursive: true, force: true });
      }
    });
  });
});

describe('what a masked message says', () => {
  it('quotes the field with every occurrence of the key masked, and keeps the rest of what the provider said', async () => {
    const key = KEYS.plain;
    const routes: Routes = { '/api/v1/balance': () => ({ status: 400, body: { error: { message: `key ${key} and ${key} rejected` } } }) };
    await withHttpServer(answerRoutes(routes), async (base) => {
      const r = await tally(['balance'], { env: env('bytespike', base, key) });
      expect(r.stderr).toBe('tally: bytespike: GET /api/v1/balance answered HTTP 400: key ****4e2d and ****4e2d rejected');
      expect(r.exitCode).toBe(4);
    });
  });

  it('names a rejected timestamp with the key masked', async () => {
    const key = KEYS.plain;
    await withHttpServer(answerRoutes(conduitLedger([conduitEntry({ createdAt: key })])), async (base) => {
      const r = await tally(['ledger', 'list'], { env: env('conduit', base, key) });
      expect(r.stderr.split('\n')[0]).toBe(
        'tally: unexpected response from GET /api/billing/ledger: body.entries[0].createdAt should be an ISO 8601 timestamp but is "****4e2d"',
      );
      expect(r.exitCode).toBe(4);
    });
  });

  it('masks a short key in what the provider said, and leaves the words of tally around it alone', async () => {
    const key = 'e';
    const routes: Routes = { '/api/v1/balance': () => ({ status: 400, body: { error: { message: 'the key e is revoked' } } }) };
    await withHttpServer(answerRoutes(routes), async (base) => {
      const r = await tally(['balance'], { env: env('bytespike', base, key) });
      expect(r.stderr).toBe('tally: bytespike: GET /api/v1/balance answered HTTP 400: th**** k****y **** is r****vok****d');
      expect(r.exitCode).toBe(4);
    });
  });
});
