// Indigenius API calls and their mapping to tally's models (seeds/indigenius.txt, SPEC §1).
import { ShapeReader } from '../shared/shape.js';
import type { Balance, ProviderAdapter, ProviderContext } from '../types.js';
import { info } from './info.js';

/** The documented envelope: {status, message, data, meta}. status false is the provider saying no. */
function envelopeData(r: ShapeReader, body: unknown): unknown {
  const env = r.object(body, 'body');
  if (env.status === false) r.fail('body.status', `is false (${String(env.message ?? 'no message')})`);
  return env.data;
}

/** Indigenius documents no balance endpoint: the newest transaction's balance_after stands in, labelled so. */
async function balance(ctx: ProviderContext): Promise<Balance> {
  const res = await ctx.http.getJson('/v1/billing/transactions', { page: 1, pageSize: 1 });
  const r = new ShapeReader(res.endpoint);
  const items = r.array(envelopeData(r, res.body), 'body.data');
  if (items.length === 0) {
    return { unit: 'USD', balance: null, available: null, reserved: null, asOf: null, source: 'newest transaction' };
  }
  const newest = r.object(items[0], 'body.data[0]');
  return {
    unit: r.optionalString(newest, 'currency', 'body.data[0]') ?? 'USD',
    balance: r.decimal(newest, 'balance_after', 'body.data[0]'),
    available: null,
    reserved: null,
    asOf: r.timestamp(newest, 'createdAt', 'body.data[0]'),
    source: 'newest transaction',
  };
}

export const adapter: ProviderAdapter = {
  info,
  balance,
  errorMessage: (body) => {
    if (typeof body === 'object' && body !== null && typeof (body as Record<string, unknown>).message === 'string') {
      return (body as Record<string, string>).message;
    }
    return undefined;
  },
};
