// Indigenius as documented in seeds/indigenius.txt (transaction items per SPEC §1): X-API-Key, enveloped pages.
import {
  intParam,
  iso,
  makeKey,
  nextMonthStart,
  servedSize,
  type SandboxOptions,
  type SandboxProvider,
  type SandboxResponse,
} from '../common.js';
import { type GeneratedMovement, LedgerModel, minorToJsonNumber } from '../ledger.js';
import { between } from '../rng.js';

export function indigeniusMovement(seed: number, salt: number, i: number): GeneratedMovement {
  if (i % 20 === 0) return { kind: 'credit', amount: between(10, 50, seed, salt, i, 1) * 100 };
  return { kind: 'debit', amount: -between(5, 200, seed, salt, i, 2) };
}

export function createIndigenius(opts: SandboxOptions): SandboxProvider {
  const n = opts.entries;
  const ledgers = new Map<string, LedgerModel>([
    [
      'ok',
      new LedgerModel({
        seed: opts.seed,
        endMs: opts.endMs,
        name: 'indigenius/ok',
        count: n,
        openingBalance: 2500,
        generate: indigeniusMovement,
      }),
    ],
    [
      'bad',
      new LedgerModel({
        seed: opts.seed,
        endMs: opts.endMs,
        name: 'indigenius/bad',
        count: n,
        openingBalance: 2500,
        generate: indigeniusMovement,
        plants: { chainBreak: { at: Math.floor(n * 0.55), delta: 25 }, duplicates: [Math.floor(n * 0.25)] },
      }),
    ],
  ]);
  const accounts = [
    { name: 'ok', key: makeKey('indigenius', 'ok'), purpose: 'ledger reconciles' },
    { name: 'bad', key: makeKey('indigenius', 'bad'), purpose: 'planted chain break and duplicate' },
    { name: 'revoked', key: makeKey('indigenius', 'revoked'), purpose: 'refused (401)', refuse: 401 as const },
    { name: 'noscope', key: makeKey('indigenius', 'noscope'), purpose: 'no billing:read scope (403)', refuse: 403 as const },
  ];
  const error = (status: number, message: string): SandboxResponse => ({ status, body: { status: false, message } });
  const usd = (minor: number) => minorToJsonNumber(minor, 2);
  return {
    id: 'indigenius',
    accounts,
    keyOf: (req) => {
      const h = req.headers['x-api-key'];
      return Array.isArray(h) ? h[0] : h;
    },
    error,
    post: (account) => ledgers.get(account.name)?.postNext(),
    handle(req, account) {
      if (account?.refuse === 403) return error(403, 'Missing required scope: billing:read');
      const ledger = account ? ledgers.get(account.name) : undefined;
      if (!ledger) return error(401, 'Invalid API key');
      if (req.method === 'GET' && req.path === '/v1/billing/transactions') {
        const page = intParam(req.query, 'page', 1, 1, Number.MAX_SAFE_INTEGER);
        const pageSize = servedSize(req, intParam(req.query, 'pageSize', 10, 1, 100));
        const data = [...ledger.newestFirst((page - 1) * pageSize, pageSize)].map((e) => ({
          id: `665e${ledger.salt.toString(16).padStart(8, '0')}${e.index.toString(16).padStart(12, '0')}`,
          type: e.kind,
          amount: usd(Math.abs(e.amount)),
          balance_after: minorToJsonNumber(e.balanceAfter, 2),
          currency: 'USD',
          createdAt: iso(e.createdAtMs),
          description: e.kind === 'credit' ? 'Plan top-up' : 'Agent minutes',
        }));
        const totalCount = ledger.length;
        return {
          status: 200,
          body: {
            status: true,
            message: 'Billing transactions fetched',
            data,
            meta: { page, pageSize, totalPages: Math.ceil(totalCount / pageSize), totalCount },
          },
        };
      }
      if (req.method === 'GET' && req.path === '/v1/billing/history') {
        const page = intParam(req.query, 'page', 1, 1, Number.MAX_SAFE_INTEGER);
        const pageSize = servedSize(req, intParam(req.query, 'pageSize', 10, 1, 100));
        const debits: Array<{ index: number; cost: number; at: number }> = [];
        for (const e of ledger.newestFirst(0, Number.MAX_SAFE_INTEGER))
          if (e.kind === 'debit') debits.push({ index: e.index, cost: -e.amount, at: e.createdAtMs });
        const data = debits.slice((page - 1) * pageSize, page * pageSize).map((d) => ({
          id: `665f${ledger.salt.toString(16).padStart(8, '0')}${d.index.toString(16).padStart(12, '0')}`,
          cost: usd(d.cost),
          duration: between(20, 600, opts.seed, ledger.salt, d.index, 3),
          product: PRODUCTS[d.index % PRODUCTS.length],
          unit: d.index % 2 === 0 ? 'audio' : 'text',
          createdAt: iso(d.at),
        }));
        return {
          status: 200,
          body: {
            status: true,
            message: 'Billing history fetched',
            data,
            meta: { page, pageSize, totalPages: Math.ceil(debits.length / pageSize), totalCount: debits.length },
          },
        };
      }
      if (req.method === 'GET' && req.path === '/v1/billing/plan') {
        return {
          status: 200,
          body: {
            status: true,
            message: 'Plan fetched',
            data: { name: 'Growth', price: 49, currency: 'USD', interval: 'month', renewsAt: nextMonthStart(opts.endMs) },
          },
        };
      }
      if (req.method === 'GET' && req.path === '/v1/billing/currencies') {
        return {
          status: 200,
          body: {
            status: true,
            message: 'Currencies fetched',
            data: [
              { code: 'USD', name: 'US Dollar', symbol: '$' },
              { code: 'EUR', name: 'Euro', symbol: '€' },
              { code: 'NGN', name: 'Nigerian Naira', symbol: '₦' },
            ],
          },
        };
      }
      return error(404, 'Not found');
    },
  };
}

const PRODUCTS = ['agent', 'voice', 'chat'];
