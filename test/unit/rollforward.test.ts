import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/core/money.js';
import { consumptionBetween, RollForward, type RollEntry } from '../../src/reconcile/rollforward.js';

const d = (s: string) => Decimal.parse(s);
const entry = (createdAt: string, type: string, amount: string, balanceAfter: string | null): RollEntry => ({
  createdAt,
  type,
  amount: d(amount),
  balanceAfter: balanceAfter === null ? null : d(balanceAfter),
});

const chain = [
  entry('2026-11-01T00:00:00.000Z', 'purchase', '50.00', '60.00'),
  entry('2026-11-02T00:00:00.000Z', 'usage', '-2.50', '57.50'),
  entry('2026-11-03T00:00:00.000Z', 'refund', '1.25', '58.75'),
  entry('2026-11-04T00:00:00.000Z', 'usage', '-0.75', '58.00'),
];

function roll(entries: RollEntry[], direction: 'asc' | 'desc', purchasesOnly = false) {
  const r = new RollForward({ direction, purchasesOnly });
  for (const e of direction === 'asc' ? entries : [...entries].reverse()) r.push(e);
  return r.finish();
}

describe('the roll-forward of a period', () => {
  it.each(['asc', 'desc'] as const)('opens before the first movement, sums by type and closes after the last (%s)', (direction) => {
    const r = roll(chain, direction);
    expect(r.opening?.toString()).toBe('10');
    expect(r.closing?.toString()).toBe('58');
    expect(r.movements.purchase.toString()).toBe('50');
    expect(r.movements.usage.toString()).toBe('-3.25');
    expect(r.movements.refund.toString()).toBe('1.25');
    expect(r.movements.consumption.toString()).toBe('0');
    expect(r.entries).toBe(4);
    expect([r.from, r.to]).toEqual(['2026-11-01T00:00:00.000Z', '2026-11-04T00:00:00.000Z']);
    expect(r.ok).toBe(true);
    expect(r.difference?.toString()).toBe('0');
  });

  it.each(['asc', 'desc'] as const)(
    'does not hold across a break that later entries follow, and names the difference (%s)',
    (direction) => {
      const broken = [
        ...chain.slice(0, 2),
        entry('2026-11-03T00:00:00.000Z', 'refund', '1.25', '58.82'),
        entry('2026-11-04T00:00:00.000Z', 'usage', '-0.75', '58.07'),
      ];
      const r = roll(broken, direction);
      expect(r.ok).toBe(false);
      expect(r.difference?.toString()).toBe('0.07');
    },
  );

  it.each(['asc', 'desc'] as const)('carries entries without a balance into the opening and closing (%s)', (direction) => {
    const gaps = [
      entry('2026-11-01T00:00:00.000Z', 'purchase', '50.00', null),
      ...chain.slice(1, 3),
      entry('2026-11-04T00:00:00.000Z', 'usage', '-0.75', null),
    ];
    const r = roll(gaps, direction);
    expect(r.opening?.toString()).toBe('10');
    expect(r.closing?.toString()).toBe('58');
    expect(r.ok).toBe(true);
  });

  it('holds for an empty period, with nothing to open or close', () => {
    const r = new RollForward({ direction: 'desc' }).finish();
    expect(r).toMatchObject({ opening: null, closing: null, entries: 0, ok: true, from: null, to: null });
    expect(r.difference?.toString()).toBe('0');
  });

  it('fails when no entry carries a balance: nothing proves the period', () => {
    const r = roll([entry('2026-11-01T00:00:00.000Z', 'usage', '-1', null)], 'asc');
    expect(r).toMatchObject({ opening: null, closing: null, ok: false, difference: null });
  });

  const purchases = [
    entry('2026-11-01T00:00:00.000Z', 'purchase', '5000', '5000'),
    entry('2026-11-05T00:00:00.000Z', 'purchase', '3000', '6500'),
    entry('2026-11-09T00:00:00.000Z', 'purchase', '1000', '7000'),
  ];

  it.each(['asc', 'desc'] as const)('counts the drops between purchases as consumption in a purchases-only ledger (%s)', (direction) => {
    const r = roll(purchases, direction, true);
    expect(r.movements.consumption.toString()).toBe('-2000');
    expect(r.movements.purchase.toString()).toBe('9000');
    expect([r.opening?.toString(), r.closing?.toString(), r.ok]).toEqual(['0', '7000', true]);
  });

  it.each(['asc', 'desc'] as const)('leaves a rise between purchases in the difference: no consumption explains it (%s)', (direction) => {
    const risen = [...purchases.slice(0, 2), entry('2026-11-09T00:00:00.000Z', 'purchase', '1000', '7600')];
    const r = roll(risen, direction, true);
    expect(r.movements.consumption.toString()).toBe('-1500');
    expect(r.ok).toBe(false);
    expect(r.difference?.toString()).toBe('100');
  });

  it('knows consumption only between two balances, never negative', () => {
    expect(consumptionBetween(d('10'), { amount: d('5'), balanceAfter: d('12') })?.toString()).toBe('3');
    expect(consumptionBetween(d('10'), { amount: d('5'), balanceAfter: d('16') })).toBeNull();
    expect(consumptionBetween(null, { amount: d('5'), balanceAfter: d('16') })).toBeNull();
    expect(consumptionBetween(d('10'), { amount: d('5'), balanceAfter: null })).toBeNull();
  });
});
