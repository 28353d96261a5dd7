// The digest of verified history (reconcile/checkpoint.ts): what --full compares block by block.
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/core/money.js';
import type { CheckEntry } from '../../src/reconcile/check.js';
import { BLOCK, HistoryDigest, HistoryVerifier } from '../../src/reconcile/checkpoint.js';

/** Entries newest first, as a read hands them to the digest; `without` have no balance_after. */
function history(count: number, change: (entries: CheckEntry[]) => void = () => undefined): CheckEntry[] {
  const entries: CheckEntry[] = [];
  let balance = 0;
  for (let i = 0; i < count; i++) {
    const amount = i % 10 === 0 ? 5000 : -(10 + i);
    balance += amount;
    entries.push({
      id: `e${i}`,
      createdAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
      type: amount > 0 ? 'purchase' : 'usage',
      amount: Decimal.parse((amount / 100).toFixed(2)),
      balanceAfter: Decimal.parse((balance / 100).toFixed(2)),
      unit: 'USD',
    });
  }
  change(entries);
  return entries.reverse();
}

const digestOf = (entries: CheckEntry[]) => {
  const digest = new HistoryDigest();
  for (const e of entries) digest.add(e);
  return digest.blocks();
};

function firstChanged(before: CheckEntry[], after: CheckEntry[]) {
  const verifier = new HistoryVerifier(digestOf(before));
  for (const e of after) verifier.add(e);
  return verifier.firstChanged();
}

describe('the digest of verified history', () => {
  const withoutBalances = (entries: CheckEntry[]) => {
    for (const e of [entries[300]!, entries[301]!]) e.balanceAfter = null;
  };

  it('finds two entries without a balance that swapped amounts, though the chain across them still adds up', () => {
    const before = history(600, withoutBalances);
    const after = history(600, (entries) => {
      withoutBalances(entries);
      const [a, b] = [entries[300]!, entries[301]!];
      [a.amount, b.amount] = [b.amount, a.amount];
    });
    const changed = firstChanged(before, after);
    expect(changed?.block).toEqual(digestOf(before)[1]);
    expect(changed?.now).toEqual({ count: BLOCK });
  });

  it('finds an amount written another way only when its value changed: 1.50 and 1.5 are one amount', () => {
    const before = history(40);
    expect(
      firstChanged(
        before,
        history(40, (entries) => (entries[5]!.amount = Decimal.parse(`${entries[5]!.amount.toString()}0`))),
      ),
    ).toBeNull();
    expect(
      firstChanged(
        before,
        history(40, (entries) => (entries[5]!.amount = entries[5]!.amount.add(Decimal.parse('0.01')))),
      ),
    ).not.toBeNull();
  });

  it('finds nothing when the history read again is the one verified', () => {
    expect(firstChanged(history(600), history(600))).toBeNull();
  });
});
