// When a request is sent again: one rule (isRetryable) for every method and outcome, held by a table.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient, isRetryable, type RequestOutcome } from '../../src/core/http.js';

describe('isRetryable(method, outcome)', () => {
  // [what, a GET is sent again, a POST is, the outcome]: a GET on anything that may pass; a POST only when it never left
  const table: Array<[string, boolean, boolean, RequestOutcome]> = [
    ['connection refused', true, true, { kind: 'refused' }],
    ['a DNS failure that may pass (EAI_AGAIN)', true, true, { kind: 'dns', temporary: true }],
    ['a name that does not exist (ENOTFOUND)', false, false, { kind: 'dns', temporary: false }],
    ['a connection reset', true, false, { kind: 'reset' }],
    ['a timeout', false, false, { kind: 'timeout' }],
    ['HTTP 408', true, false, { kind: 'status', status: 408 }],
    ['HTTP 429', true, false, { kind: 'status', status: 429 }],
    ['HTTP 500', true, false, { kind: 'status', status: 500 }],
    ['HTTP 502', true, false, { kind: 'status', status: 502 }],
    ['HTTP 503', true, false, { kind: 'status', status: 503 }],
    ['HTTP 504', true, false, { kind: 'status', status: 504 }],
    ['HTTP 400', false, false, { kind: 'status', status: 400 }],
    ['HTTP 401', false, false, { kind: 'status', status: 401 }],
    ['HTTP 403', false, false, { kind: 'status', status: 403 }],
    ['HTTP 404', false, false, { kind: 'status', status: 404 }],
    ['HTTP 409', false, false, { kind: 'status', status: 409 }],
    ['HTTP 501', false, false, { kind: 'status', status: 501 }],
    ['HTTP 505', false, false, { kind: 'status', status: 505 }],
  ];

  it.each(table)('%s: a GET is retried: %s, a POST: %s', (_what, get, post, outcome) => {
    expect(isRetryable('GET', outcome)).toBe(get);
    expect(isRetryable('POST', outcome)).toBe(post);
  });
});

describe('a refused connection is tried again, for a POST too (nothing was sent)', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  /** A port nothing listens on, yet. */
  async function freePort(): Promise<number> {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    return port;
  }

  it.each(['GET', 'POST'] as const)('%s: the first attempt is refused, the service comes up, the retry is answered', async (method) => {
    const port = await freePort();
    const seen: string[] = [];
    const waits: number[] = [];
    const http = new HttpClient(
      new URL(`http://127.0.0.1:${port}`),
      { name: 'Authorization', scheme: 'Bearer ', key: 'sk-test-refused-0001' },
      {
        timeoutMs: 5000,
        retries: 2,
        providerName: 'conflux',
        random: () => 0,
        // the wait before the retry is when the service comes up
        sleep: async (ms) => {
          waits.push(ms);
          server = createServer((req, res) => {
            seen.push(`${req.method} ${req.url}`);
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ url: 'https://checkout.stripe.com/c/pay/cs_test_1' }));
          });
          await new Promise<void>((resolve) => server?.listen(port, '127.0.0.1', resolve));
        },
      },
    );
    try {
      const res =
        method === 'POST' ? await http.postJson('/v1/billing/checkout', { pack: 'growth' }) : await http.getJson('/v1/billing/packs');
      expect(res.body).toEqual({ url: 'https://checkout.stripe.com/c/pay/cs_test_1' });
      expect(waits).toEqual([250]);
      expect(seen).toEqual([method === 'POST' ? 'POST /v1/billing/checkout' : 'GET /v1/billing/packs']);
    } finally {
      await http.close();
    }
  });

  it('says the connection was refused once every attempt was, as it did without retries', async () => {
    const port = await freePort();
    let waited = 0;
    const http = new HttpClient(new URL(`http://127.0.0.1:${port}`), null, {
      timeoutMs: 5000,
      retries: 3,
      providerName: 'conflux',
      sleep: async () => {
        waited++;
      },
    });
    try {
      await expect(http.postJson('/v1/billing/checkout', { pack: 'growth' })).rejects.toThrow(
        `conflux: cannot connect to 127.0.0.1:${port} (connection refused)`,
      );
      expect(waited).toBe(3);
    } finally {
      await http.close();
    }
  });
});
