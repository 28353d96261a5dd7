// The burn and runway arithmetic (src/commands/burn.ts): exact, rounded only where shown.
import { describe, expect, it } from 'vitest';
import { type Burn, chainBurn, DAY_MS, purchasesBurn, runwayBelow, runwayDays } from '../../src/commands/burn.js';
import { Decimal } from '../../src/core/money.js';
import type { EntryType, LedgerEntry, LedgerRead } from '../../src/providers/types.js';

const now = new Date('2026-12-01T12:00:00Z');
const d = (text: string) => Decimal.parse(text);
const ago = (days: number) => new Date(now.getTime() - days * DAY_MS).toISOString();

function entry(daysAgo: number, type: EntryType, amount: string, balanceAfter: string | null = null, unit = 'USD'): LedgerEntry {
  return {
    id: `e${daysAgo}`,
    createdAt: ago(daysAgo),
    type,
    providerType: type,
    amount: d(amount),
    balanceAfter: balanceAfter === null ? null : d(balanceAfter),
    unit,
    description: null,
    reference: null,
    metadata: null,
  };
}

/** A read of these entries (newest first) that applies no filter itself. */
const reading = (entries: LedgerEntry[]) => (): LedgerRead => ({
  pages: (async function* () {
    yield entries;
  })(),
  applied: { type: false, since: false, until: false },
});

describe('burn', () => {
  it('counts what usage, debits and subscriptions took out in the last 7 days, not purchases, refunds or older entries', async () => {
    const burn = await chainBurn(
      reading([
        entry(1, 'usage', '-1.00'),
        entry(2, 'purchase', '50.00'),
        entry(3, 'subscription', '-4.00'),
        entry(4, 'refund', '-9.00'),
        entry(5, 'debit', '-2.00'),
        entry(6, 'credit', '1.00'),
        entry(8, 'usage', '-100.00'),
      ]),
      now,
      'USD',
    );
    expect(burn.spent.toString(2)).toBe('7.00');
    expect(burn.perDay.toString()).toBe('1');
    expect(burn.perDay.scale).toBe(2);
  });

  it('rounds the rate per day half away from zero at the spending’s own decimals', async () => {
    const burn = await chainBurn(reading([entry(1, 'usage', '-0.035')]), now, 'USD');
    // 0.035 / 7 = 0.005
    expect(burn.perDay.toString(3)).toBe('0.005');
    const credits = await chainBurn(reading([entry(1, 'usage', '-10', null, 'credits')]), now, 'credits');
    expect(credits.perDay.toString()).toBe('1');
  });

  it('is not known when the spending is in another unit than the balance: never summed across units', async () => {
    await expect(chainBurn(reading([entry(1, 'usage', '-1'), entry(2, 'usage', '-2', null, 'EUR')]), now, 'USD')).rejects.toThrow(
      'entry e2 of the last 7 days is in EUR, the balance in USD: spending in different units is never summed',
    );
  });

  it('gives conflux the drop since the newest purchase at least 7 days old, over the time since it', async () => {
    // balance after the purchase 10 days ago: 1000; bought 500 since; 300 left now: 1200 consumed in 10 days
    const burn = await purchasesBurn(
      reading([entry(3, 'purchase', '500', '1400'), entry(10, 'purchase', '1000', '1000'), entry(20, 'purchase', '1000', '1000')]),
      now,
      d('300'),
      'credits',
    );
    expect(burn).toMatchObject({ spanMs: 10 * DAY_MS, from: ago(10) });
    expect(burn?.spent.toString()).toBe('1200');
    expect(burn?.perDay.toString()).toBe('120');
  });

  it('counts a conflux account younger than 7 days from its first purchase, and knows nothing of an empty one', async () => {
    const burn = await purchasesBurn(reading([entry(2, 'purchase', '1000', '1000')]), now, d('800'), 'credits');
    expect(burn?.spent.toString()).toBe('200');
    expect(burn?.perDay.toString()).toBe('100');
    expect(await purchasesBurn(reading([]), now, d('0'), 'credits')).toBeNull();
  });
});

describe('runway', () => {
  const burn = (spent: string, days = 7): Burn => ({ spent: d(spent), spanMs: days * DAY_MS, from: ago(days), perDay: d('0') });

  it('is the days the balance lasts, rounded down to a tenth; 0 when nothing is left; null when nothing was spent', () => {
    expect(runwayDays(d('10.00'), burn('7.00'))).toBe(10);
    // 10 / (3/7) = 23.33…
    expect(runwayDays(d('10.00'), burn('3.00'))).toBe(23.3);
    // 9.99 / 1 per day = 9.99: 9.9, never 10.0
    expect(runwayDays(d('9.99'), burn('7'))).toBe(9.9);
    expect(runwayDays(d('-5'), burn('7'))).toBe(0);
    expect(runwayDays(d('10'), burn('0'))).toBeNull();
  });

  it('compares with a minimum exactly, not through the rounded figure', () => {
    // 9.99 days: below 10, not below 9.99
    expect(runwayBelow(d('9.99'), burn('7'), d('10'))).toBe(true);
    expect(runwayBelow(d('9.99'), burn('7'), d('9.99'))).toBe(false);
    expect(runwayBelow(d('9.99'), burn('7'), d('9.9'))).toBe(false);
    expect(runwayBelow(d('100'), burn('0'), d('36500'))).toBe(false);
  });
});
