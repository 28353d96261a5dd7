// One suite over every provider in the registry, against the sandbox: what each adapter must do alike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, ShapeError } from '../../src/core/errors.js';
import { HttpClient } from '../../src/core/http.js';
import { Decimal } from '../../src/core/money.js';
import { PROVIDERS } from '../../src/providers/registry.js';
import { type CommandName, COMMANDS, type LedgerEntry, type ProviderEntry } from '../../src/providers/types.js';
import { type GeneratedMovement, LedgerModel } from '../../src/sandbox/ledger.js';
import { accountApiMovement } from '../../src/sandbox/providers/account-api.js';
import { bytespikeMovement } from '../../src/sandbox/providers/bytespike.js';
import { conduitMovement } from '../../src/sandbox/providers/conduit.js';
import { confluxMovement } from '../../src/sandbox/providers/conflux.js';
import { indigeniusMovement } from '../../src/sandbox/providers/indigenius.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';

const SEED = 7;
const ENTRIES = 120;
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: SEED, entries: ENTRIES });
});

/**
 * The sandbox's `ok` ledger of each provider as its own model generates it (as in src/sandbox/providers):
 * what every entry's amount and balance after are, in minor units of `scale` decimals, whatever sign or
 * float the provider's wire format writes them in.
 */
const SANDBOX_LEDGERS: Record<
  string,
  { generate: (seed: number, salt: number, index: number) => GeneratedMovement; openingBalance: number; scale: number; unit: string }
> = {
  conduit: { generate: conduitMovement, openingBalance: 5000, scale: 2, unit: 'USD' },
  'account-api': { generate: accountApiMovement, openingBalance: 10000, scale: 2, unit: 'USD' },
  bytespike: { generate: bytespikeMovement, openingBalance: 3140, scale: 2, unit: 'USD' },
  conflux: { generate: confluxMovement, openingBalance: 0, scale: 0, unit: 'credits' },
  indigenius: { generate: indigeniusMovement, openingBalance: 2500, scale: 2, unit: 'USD' },
};

/** The exact amount and balance after of each entry of a provider's `ok` ledger, newest first. */
function expectedLedger(id: string): Array<{ amount: string; balanceAfter: string; unit: string }> {
  const known = SANDBOX_LEDGERS[id];
  if (!known) throw new Error(`no sandbox ledger model for ${id}`);
  const model = new LedgerModel({
    seed: SEED,
    name: `${id}/ok`,
    count: ENTRIES,
    openingBalance: known.openingBalance,
    generate: known.generate,
    endMs: sandbox.end.getTime(),
  });
  return [...model.walkNewestFirst()].map((e) => ({
    amount: Decimal.fromMinor(e.amount, known.scale).toString(),
    balanceAfter: Decimal.fromMinor(e.balanceAfter as number, known.scale).toString(),
    unit: known.unit,
  }));
}
afterAll(() => sandbox.close());

async function session(provider: ProviderEntry, account: string, base?: Sandbox) {
  const s = base ?? sandbox;
  const adapter = await provider.load();
  const http = new HttpClient(
    new URL(s.baseUrl(provider.id)),
    provider.auth === 'bearer'
      ? { name: 'Authorization', scheme: 'Bearer ', key: s.key(provider.id, account) }
      : { name: 'X-API-Key', scheme: '', key: s.key(provider.id, account) },
    { timeoutMs: 5000, retries: 0, providerName: provider.id, errorMessage: adapter.errorMessage },
  );
  return { adapter, pctx: { http, now: () => new Date('2026-11-23T00:00:00Z') }, close: () => http.close() };
}

