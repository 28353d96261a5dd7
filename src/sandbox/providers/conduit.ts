// Conduit as documented in seeds/conduit.txt: cents, newest-first ledger, limit/offset, no total.
import {
  bearerKey,
  intParam,
  iso,
  makeKey,
  servedSize,
  type SandboxOptions,
  type SandboxProvider,
  type SandboxResponse,
} from '../common.js';
import { type GeneratedMovement, LedgerModel } from '../ledger.js';
import { between, unit } from '../rng.js';

const MODELS = ['gpt-4', 'gpt-4o-mini', 'claude-sonnet', 'llama-3-70b'];

export function conduitMovement(seed: number, salt: number, i: number): GeneratedMovement {
  if (i % 40 === 0) return { kind: 'CREDIT_PURCHASE', amount: between(20, 100, seed, salt, i, 1) * 100 };
  const r = unit(seed, salt, i, 2);
  if (r < 0.02) return { kind: 'SUPPORT_CREDIT', amount: between(100, 500, seed, salt, i, 3) };
  if (r < 0.03) return { kind: 'REFUND_DEBIT', amount: -between(100, 1000, seed, salt, i, 4) };
  return { kind: 'USAGE_DEBIT', amount: -between(1, 300, seed, salt, i, 5) };
}

function metadata(seed: number, salt: number, i: number, kind: string): Record<string, unknown> {
  if (kind === 'USAGE_DEBIT') {
    return { model: MODELS[i % MODELS.length], tokens: between(50, 8000, seed, salt, i, 6) };
  }
  if (kind === 'CREDIT_PURCHASE') return { stripePaymentId: `pi_${(seed * 1_000_003 + i).toString(36)}` };
  if (kind === 'SUPPORT_CREDIT') return { note: 'goodwill credit' };
  return {};
}

export function createConduit(opts: SandboxOptions): SandboxProvider {
  const n = opts.entries;
  const ledgers = new Map<string, LedgerModel>([
    [
      'ok',
      new LedgerModel({
        seed: opts.seed,
        endMs: opts.endMs,
        name: 'conduit/ok',
        count: n,
        openingBalance: 5000,
        generate: conduitMovement,
      }),
    ],
    [
      'bad',
      new LedgerModel({
        seed: opts.seed,
        endMs: opts.endMs,
        name: 'conduit/bad',
        count: n,
        openingBalance: 5000,
        generate: conduitMovement,
        plants: { chainBreak: { at: Math.floor(n * 0.6), delta: 7 }, duplicates: [Math.floor(n * 0.3)] },
      }),
    ],
    [
      'conflict',
      new LedgerModel({
        seed: opts.seed,
        endMs: opts.endMs,
        name: 'conduit/conflict',
        count: n,
        openingBalance: 5000,
        generate: conduitMovement,
        plants: { conflictingDuplicate: Math.floor(n * 0.5) },
      }),
    ],
    ...(
      [
        ['head', { headOffset: 250 }],
        ['order', { outOfOrder: Math.floor(n * 0.4) }],
        ['gaps', { missingBalance: Math.floor(n * 0.45) }],
      ] as const
    ).map(
      ([name, plants]) =>
        [
          name,
          new LedgerModel({
            seed: opts.seed,
            endMs: opts.endMs,
            name: `conduit/${name}`,
            count: n,
            openingBalance: 5000,
            generate: conduitMovement,
            plants,
          }),
        ] as const,
    ),
  ]);
  const accounts = [
    { name: 'ok', key: makeKey('conduit', 'ok'), purpose: 'ledger reconciles' },
    { name: 'bad', key: makeKey('conduit', 'bad'), purpose: 'planted chain break and duplicate' },
    { name: 'head', key: makeKey('conduit', 'head'), purpose: 'balance endpoint disagrees with the ledger head' },
    { name: 'order', key: makeKey('conduit', 'order'), purpose: 'one entry out of time order' },
    { name: 'gaps', key: makeKey('conduit', 'gaps'), purpose: 'one entry without a balance' },
    { name: 'conflict', key: makeKey('conduit', 'conflict'), purpose: 'one id returned twice with different content' },
    { name: 'revoked', key: makeKey('conduit', 'revoked'), purpose: 'refused (401)', refuse: 401 as const },
  ];
  const error = (status: number, message: string): SandboxResponse => ({ status, body: { error: message } });
  return {
    id: 'conduit',
    accounts,
    keyOf: bearerKey,
    error,
    post: (account) => ledgers.get(account.name)?.postNext(),
    handle(req, account) {
      const ledger = account ? ledgers.get(account.name) : undefined;
      if (!ledger) return error(401, 'Invalid API key');
      if (req.method === 'GET' && req.path === '/api/billing/balance') {
        const cents = ledger.liveBalance();
        return { status: 200, body: { balanceInCents: cents, balanceInDollars: cents / 100 } };
      }
      if (req.method === 'GET' && req.path === '/api/billing/ledger') {
        const limit = servedSize(req, intParam(req.query, 'limit', 10, 1, 100));
        const offset = intParam(req.query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
        const entries = [...ledger.newestFirst(offset, limit)].map((e) => ({
          id: `clx${ledger.salt.toString(36)}${e.index.toString(36).padStart(7, '0')}`,
          type: e.kind,
          amountInCents: e.amount,
          balanceAfterInCents: e.balanceAfter,
          metadata: metadata(opts.seed, ledger.salt, e.index, e.kind),
          createdAt: iso(e.createdAtMs),
        }));
        return { status: 200, body: { entries, limit, offset, count: entries.length } };
      }
      return error(404, 'Not found');
    },
  };
}
