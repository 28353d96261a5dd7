// The conduit adapter reads time from the clock it is given (ProviderContext.now), never the system's.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/core/http.js';
import { adapter } from '../../src/providers/conduit/adapter.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 2, entries: 150 });
});
afterAll(() => sandbox.close());

const RealDate = Date;
afterEach(() => {
  globalThis.Date = RealDate;
});

/** From here on, `new Date()` (the system clock) throws; Date.now and dates of a given time still work. */
function forbidSystemClock(): void {
  globalThis.Date = class extends RealDate {
    constructor(...args: ConstructorParameters<DateConstructor> | []) {
      if (args.length === 0) throw new Error('the system clock was read');
      super(...(args as ConstructorParameters<DateConstructor>));
    }
  } as DateConstructor;
}

describe('conduit with a fixed clock', () => {
  it('derives usage and the account totals from the ledger with the clock it is given', async () => {
    const fixed = new RealDate('2026-11-23T00:00:00Z');
    const http = new HttpClient(
      new URL(sandbox.baseUrl('conduit')),
      { name: 'Authorization', scheme: 'Bearer ', key: sandbox.key('conduit', 'ok') },
      { timeoutMs: 5000, retries: 0, providerName: 'conduit' },
    );
    let asked = 0;
    const pctx = {
      http,
      now: () => {
        asked++;
        return fixed;
      },
    };
    try {
      forbidSystemClock();
      const usage = await adapter.usage?.(pctx, { zone: 'UTC', startedAt: fixed });
      const account = await adapter.account?.(pctx);
      globalThis.Date = RealDate;
      expect(usage?.unit).toBe('USD');
      expect(account?.json.unit).toBe('USD');
      expect(asked).toBeGreaterThanOrEqual(2);
    } finally {
      globalThis.Date = RealDate;
      await http.close();
    }
  });
});
