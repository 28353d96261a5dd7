// Conflux API calls and their mapping to tally's models (seeds/conflux.txt).
import { ShapeReader } from '../shared/shape.js';
import type { Balance, ProviderAdapter, ProviderContext } from '../types.js';
import { info } from './info.js';

async function balance(ctx: ProviderContext): Promise<Balance> {
  const res = await ctx.http.getJson('/v1/api-credits');
  const r = new ShapeReader(res.endpoint);
  const body = r.object(res.body, 'body');
  return {
    unit: 'credits',
    balance: r.decimal(body, 'balance', 'body'),
    available: null,
    reserved: null,
    asOf: ctx.now().toISOString(),
    source: 'balance endpoint',
  };
}

export const adapter: ProviderAdapter = { info, balance };
