import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/core/money.js';
import { ChainChecker, type CheckEntry, type CheckOptions, type CheckResult } from '../../src/reconcile/check.js';

/** A whole list through the streaming checker, as reconcile feeds it. */
function checkEntries(entries: Iterable<CheckEntry>, options: CheckOptions): CheckResult {
  const checker = new ChainChecker(options);
  for (const e of entries) checker.push(e);
  return checker.finish();
}

/** A consistent ledger, oldest first: entry i moves the balance by amounts[i]. */
function ledger(amounts: string[], opening = '100'): CheckEntry[] {
  let balance = Decimal.parse(opening);
  return amounts.map((a, i) => {
    const amount = Decimal.parse(a);
    balance = balance.add(amount);
    return {
      id: `e${i}`,
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
      type: amount.isNegative() ? 'usage' : 'credit',
      amount,
      balanceAfter: balance,
    };
  });
}

const amounts = (n: number) => Array.from({ length: n }, (_, i) => (i % 7 === 0 ? '10.00' : '-0.25'));
const both = (entries: CheckEntry[], options: Partial<CheckOptions> = {}) => ({
  desc: checkEntries([...entries].reverse(), { direction: 'desc', ...options }),
  asc: checkEntries(entries, { direction: 'asc', ...options }),
});
const kinds = (r: { issues: { kind: string; entryId: string | null }[] }) => r.issues.map((i) => `${i.kind}@${i.entryId}`);

