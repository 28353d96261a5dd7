// ByteSpike as documented in seeds/bytespike.txt (and SPEC §1 for /balance): USD floats, page/page_size, since/until.
import {
  bearerKey,
  intParam,
  iso,
  makeKey,
  servedSize,
  type SandboxOptions,
  type SandboxProvider,
  type SandboxResponse,
  timeParam,
} from '../common.js';
import { type GeneratedMovement, LedgerModel, minorToJsonNumber } from '../ledger.js';
import { between, unit } from '../rng.js';

/** Admin notes, some of which a spreadsheet would take for formulas. */
const NOTES = [
  'Goodwill credit — failed call burst, ticket #312',
  '=HYPERLINK("http://example.invalid","refund")',
  '-5 correction after audit',
  '@ops please check',
  '+1 bonus, "loyalty"',
  'Manual adjustment\nsecond line',
];

const USAGE_MODELS = ['doubao-pro', 'gpt-4o-mini', 'deepseek-chat', 'claude-haiku'];

const KINDS = ['topup', 'refund', 'admin_credit', 'admin_debit', 'subscription_renew'];

export function bytespikeMovement(seed: number, salt: number, i: number): GeneratedMovement {
  if (i % 8 === 0) return { kind: 'topup', amount: between(20, 100, seed, salt, i, 1) * 100 };
  const r = unit(seed, salt, i, 2);
  if (r < 0.5) return { kind: 'refund', amount: between(5, 200, seed, salt, i, 3) };
  if (r < 0.6) return { kind: 'admin_credit', amount: between(100, 1000, seed, salt, i, 4) };
  if (r < 0.7) return { kind: 'admin_debit', amount: -between(100, 500, seed, salt, i, 5) };
  return { kind: 'subscription_renew', amount: -between(500, 2000, seed, salt, i, 6) };
}

export function createBytespike(opts: SandboxOptions): SandboxProvider {
  const n = opts.entries;
  const ledgers = new Map<string, LedgerModel>([
    [
      'ok',
      new LedgerModel({
        seed: opts.seed,
        endMs: opts.endMs,
        name: 'bytespike/ok',
        count: n,
        openingBalance: 3140,
        generate: bytespikeMovement,
      }),
    ],
    [
      'bad',
      new LedgerModel({
        seed: opts.seed,
        endMs: opts.endMs,
        name: 'bytespike/bad',
        count: n,
        openingBalance: 3140,
        generate: bytespikeMovement,
        plants: { chainBreak: { at: Math.floor(n * 0.7), delta: 500 }, duplicates: [Math.floor(n * 0.4)] },
      }),
    ],
  ]);
  /** Per-call usage, apart from the wallet ledger: cost in 1/10000 USD. */
  const usageModel = (name: string) =>
    new LedgerModel({
      seed: opts.seed,
      endMs: opts.endMs,
      name: `bytespike/${name}/usage`,
      count: Math.min(n * 2, 20000),
      openingBalance: 0,
      generate: (seed, salt, i) => ({ kind: USAGE_MODELS[i % USAGE_MODELS.length] as string, amount: -between(1, 900, seed, salt, i, 8) }),
    });
  const usage = new Map([
    ['ok', usageModel('ok')],
    ['bad', usageModel('bad')],
  ]);
  const accounts = [
    { name: 'ok', key: makeKey('bytespike', 'ok'), purpose: 'ledger reconciles' },
    { name: 'bad', key: makeKey('bytespike', 'bad'), purpose: 'planted chain break and duplicate' },
    { name: 'revoked', key: makeKey('bytespike', 'revoked'), purpose: 'refused (401)', refuse: 401 as const },
  ];
  const error = (status: number, message: string, type = 'invalid_request_error'): SandboxResponse => ({
    status,
    body: { error: { type, message } },
  });
  const usd = (minor: number) => minorToJsonNumber(minor, 2);
  return {
    id: 'bytespike',
    accounts,
    keyOf: bearerKey,
    error,
    post: (account) => ledgers.get(account.name)?.postNext(),
    handle(req, account) {
      const ledger = account ? ledgers.get(account.name) : undefined;
      if (!ledger) return error(401, 'Missing or revoked API key', 'authentication_error');
      if (req.method === 'GET' && req.path === '/api/v1/balance') {
        return {
          status: 200,
          body: {
            balance_usd: usd(ledger.liveBalance()),
            currency: 'USD',
            keys: [
              { id: 'key_1', name: 'production', spent_usd: 412.3, limit_usd: 1000 },
              { id: 'key_2', name: 'staging', spent_usd: 18.05, limit_usd: null },
            ],
          },
        };
      }
      if (req.method === 'GET' && req.path === '/api/v1/me/billing/transactions') {
        const page = intParam(req.query, 'page', 1, 1, Number.MAX_SAFE_INTEGER);
        const pageSize = servedSize(req, intParam(req.query, 'page_size', 50, 1, 200));
        const kind = req.query.get('kind');
        if (kind !== null && !KINDS.includes(kind)) return error(400, `kind must be one of ${KINDS.join(', ')}`);
        const since = timeParam(req.query, 'since');
        const until = timeParam(req.query, 'until');
        const window = { sinceMs: since, untilMs: until };
        const keep = kind === null ? undefined : (e: { kind: string }) => e.kind === kind;
        const items = [...ledger.newestFirst((page - 1) * pageSize, pageSize, window, keep)].map((e) => ({
          id: 900000 + e.index,
          created_at: iso(e.createdAtMs).replace('.000Z', 'Z'),
          kind: e.kind,
          amount_usd: usd(e.amount),
          balance_after_usd: minorToJsonNumber(e.balanceAfter, 2),
          source:
            e.kind === 'topup'
              ? { provider: 'stripe', receipt_id: `ch_${e.index.toString(36)}`, method: 'card_visa_4242' }
              : e.kind.startsWith('admin')
                ? { actor: 'ops@bytespike.ai' }
                : {},
          note: e.kind.startsWith('admin') ? NOTES[e.index % NOTES.length] : null,
        }));
        return { status: 200, body: { items, total: ledger.count(window, keep), page, page_size: pageSize } };
      }
      if (req.method === 'GET' && req.path === '/api/v1/me/usage') {
        const calls = usage.get(account?.name ?? '') as LedgerModel;
        const page = intParam(req.query, 'page', 1, 1, Number.MAX_SAFE_INTEGER);
        const pageSize = servedSize(req, intParam(req.query, 'page_size', 50, 1, 200));
        const window = { sinceMs: timeParam(req.query, 'since'), untilMs: timeParam(req.query, 'until') };
        const items = [...calls.newestFirst((page - 1) * pageSize, pageSize, window)].map((e) => {
          const tokens = between(50, 4000, opts.seed, calls.salt, e.index, 7);
          return {
            id: `call_${e.index.toString(36)}`,
            created_at: iso(e.createdAtMs).replace('.000Z', 'Z'),
            model: e.kind,
            input_tokens: tokens,
            output_tokens: Math.floor(tokens / 3),
            cost_usd: minorToJsonNumber(-e.amount, 4),
            key_id: e.index % 3 === 0 ? 'key_2' : 'key_1',
          };
        });
        return { status: 200, body: { items, total: calls.count(window), page, page_size: pageSize } };
      }
      return error(404, 'Not found', 'not_found_error');
    },
  };
}