describe.each(PROVIDERS.map((p) => [p.id, p] as const))('provider %s', (_id, provider) => {
  it('declares its identity and capabilities', async () => {
    const adapter = await provider.load();
    expect(adapter.info.id).toBe(provider.id);
    expect(provider.commands).toContain('balance');
    if (provider.defaultBaseUrl) expect(provider.defaultBaseUrl).toMatch(/^https:\/\//);
  });

  it('lists every command it has the adapter method for, and has the method for every command it lists', async () => {
    const adapter = await provider.load();
    // reconcile reads the ledger; every other command is the adapter method of its name
    const methodOf = (command: CommandName) => (command === 'reconcile' ? 'ledger' : command);
    for (const command of COMMANDS) {
      expect([command, typeof adapter[methodOf(command)] === 'function']).toEqual([command, provider.commands.includes(command)]);
    }
    for (const command of provider.keyless ?? []) expect(provider.commands).toContain(command);
  });

  it.runIf(provider.keyless?.includes('packs'))('serves packs with no key, as it declares packs keyless', async () => {
    const adapter = await provider.load();
    const http = new HttpClient(
      new URL(sandbox.baseUrl(provider.id)),
      { name: 'Authorization', scheme: 'Bearer ', key: '' },
      {
        timeoutMs: 5000,
        retries: 0,
        providerName: provider.id,
        errorMessage: adapter.errorMessage,
      },
    );
    try {
      const packs = await adapter.packs?.({ http, now: () => new Date('2026-11-23T00:00:00Z') });
      expect(packs?.length).toBeGreaterThan(0);
    } finally {
      await http.close();
    }
  });

  it('reads a balance as an exact decimal with its unit', async () => {
    const s = await session(provider, 'ok');
    try {
      const b = await s.adapter.balance?.(s.pctx);
      expect(b?.unit).toMatch(/^([A-Z]{3}|credits)$/);
      expect(b?.balance?.toString()).toMatch(/^-?\d+(\.\d+)?$/);
      expect(b?.asOf).toMatch(/^\d{4}-\d\d-\d\dT/);
    } finally {
      await s.close();
    }
  });

  it('reads its ledger newest first, every entry once, with exact amounts in its unit', async () => {
    const s = await session(provider, 'ok');
    try {
      const read = s.adapter.ledger?.(s.pctx, { startedAt: new Date() });
      expect(read).toBeDefined();
      const seen = new Set<string>();
      const entries: LedgerEntry[] = [];
      let previous: string | undefined;
      for await (const e of (async function* () {
        for await (const page of read!.pages) yield* page;
      })()) {
        expect(seen.has(e.id)).toBe(false);
        seen.add(e.id);
        entries.push(e);
        if (previous) expect(e.createdAt <= previous).toBe(true);
        previous = e.createdAt;
        expect(e.unit).toMatch(/^([A-Z]{3}|credits)$/);
        expect(Object.keys(provider.entryTypes)).toContain(e.providerType);
      }
      expect(seen.size).toBe(ENTRIES);
      // each amount and balance after exactly as the sandbox's model has it: sign, scale and every digit
      const got = entries.map((e) => ({ amount: e.amount.toString(), balanceAfter: e.balanceAfter?.toString() ?? null, unit: e.unit }));
      expect(got).toEqual(expectedLedger(provider.id));
    } finally {
      await s.close();
    }
  });

  it.each([7, 1])(
    'reads its ledger whole from a provider that serves at most %i entries a page: every entry once, equal to the model',
    async (cap) => {
      const capped = await startSandbox({ port: 0, seed: SEED, entries: ENTRIES, end: sandbox.end, faults: `cap=${cap}` });
      const s = await session(provider, 'ok', capped);
      try {
        const read = s.adapter.ledger?.(s.pctx, { startedAt: new Date() });
        const entries: LedgerEntry[] = [];
        for await (const page of read!.pages) entries.push(...page);
        expect(new Set(entries.map((e) => e.id)).size).toBe(ENTRIES);
        const got = entries.map((e) => ({ amount: e.amount.toString(), balanceAfter: e.balanceAfter?.toString() ?? null, unit: e.unit }));
        expect(got).toEqual(expectedLedger(provider.id));
      } finally {
        await s.close();
        await capped.close();
      }
    },
  );

  it.each([
    ['in the page size asked for', ''],
    ['at most 30 entries a page', 'cap=30,'],
  ])(
    'reads a busy ledger served %s exactly once: entries posting between page requests are neither lost nor repeated',
    async (_served, cap) => {
      const busy = await startSandbox({ port: 0, seed: 7, entries: 1000, faults: cap });
      const s = await session(provider, 'ok', busy);
      // the read's upper bound after every post (as when the local clock is behind the provider's): the
      // entries posted meanwhile are in range, so each paging style must follow the shift itself
      const ids = async () => {
        const out: string[] = [];
        const read = s.adapter.ledger?.(s.pctx, { startedAt: new Date(Date.now() + 3_600_000) });
        for await (const page of read!.pages) for (const e of page) out.push(e.id);
        return out;
      };
      try {
        const before = await ids();
        expect(before).toHaveLength(1000);
        busy.faults.set(`${cap}shift*2,shift%40`);
        for (let run = 0; run < 3; run++) {
          const now = await ids();
          expect(new Set(now).size).toBe(now.length);
          // the newest first, then every entry there was before, in order
          expect(now.slice(now.length - before.length)).toEqual(before);
        }
        busy.faults.set(cap);
        expect((await ids()).length).toBeGreaterThan(before.length);
      } finally {
        await s.close();
        await busy.close();
      }
    },
  );

  it('turns a refused key into an authentication error', async () => {
    const s = await session(provider, 'revoked');
    try {
      await expect(s.adapter.balance?.(s.pctx)).rejects.toBeInstanceOf(AuthError);
    } finally {
      await s.close();
    }
  });

  it('carries every note, description, memo and reason the provider sends into the entry description', async () => {
    const s = await session(provider, 'ok');
    // every body the ledger read parses, as the provider sent it
    const bodies: unknown[] = [];
    const { http } = s.pctx;
    const getJson = http.getJson.bind(http);
    const getJsonDeferred = http.getJsonDeferred.bind(http);
    http.getJson = async (...args) => {
      const res = await getJson(...args);
      bodies.push(res.body);
      return res;
    };
    http.getJsonDeferred = async (...args) => {
      const res = await getJsonDeferred(...args);
      return {
        ...res,
        body: () => {
          const body = res.body();
          bodies.push(body);
          return body;
        },
      };
    };
    try {
      const read = s.adapter.ledger?.(s.pctx, { startedAt: new Date() });
      const descriptions: string[] = [];
      for await (const page of read!.pages) {
        for (const e of page) {
          if (e.description !== null) descriptions.push(e.description);
          // metadata is an object with something in it, or null: never {}, an array or a string
          if (e.metadata !== null) {
            expect(typeof e.metadata === 'object' && !Array.isArray(e.metadata)).toBe(true);
            expect(Object.keys(e.metadata).length).toBeGreaterThan(0);
          }
        }
      }
      const texts = new Set<string>();
      const walk = (v: unknown): void => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (typeof v === 'object' && v !== null) {
          for (const [k, x] of Object.entries(v)) {
            if (['note', 'description', 'memo', 'reason', 'comment'].includes(k) && typeof x === 'string' && x.trim()) texts.add(x);
            else walk(x);
          }
        }
      };
      bodies.forEach(walk);
      for (const text of texts)
        expect(
          descriptions.some((d) => d.includes(text)),
          `"${text}" reaches no description`,
        ).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('rejects a response of the wrong shape, naming the endpoint', async () => {
    const faulty = await startSandbox({ port: 0, seed: 7, entries: 10, faults: 'badshape' });
    const s = await session(provider, 'ok', faulty);
    try {
      const failure = s.adapter.balance?.(s.pctx);
      await expect(failure).rejects.toBeInstanceOf(ShapeError);
      await expect(failure).rejects.toThrow(/unexpected response from GET \//);
    } finally {
      await s.close();
      await faulty.close();
    }
  });
});