describe('reconcile chain check', () => {
  it('finds nothing in a consistent ledger, and reports opening and closing', () => {
    const { desc, asc } = both(ledger(amounts(50)));
    for (const r of [desc, asc]) {
      expect(r.issues).toEqual([]);
      expect(r.checked).toBe(50);
      expect(r.opening?.toString(2)).toBe('100.00');
      expect(r.closing?.eq(ledger(amounts(50))[49]!.balanceAfter!)).toBe(true);
    }
  });

  it('adds 0.1-style float credits exactly', () => {
    const entries = ledger(
      Array.from({ length: 1000 }, () => '0.1'),
      '0',
    );
    // rebuild balances through JSON floats, as a provider would send them
    const viaFloats = entries.map((e) => ({
      ...e,
      amount: Decimal.fromNumber(0.1),
      balanceAfter: Decimal.fromNumber(Number(e.balanceAfter!.toString())),
    }));
    expect(both(viaFloats).desc.issues).toEqual([]);
  });

  it('reports a break once, at the entry that breaks, when later entries continue from it', () => {
    const entries = ledger(amounts(40));
    for (let i = 20; i < 40; i++) entries[i] = { ...entries[i]!, balanceAfter: entries[i]!.balanceAfter!.add(Decimal.parse('0.07')) };
    const { desc, asc } = both(entries);
    for (const r of [desc, asc]) {
      expect(kinds(r)).toEqual(['chain_break@e20']);
      expect(r.issues[0]).toMatchObject({ previousId: 'e19' });
      expect(r.issues[0]!.delta!.toString()).toBe('0.07');
      expect(r.issues[0]!.actual!.sub(r.issues[0]!.expected!).toString()).toBe('0.07');
    }
  });

  it('reports a single wrong balance_after once, at that entry', () => {
    const entries = ledger(amounts(40));
    entries[15] = { ...entries[15]!, balanceAfter: Decimal.parse('999') };
    const { desc, asc } = both(entries);
    expect(kinds(desc)).toEqual(['chain_break@e15']);
    expect(kinds(asc)).toEqual(['chain_break@e15']);
  });

  it('reports two separate breaks separately', () => {
    const entries = ledger(amounts(40));
    for (let i = 10; i < 40; i++) entries[i] = { ...entries[i]!, balanceAfter: entries[i]!.balanceAfter!.add(Decimal.parse('1')) };
    for (let i = 11; i < 40; i++) entries[i] = { ...entries[i]!, balanceAfter: entries[i]!.balanceAfter!.add(Decimal.parse('2')) };
    const { desc, asc } = both(entries);
    expect(kinds(desc).sort()).toEqual(['chain_break@e10', 'chain_break@e11']);
    expect(kinds(asc).sort()).toEqual(['chain_break@e10', 'chain_break@e11']);
  });

  it('reports a duplicate once and skips it, so it does not cascade', () => {
    const entries = ledger(amounts(30));
    entries.splice(12, 0, { ...entries[11]! });
    const { desc, asc } = both(entries);
    expect(kinds(desc)).toEqual(['duplicate@e11']);
    expect(kinds(asc)).toEqual(['duplicate@e11']);
    expect(desc.issues[0]!.message).toBe('entry e11 is listed twice');
  });

  it('reports a duplicate listed 5,000 entries after the first, and skips it', () => {
    const entries = ledger(amounts(6000));
    entries.splice(5011, 0, { ...entries[10]! });
    const { desc, asc } = both(entries);
    expect(kinds(asc)).toEqual(['duplicate@e10']);
    expect(asc.issues[0]!.message).toBe('entry e10 is listed twice');
    expect(asc.checked).toBe(6001);
    // newest first, the copy comes first: it is out of place where it stands, and the entry itself repeats it
    expect(kinds(desc).filter((k) => k.startsWith('duplicate'))).toEqual(['duplicate@e10']);
    expect(kinds(desc)).toContain('order@e10');
  });

  it('says when a repeated id far from the first comes with different content', () => {
    const entries = ledger(amounts(6000));
    entries.splice(5500, 0, { ...entries[3]!, amount: Decimal.parse('-0.26') });
    const { desc, asc } = both(entries);
    expect(kinds(asc)).toEqual(['duplicate@e3']);
    expect(asc.issues[0]!.message).toBe('entry e3 is listed twice with different content');
    const duplicate = desc.issues.filter((i) => i.kind === 'duplicate');
    expect(duplicate.map((i) => [i.entryId, i.message])).toEqual([['e3', 'entry e3 is listed twice with different content']]);
  });

  it('reports an entry without balance_after and checks the chain across it', () => {
    const entries = ledger(amounts(30));
    entries[9] = { ...entries[9]!, balanceAfter: null };
    const { desc, asc } = both(entries);
    expect(kinds(desc)).toEqual(['missing_balance_after@e9']);
    expect(kinds(asc)).toEqual(['missing_balance_after@e9']);
    // and a break hidden next to the gap is still found
    entries[10] = { ...entries[10]!, balanceAfter: entries[10]!.balanceAfter!.add(Decimal.parse('5')) };
    for (let i = 11; i < 30; i++) entries[i] = { ...entries[i]!, balanceAfter: entries[i]!.balanceAfter!.add(Decimal.parse('5')) };
    expect(kinds(both(entries).desc).sort()).toEqual(['chain_break@e10', 'missing_balance_after@e9']);
  });

  it('reports a timestamp out of order once, at the entry out of place', () => {
    for (const [index, when] of [
      [12, '2026-01-01T05:00:00.000Z'],
      [12, '2025-12-01T00:00:00.000Z'],
    ] as const) {
      const entries = ledger(amounts(30));
      entries[index] = { ...entries[index]!, createdAt: when };
      const { desc, asc } = both(entries);
      expect(kinds(desc)).toEqual([`order@e${index}`]);
      expect(kinds(asc)).toEqual([`order@e${index}`]);
    }
  });

  it('widens the check by --tolerance', () => {
    const entries = ledger(amounts(20));
    for (let i = 5; i < 20; i++) entries[i] = { ...entries[i]!, balanceAfter: entries[i]!.balanceAfter!.add(Decimal.parse('0.01')) };
    expect(both(entries, { tolerance: Decimal.parse('0.01') }).desc.issues).toEqual([]);
    expect(both(entries, { tolerance: Decimal.parse('0.005') }).desc.issues).toHaveLength(1);
  });

  it('keeps the first issues in full and counts the rest', () => {
    const entries = ledger(amounts(50)).map((e, i) => ({ ...e, balanceAfter: Decimal.parse(String(i * 1000)) }));
    const r = checkEntries(entries, { direction: 'asc', maxIssues: 5 });
    expect(r.issues).toHaveLength(5);
    expect(r.issueCount).toBeGreaterThan(5);
  });
});

