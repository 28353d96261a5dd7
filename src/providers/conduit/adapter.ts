// Conduit's API calls and their mapping to tally's models (seeds/conduit.txt).
import { ShapeReader } from '../shared/shape.js';
import type { Balance, ProviderAdapter, ProviderContext } from '../types.js';
import { info } from './info.js';

async function balance(ctx: ProviderContext): Promise<Balance> {
  const res = await ctx.http.getJson('/api/billing/balance');
  const r = new ShapeReader(res.endpoint);
  const body = r.object(res.body, 'body');
  const cents = r.minor(body, 'balanceInCents', 'body', 2);
  return { unit: 'USD', balance: cents, available: null, reserved: null, asOf: ctx.now().toISOString(), source: 'balance endpoint' };
}

export const adapter: ProviderAdapter = { info, balance };
