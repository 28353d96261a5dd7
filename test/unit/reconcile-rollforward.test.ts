// Reconcile and the statement tell one story: the chain checker's opening and closing are the roll-forward's.
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/core/money.js';
import { ChainChecker, type CheckEntry, type CheckOptions } from '../../src/reconcile/check.js';
import { RollForward, type RollForwardResult } from '../../src/reconcile/rollforward.js';

const D = (text: string) => Decimal.parse(text);
const at = (minute: number) => new Date(Date.UTC(2026, 10, 1, 0, minute)).toISOString();
const DIRECTIONS = ['asc', 'desc'] as const;

const entry = (i: number, type: string, amount: string, balanceAfter: string | null): CheckEntry => ({
  id: `e${i}`,
  createdAt: at(i),
  type,
  amount: D(amount),
  balanceAfter: balanceAfter === null ? null : D(balanceAfter),
});

/** Opening 100; the oldest and the newest entries carry no balance_after. */
const gapsAtBothEnds = [
  entry(0, 'purchase', '5', null),
  entry(1, 'usage', '-1', '104'),
  entry(2, 'refund', '0.50', '104.50'),
  entry(3, 'usage', '-2.50', null),
];

const inOrder = (oldestFirst: CheckEntry[], direction: 'asc' | 'desc') => (direction === 'asc' ? oldestFirst : [...oldestFirst].reverse());

function both(oldestFirst: CheckEntry[], options: CheckOptions, purchasesOnly = false) {
  const checker = new ChainChecker(options);
  const roll = new RollForward({ direction: options.direction, purchasesOnly });
  for (const e of inOrder(oldestFirst, options.direction)) {
    checker.push(e);
    roll.push(e);
  }
  return { checked: checker.finish(), rolled: roll.finish() };
}

const figures = (r: RollForwardResult) => ({
  opening: r.opening?.toString() ?? null,
  closing: r.closing?.toString() ?? null,
  consumption: r.movements.consumption.toString(),
  ok: r.ok,
  entries: r.entries,
});

describe("the chain checker's opening and closing", () => {
  it.each(DIRECTIONS)(
    'are carried across entries without balance_after at either end, as the roll-forward carries them (%s)',
    (direction) => {
      const { checked, rolled } = both(gapsAtBothEnds, { direction });
      expect([checked.opening?.toString(), checked.closing?.toString()]).toEqual(['100', '102']);
      expect([checked.opening?.toString(), checked.closing?.toString()]).toEqual([rolled.opening?.toString(), rolled.closing?.toString()]);
      expect(checked.issues.map((i) => [i.kind, i.entryId])).toEqual([
        ['missing_balance_after', 'e3'],
        ['missing_balance_after', 'e0'],
      ]);
    },
  );

  it.each(DIRECTIONS)('come with the whole roll-forward of the entries checked: movements by type, count and verdict (%s)', (direction) => {
    const { checked, rolled } = both(gapsAtBothEnds, { direction });
    expect(checked.rollForward).toEqual(rolled);
    expect(checked.rollForward.movements.usage.toString()).toBe('-3.5');
    expect(checked.rollForward.ok).toBe(true);
  });

  it.each(DIRECTIONS)('leave a repeated entry out of the roll-forward: it is one movement, not two (%s)', (direction) => {
    const copy = { ...(gapsAtBothEnds[1] as CheckEntry) };
    const checker = new ChainChecker({ direction });
    for (const e of inOrder([...gapsAtBothEnds.slice(0, 2), copy, ...gapsAtBothEnds.slice(2)], direction)) checker.push(e);
    const r = checker.finish();
    expect(r.issues.map((i) => i.kind)).toContain('duplicate');
    expect(figures(r.rollForward)).toEqual(figures(both(gapsAtBothEnds, { direction }).rolled));
  });

  const purchases = [entry(0, 'purchase', '5000', '5000'), entry(1, 'purchase', '3000', '6500'), entry(2, 'purchase', '1000', '7000')];

  it.each(DIRECTIONS)("take a purchases-only ledger's consumption from the roll-forward's rule (%s)", (direction) => {
    const { checked, rolled } = both(purchases, { direction, mode: 'purchases', fromZero: true }, true);
    expect(figures(checked.rollForward)).toEqual(figures(rolled));
    expect(figures(checked.rollForward)).toMatchObject({ opening: '0', closing: '7000', consumption: '-2000', ok: true });
    expect(checked.purchases.consumedBetween.toString()).toBe('2000');
  });

  it.each(DIRECTIONS)('count consumption in auto mode only when every entry is a purchase (%s)', (direction) => {
    const auto = both(purchases, { direction, mode: 'auto' }, true);
    expect(auto.checked.mode).toBe('purchases');
    expect(figures(auto.checked.rollForward)).toEqual(figures(auto.rolled));
    // with usage listed, the drop between the two purchases is that usage, not consumption
    const mixed = [entry(0, 'purchase', '5000', '5000'), entry(1, 'usage', '-1500', '3500'), entry(2, 'purchase', '3000', '6500')];
    const chain = both(mixed, { direction, mode: 'auto' });
    expect(chain.checked.mode).toBe('chain');
    expect(figures(chain.checked.rollForward)).toEqual(figures(chain.rolled));
    expect(figures(chain.checked.rollForward)).toMatchObject({ opening: '0', closing: '6500', consumption: '0', ok: true });
  });
});

describe("the roll-forward's sums by type", () => {
  it.each([
    [
      'mixed scales and amounts past 2^53 units',
      ['0.1', '0.25', '-1', '4503599627370497', '9007199254740993.5', '-0.005', '12345678901234567890.123'],
    ],
    ['many amounts whose running total passes 2^52 units', Array.from({ length: 9 }, () => '22517998136852.49')],
  ])('stay exact: %s', (_, amounts) => {
    const roll = new RollForward({ direction: 'asc' });
    let expected = Decimal.ZERO;
    for (const [i, a] of [...amounts, ...amounts].entries()) {
      roll.push({ createdAt: at(i), type: 'usage', amount: D(a), balanceAfter: null });
      expected = expected.add(D(a));
    }
    expect(roll.finish().movements.usage.toString()).toBe(expected.toString());
  });

  it('add up to the figures worked by hand', () => {
    const roll = new RollForward({ direction: 'asc' });
    for (const [i, a] of ['22517998136852.49', '22517998136852.49', '22517998136852.49', '0.02', '-1.5'].entries())
      roll.push({ createdAt: at(i), type: 'usage', amount: D(a), balanceAfter: null });
    expect(roll.finish().movements.usage.toString()).toBe('67553994410555.99');
  });
});