describe('purchases-only history (conflux)', () => {
  /** Purchases with consumption between them: balance after = before - consumed + amount. */
  function purchases(): CheckEntry[] {
    let balance = 0;
    return [15000, 20000, 5000, 30000].map((amount, i) => {
      balance = balance - (i === 0 ? 0 : 1200 * i) + amount;
      return {
        id: `tx${i}`,
        createdAt: new Date(Date.UTC(2026, 2, i + 1)).toISOString(),
        type: 'purchase',
        amount: Decimal.fromMinor(amount, 0),
        balanceAfter: Decimal.fromMinor(balance, 0),
      };
    });
  }

  it('is not reported as chain breaks, and sums purchases and the consumption between them', () => {
    for (const direction of ['asc', 'desc'] as const) {
      const list = direction === 'asc' ? purchases() : purchases().reverse();
      const r = checkEntries(list, { direction, mode: 'auto', fromZero: true });
      expect(r.mode).toBe('purchases');
      expect(r.issues).toEqual([]);
      expect(r.purchases.purchased.toString()).toBe('70000');
      expect(r.purchases.consumedBetween.toString()).toBe(String(1200 + 2400 + 3600));
    }
  });

  it('flags a purchase that raised the balance by more than its amount', () => {
    const list = purchases();
    list[2] = { ...list[2]!, balanceAfter: list[2]!.balanceAfter!.add(Decimal.parse('9999')) };
    const r = checkEntries(list, { direction: 'asc', mode: 'purchases', fromZero: true });
    expect(kinds(r)).toEqual(['chain_break@tx2']);
  });

  it('widens the purchase check by --tolerance', () => {
    const list = purchases();
    // a purchase that raised the balance by 1 credit more than its amount, with nothing consumed before it
    list[2] = { ...list[2]!, balanceAfter: list[1]!.balanceAfter!.add(list[2]!.amount).add(Decimal.parse('1')) };
    for (const direction of ['asc', 'desc'] as const) {
      const ordered = direction === 'asc' ? list : [...list].reverse();
      const within = checkEntries(ordered, { direction, mode: 'purchases', fromZero: true, tolerance: Decimal.parse('1') });
      expect(kinds(within)).toEqual([]);
      const beyond = checkEntries(ordered, { direction, mode: 'purchases', fromZero: true, tolerance: Decimal.parse('0.5') });
      expect(kinds(beyond)).toEqual(['chain_break@tx2']);
    }
  });

  it('in auto mode judges a ledger with other movements as a full chain', () => {
    const r = checkEntries(ledger(amounts(10)), { direction: 'asc', mode: 'auto' });
    expect(r.mode).toBe('chain');
  });
});

describe('a ledger whose unit changes', () => {
  it('is one unit_change at the first entry in the new unit, either way round, and never a chain_break across it', () => {
    const entries = ledger(['50', '50', '-5', '-1']).map((e, i) => ({ ...e, unit: i < 2 ? 'USD' : 'EUR' }));
    const { desc, asc } = both(entries);
    for (const r of [desc, asc]) {
      expect(kinds(r)).toEqual(['unit_change@e2']);
      expect(r.issues[0]).toMatchObject({
        previousId: 'e1',
        message: 'entry e2 is in EUR, the entry before it (e1) in USD: amounts in different units are never summed',
      });
    }
  });

  it('still finds a break inside each unit', () => {
    const entries = ledger(['50', '50', '-5', '-1']).map((e, i) => ({ ...e, unit: i < 2 ? 'USD' : 'EUR' }));
    const broken = entries.map((e) => (e.id === 'e3' ? { ...e, balanceAfter: Decimal.parse('1') } : e));
    const { desc, asc } = both(broken);
    for (const r of [desc, asc]) expect(kinds(r)).toEqual(['chain_break@e3', 'unit_change@e2']);
  });
});

describe('figures that came as JSON numbers', () => {
  it('takes the noise of a provider summing doubles for no break, and a hundredth of a cent for one', () => {
    let balance = 0;
    const entries: CheckEntry[] = [];
    for (let i = 0; i < 300; i++) {
      balance += 0.1;
      entries.push({
        id: `d${i}`,
        createdAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
        type: 'credit',
        amount: Decimal.fromNumber(0.1),
        balanceAfter: Decimal.fromNumber(i === 200 ? balance + 0.0001 : balance),
      });
    }
    const { desc, asc } = both(entries);
    for (const r of [desc, asc]) expect(kinds(r)).toEqual(['chain_break@d200']);
    // the same figures as decimal strings are exact: their noise is a difference
    const exact = entries.map((e) => ({ ...e, amount: Decimal.parse('0.1'), balanceAfter: Decimal.parse('0.30000000000000004') }));
    expect(checkEntries(exact.slice(0, 2), { direction: 'asc' }).issues.map((i) => i.kind)).toEqual(['chain_break']);
  });
});
