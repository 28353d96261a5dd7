// Conflux as documented in seeds/conflux.txt: integer credits, purchases-only history, packs and checkout.
import { bearerKey, iso, makeKey, type SandboxOptions, type SandboxProvider, type SandboxResponse } from '../common.js';
import { type GeneratedMovement, LedgerModel } from '../ledger.js';
import { between } from '../rng.js';

export const PACKS = [
  { key: 'starter', name: 'API Starter', price: '$9.99', credits_after_fee: '~950,000', note: '5% fee applied' },
  { key: 'growth', name: 'API Growth', price: '$24.99', credits_after_fee: '~2,374,050', note: '5% fee applied' },
  { key: 'scale', name: 'API Scale', price: '$49.99', credits_after_fee: '~4,749,050', note: '5% fee applied' },
  { key: 'business', name: 'API Business', price: '$99.99', credits_after_fee: '~9,499,050', note: '5% fee applied' },
  { key: 'enterprise', name: 'API Enterprise', price: '$199.99', credits_after_fee: '~18,999,050', note: '5% fee applied' },
];

/** A purchase, with the credits consumed since the previous one folded into the balance movement. */
export function confluxMovement(seed: number, salt: number, i: number): GeneratedMovement {
  const amount = between(5, 50, seed, salt, i, 1) * 1000;
  const consumed = i === 0 ? 0 : between(0, 4000, seed, salt, i, 2);
  return { kind: 'purchase', amount, delta: amount - consumed };
}

/** The history is one unpaginated response, so it stays small whatever --entries says. */
const MAX_PURCHASES = 2000;
const TAIL_CONSUMED = 153;

export function createConflux(opts: SandboxOptions): SandboxProvider {
  const n = Math.min(opts.entries, MAX_PURCHASES);
  const ledger = new LedgerModel({
    seed: opts.seed,
    endMs: opts.endMs,
    name: 'conflux/ok',
    count: n,
    openingBalance: 0,
    generate: confluxMovement,
  });
  const ledgers = new Map([
    ['ok', ledger],
    [
      'bad',
      new LedgerModel({ seed: opts.seed, endMs: opts.endMs, name: 'conflux/bad', count: n, openingBalance: 0, generate: confluxMovement }),
    ],
  ]);
  const accounts = [
    { name: 'ok', key: makeKey('conflux', 'ok'), purpose: 'purchases-only ledger that adds up' },
    { name: 'bad', key: makeKey('conflux', 'bad'), purpose: 'total_consumed disagrees with the history (identity mismatch)' },
    { name: 'revoked', key: makeKey('conflux', 'revoked'), purpose: 'refused (401)', refuse: 401 as const },
  ];
  const error = (status: number, message: string): SandboxResponse => ({ status, body: { error: message } });
  return {
    id: 'conflux',
    accounts,
    keyOf: bearerKey,
    error,
    post: (account) => ledgers.get(account.name)?.postNext(),
    isPublic: (req) => req.path === '/v1/billing/packs',
    handle(req, account) {
      if (req.method === 'GET' && req.path === '/v1/billing/packs') return { status: 200, body: { data: PACKS } };
      const model = account ? ledgers.get(account.name) : undefined;
      if (!model) return error(401, 'Unauthorized');
      if (req.method === 'GET' && req.path === '/v1/billing/history') {
        const data = [...model.newestFirst(0, model.length)].map((e) => ({
          id: `tx_${e.index.toString(36).padStart(6, '0')}`,
          amount: e.amount,
          balance_after: e.balanceAfter,
          stripe_payment_id: `pi_${(e.index * 7919).toString(36)}`,
          created_at: iso(e.createdAtMs).replace('.000Z', 'Z'),
        }));
        return { status: 200, body: { data } };
      }
      if (req.method === 'GET' && req.path === '/v1/api-credits') {
        let purchased = 0;
        for (let i = 0; i < model.size; i++) purchased += model.movement(i).amount;
        const balance = model.headBalance() - TAIL_CONSUMED;
        // the `bad` account reports 500 credits more consumed than its balance and purchases allow
        const consumed = purchased - balance + (account?.name === 'bad' ? 500 : 0);
        return { status: 200, body: { balance, total_purchased: purchased, total_consumed: consumed } };
      }
      if (req.method === 'POST' && req.path === '/v1/billing/checkout') {
        const pack = (req.body as { pack?: unknown } | null)?.pack;
        if (typeof pack !== 'string' || !PACKS.some((p) => p.key === pack)) return error(400, 'Invalid pack');
        return { status: 200, body: { url: `https://checkout.stripe.com/c/pay/cs_test_${pack}_sandbox` } };
      }
      return error(404, 'Not found');
    },
  };
}
