// Account API as documented in seeds/account-api.txt (ledger envelope per SPEC §1): float credits, debits positive.
import {
  bearerKey,
  intParam,
  iso,
  makeKey,
  nextMonthStart,
  servedSize,
  type SandboxOptions,
  type SandboxProvider,
  type SandboxResponse,
  timeParam,
} from '../common.js';
import { type GeneratedMovement, LedgerModel, minorToJsonNumber } from '../ledger.js';
import { between, unit } from '../rng.js';

/** Tenths and fifths that never add up in binary floating point. */
const TENTHS = [10, 20, 30, 70, 10, 20, 30, 60, 90, 15];
const SCALE = 2;

export function accountApiMovement(seed: number, salt: number, i: number): GeneratedMovement {
  if (i % 30 === 0) return { kind: 'credit', amount: between(20, 200, seed, salt, i, 1) * 100 };
  const r = unit(seed, salt, i, 2);
  if (r < 0.04) return { kind: 'adjustment', amount: between(-200, 200, seed, salt, i, 3) };
  return { kind: 'debit', amount: -(TENTHS[i % TENTHS.length] as number) };
}

const RESERVED = 1250;

export function createAccountApi(opts: SandboxOptions): SandboxProvider {
  const n = opts.entries;
  const ledgers = new Map<string, LedgerModel>([
    [
      'ok',
      new LedgerModel({
        seed: opts.seed,
        endMs: opts.endMs,
        name: 'account-api/ok',
        count: n,
        openingBalance: 10000,
        generate: accountApiMovement,
      }),
    ],
    [
      'bad',
      new LedgerModel({
        seed: opts.seed,
        endMs: opts.endMs,
        name: 'account-api/bad',
        count: n,
        openingBalance: 10000,
        generate: accountApiMovement,
        plants: { chainBreak: { at: Math.floor(n * 0.5), delta: -10 }, duplicates: [Math.floor(n * 0.2)] },
      }),
    ],
    [
      'reserved',
      new LedgerModel({
        seed: opts.seed,
        endMs: opts.endMs,
        name: 'account-api/reserved',
        count: n,
        openingBalance: 10000,
        generate: accountApiMovement,
      }),
    ],
  ]);
  const accounts = [
    { name: 'ok', key: makeKey('account-api', 'ok'), purpose: 'ledger reconciles (0.1-style float amounts)' },
    { name: 'bad', key: makeKey('account-api', 'bad'), purpose: 'planted chain break and duplicate' },
    { name: 'reserved', key: makeKey('account-api', 'reserved'), purpose: 'available + reserved differs from the balance' },
    { name: 'revoked', key: makeKey('account-api', 'revoked'), purpose: 'refused (401)', refuse: 401 as const },
  ];
  const error = (status: number, message: string): SandboxResponse => ({ status, body: { detail: message } });
  const num = (minor: number) => minorToJsonNumber(minor, SCALE);
  return {
    id: 'account-api',
    accounts,
    keyOf: bearerKey,
    error,
    post: (account) => ledgers.get(account.name)?.postNext(),
    handle(req, account) {
      const ledger = account ? ledgers.get(account.name) : undefined;
      if (!ledger) return error(401, 'Could not validate credentials');
      if (req.method === 'GET' && req.path === '/auth/account/credits') {
        const balance = ledger.liveBalance();
        return {
          status: 200,
          body: {
            user_id: 42,
            balance: num(balance),
            reserved: num(RESERVED),
            // the `reserved` account's figures do not add up: available is 1.00 short
            available: num(balance - RESERVED - (account?.name === 'reserved' ? 100 : 0)),
            currency: 'USD',
            last_updated: iso(ledger.createdAtMs(ledger.size - 1)),
            auto_reload_enabled: false,
            auto_reload_threshold: 10,
            auto_reload_amount: 50,
          },
        };
      }
      if (req.method === 'GET' && req.path === '/auth/account/ledger') {
        const limit = servedSize(req, intParam(req.query, 'limit', 50, 1, 100));
        const offset = intParam(req.query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
        const type = req.query.get('type');
        const from = timeParam(req.query, 'from');
        const to = timeParam(req.query, 'to');
        const window = { sinceMs: from, untilMs: to };
        const keep = type === null ? undefined : (e: { kind: string }) => e.kind === type;
        const data = [...ledger.newestFirst(offset, limit, window, keep)].map((e) => ({
          id: 1000 + e.index,
          user_id: 42,
          type: e.kind,
          amount: num(e.kind === 'debit' ? -e.amount : e.amount),
          balance_after: minorToJsonNumber(e.balanceAfter, SCALE),
          description: e.kind === 'credit' ? 'Credit purchase' : e.kind === 'debit' ? 'API usage' : 'Manual adjustment',
          reference: e.kind === 'credit' ? `pay_${e.index.toString(36)}` : null,
          metadata: {},
          created_at: iso(e.createdAtMs),
        }));
        return { status: 200, body: { data, total: ledger.count(window, keep), limit, offset } };
      }
      if (req.method === 'GET' && (req.path === '/auth/account/usage' || req.path === '/auth/account/summary')) {
        const period = req.query.get('period') ?? 'monthly';
        if (!['daily', 'monthly', 'yearly'].includes(period)) return error(400, 'period must be daily, monthly or yearly');
        const now = ledger.createdAtMs(ledger.size - 1) + 1;
        const monthStart = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), 1);
        const from = req.path === '/auth/account/usage' ? (timeParam(req.query, 'from') ?? monthStart) : monthStart;
        const to = req.path === '/auth/account/usage' ? (timeParam(req.query, 'to') ?? now) : now;
        const usage = usageStats(ledger, period, from, to);
        if (req.path === '/auth/account/usage') return { status: 200, body: usage };
        const balance = ledger.liveBalance();
        return {
          status: 200,
          body: {
            user_id: 42,
            email: 'ada@example.com',
            credit_balance: {
              user_id: 42,
              balance: num(balance),
              reserved: num(RESERVED),
              available: num(balance - RESERVED),
              currency: 'USD',
              last_updated: iso(ledger.createdAtMs(ledger.size - 1)),
            },
            subscription: { plan: 'pro', status: 'active', renews_at: nextMonthStart(opts.endMs).replace('.000Z', 'Z') },
            usage_this_month: usage,
            total_requests_all_time: ledger.size * 3 + 17,
            account_created_at: iso(ledger.createdAtMs(0)),
            last_login_at: iso(now),
          },
        };
      }
      return error(404, 'Not Found');
    },
  };
}

const ENDPOINTS = ['/v1/chat/completions', '/v1/embeddings', '/v1/completions'];

/** UsageStats from the debits in [from, to): each debit is one successful request, plus a few failures. */
function usageStats(ledger: LedgerModel, period: string, from: number, to: number) {
  let consumed = 0;
  let requests = 0;
  const byEndpoint: Record<string, number> = {};
  for (const e of ledger.newestFirst(0, Number.MAX_SAFE_INTEGER, { sinceMs: from, untilMs: to })) {
    if (e.kind !== 'debit') continue;
    consumed -= e.amount;
    requests++;
    const endpoint = ENDPOINTS[e.index % ENDPOINTS.length] as string;
    byEndpoint[endpoint] = (byEndpoint[endpoint] ?? 0) + 1;
  }
  const failed = Math.floor(requests / 25);
  return {
    user_id: 42,
    period,
    total_requests: requests + failed,
    successful_requests: requests,
    failed_requests: failed,
    credits_consumed: minorToJsonNumber(consumed, SCALE),
    requests_by_endpoint: byEndpoint,
    period_start: iso(from),
    period_end: iso(to),
  };
}
