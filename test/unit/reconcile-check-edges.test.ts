// The chain checker at its edges: each issue in full (ids, amounts, message), both directions, both modes.
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/core/money.js';
import { ChainChecker, type CheckEntry, type CheckOptions, type CheckResult, makeIssue } from '../../src/reconcile/check.js';

const D = (text: string) => Decimal.parse(text);
const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();

/** A consistent ledger, oldest first, from 100: entry i moves the balance by amounts[i]. */
function ledger(amounts: string[], opening = '100'): CheckEntry[] {
  let balance = D(opening);
  return amounts.map((a, i) => {
    const amount = D(a);
    balance = balance.add(amount);
    return { id: `e${i}`, createdAt: at(i), type: amount.isNegative() ? 'usage' : 'credit', amount, balanceAfter: balance };
  });
}

/** Runs the checker over entries given oldest first, in the direction asked (desc reverses them). */
function check(oldestFirst: CheckEntry[], options: Partial<CheckOptions> & { direction: 'asc' | 'desc' }): CheckResult {
  const checker = new ChainChecker({ ...options });
  for (const e of options.direction === 'asc' ? oldestFirst : [...oldestFirst].reverse()) checker.push(e);
  return checker.finish();
}

const brief = (r: CheckResult) =>
  r.issues.map((i) => ({
    kind: i.kind,
    entryId: i.entryId,
    previousId: i.previousId,
    expected: i.expected?.toString() ?? null,
    actual: i.actual?.toString() ?? null,
    delta: i.delta?.toString() ?? null,
    createdAt: i.createdAt,
    message: i.message,
  }));

const DIRECTIONS = ['asc', 'desc'] as const;

describe('a chain break in full', () => {
  it.each(DIRECTIONS)('names the entry, the one before it, what was expected and the difference (%s)', (direction) => {
    const entries = ledger(['1', '-0.25', '-0.25', '-0.25']);
    entries[2] = { ...entries[2]!, balanceAfter: D('100.57'), unit: 'USD' };
    entries[3] = { ...entries[3]!, balanceAfter: D('100.32') };
    expect(brief(check(entries, { direction }))).toEqual([
      {
        kind: 'chain_break',
        entryId: 'e2',
        previousId: 'e1',
        expected: '100.5',
        actual: '100.57',
        delta: '0.07',
        createdAt: at(2),
        message: 'balance after e2 should be 100.50 (balance after e1 plus the amounts since), is 100.57',
      },
    ]);
  });

  it('shows amounts in the unit of the check when the entry carries none', () => {
    const entries = ledger(['1', '-1']);
    entries[1] = { ...entries[1]!, balanceAfter: D('99') };
    expect(check(entries, { direction: 'asc', unit: 'USD' }).issues[0]!.message).toBe(
      'balance after e1 should be 100.00 (balance after e0 plus the amounts since), is 99.00',
    );
    expect(check(entries, { direction: 'asc' }).issues[0]!.message).toBe(
      'balance after e1 should be 100 (balance after e0 plus the amounts since), is 99',
    );
  });

  it.each(DIRECTIONS)('reports a break in the last link and in the first link alike (%s)', (direction) => {
    const last = ledger(['1', '2', '3']);
    last[2] = { ...last[2]!, balanceAfter: D('1000') };
    expect(check(last, { direction }).issues.map((i) => [i.entryId, i.previousId])).toEqual([['e2', 'e1']]);
    const first = ledger(['1', '2', '3']);
    first[0] = { ...first[0]!, balanceAfter: D('0') };
    // the oldest entry has nothing before it: the first link (e0 → e1) breaks, at e1
    expect(check(first, { direction }).issues.map((i) => [i.entryId, i.previousId])).toEqual([['e1', 'e0']]);
  });

  it.each(DIRECTIONS)(
    'reports two breaks in links next to each other as two when the entries either side disagree too (%s)',
    (direction) => {
      const entries = ledger(['1', '1', '1', '1', '1']);
      entries[2] = { ...entries[2]!, balanceAfter: D('500') };
      entries[3] = { ...entries[3]!, balanceAfter: D('900') };
      entries[4] = { ...entries[4]!, balanceAfter: D('901') };
      expect(check(entries, { direction }).issues.map((i) => i.entryId)).toEqual(['e3', 'e2']);
    },
  );

  it.each(DIRECTIONS)('reports a single wrong balance once, at it, and carries the chain on past it (%s)', (direction) => {
    const entries = ledger(['1', '1', '1', '1', '1', '1']);
    entries[2] = { ...entries[2]!, balanceAfter: D('500') };
    entries[4] = { ...entries[4]!, balanceAfter: D('700') };
    expect(check(entries, { direction }).issues.map((i) => [i.entryId, i.expected?.toString()])).toEqual([
      ['e4', '105'],
      ['e2', '103'],
    ]);
  });

  it.each(DIRECTIONS)('counts a difference equal to the tolerance as none, and one just past it as a break (%s)', (direction) => {
    const entries = ledger(['1', '1', '1']);
    entries[2] = { ...entries[2]!, balanceAfter: D('102.99') };
    expect(check(entries, { direction, tolerance: D('0.01') }).issues).toEqual([]);
    expect(check(entries, { direction, tolerance: D('0.009') }).issues.map((i) => i.entryId)).toEqual(['e2']);
    const below = ledger(['1', '1', '1']);
    below[2] = { ...below[2]!, balanceAfter: D('103.01') };
    expect(check(below, { direction, tolerance: D('0.01') }).issues).toEqual([]);
  });
});

describe('duplicates, gaps and order', () => {
  it.each(DIRECTIONS)('tells a repeated entry from a repeated id with other content (%s)', (direction) => {
    const [e0, e1, e2] = ledger(['1', '2', '3']);
    const repeats = [e1!, e1!, { ...e1!, amount: D('9') }];
    const checker = new ChainChecker({ direction });
    for (const e of direction === 'asc' ? [e0!, ...repeats, e2!] : [e2!, ...repeats, e0!]) checker.push(e);
    const r = checker.finish();
    expect(r.checked).toBe(5);
    expect(brief(r).map((i) => [i.kind, i.entryId, i.createdAt, i.message])).toEqual([
      ['duplicate', 'e1', at(1), 'entry e1 is listed twice'],
      ['duplicate', 'e1', at(1), 'entry e1 is listed twice with different content'],
    ]);
  });

  it('reads a repeat with another time or another balance as different content', () => {
    const [a] = ledger(['1']);
    for (const other of [
      { ...a!, createdAt: at(30) },
      { ...a!, balanceAfter: D('1') },
      { ...a!, balanceAfter: null },
    ]) {
      const r = check([a!, other], { direction: 'asc' });
      expect(r.issues.map((i) => i.message)).toEqual(['entry e0 is listed twice with different content']);
    }
    const none = { ...a!, balanceAfter: null };
    expect(check([none, { ...none }], { direction: 'asc' }).issues.map((i) => i.message)).toContain('entry e0 is listed twice');
  });

  it('counts a repeat the listing already dropped as checked, and reports it as a duplicate', () => {
    const [a, b] = ledger(['1', '2']);
    const checker = new ChainChecker({ direction: 'asc' });
    checker.push(a!);
    checker.repeated(a!);
    checker.push(b!);
    const r = checker.finish();
    expect(r.checked).toBe(3);
    expect(brief(r)).toEqual([
      {
        kind: 'duplicate',
        entryId: 'e0',
        previousId: null,
        expected: null,
        actual: null,
        delta: null,
        createdAt: at(0),
        message: 'entry e0 is listed twice',
      },
    ]);
  });

  it.each(DIRECTIONS)('names an entry without a balance and checks the chain across it, within its movement (%s)', (direction) => {
    const entries = ledger(['1', '2', '3', '4']);
    entries[1] = { ...entries[1]!, balanceAfter: null };
    const r = check(entries, { direction });
    expect(brief(r).map((i) => [i.kind, i.entryId, i.message])).toEqual([
      ['missing_balance_after', 'e1', 'entry e1 has no balance_after; the chain is checked across it'],
    ]);
    const broken = ledger(['1', '2', '3', '4']);
    broken[1] = { ...broken[1]!, balanceAfter: null };
    broken[2] = { ...broken[2]!, amount: D('2') };
    expect(check(broken, { direction }).issues.map((i) => i.kind)).toContain('chain_break');
  });

  it.each(DIRECTIONS)('names the entry out of time order and its neighbour, once (%s)', (direction) => {
    const entries = ledger(['1', '1', '1', '1', '1']);
    entries[2] = { ...entries[2]!, createdAt: at(10) };
    const r = check(entries, { direction });
    expect(brief(r).filter((i) => i.kind === 'order')).toEqual([
      {
        kind: 'order',
        entryId: 'e2',
        previousId: 'e3',
        expected: null,
        actual: null,
        delta: null,
        createdAt: at(10),
        message: `entry e2 (${at(10)}) is out of time order next to e3 (${at(3)})`,
      },
    ]);
  });

  it.each(DIRECTIONS)('blames the newest arrival when it is out of place next to the two before it (%s)', (direction) => {
    const entries = ledger(['1', '1', '1', '1']);
    // the last to arrive carries a time beyond both entries before it
    const odd = direction === 'asc' ? 3 : 0;
    entries[odd] = { ...entries[odd]!, createdAt: direction === 'asc' ? at(-5) : at(50) };
    expect(
      check(entries, { direction })
        .issues.filter((i) => i.kind === 'order')
        .map((i) => i.entryId),
    ).toEqual([`e${odd}`]);
  });

  it.each(DIRECTIONS)('reports an id repeated a thousand entries later (%s)', (direction) => {
    const entries = ledger(Array.from({ length: 1500 }, () => '1'));
    const checker = new ChainChecker({ direction });
    const arrival = direction === 'asc' ? entries : [...entries].reverse();
    arrival.forEach((e, i) => {
      checker.push(e);
      if (i === 1200) checker.push(arrival[200]!);
    });
    expect(checker.finish().issues.map((i) => [i.kind, i.entryId])).toEqual([['duplicate', arrival[200]!.id]]);
  });

  it('lists the issues about one entry in the order found: out of order, then off the chain', () => {
    const entries = ledger(['1', '1', '1', '1', '1']);
    entries[2] = { ...entries[2]!, createdAt: at(10), balanceAfter: D('500') };
    for (const direction of DIRECTIONS) {
      expect(check(entries, { direction }).issues.map((i) => `${i.kind}@${i.entryId}`)).toEqual(['order@e2', 'chain_break@e2']);
    }
  });

  it('takes entries with the same time as in order', () => {
    const entries = ledger(['1', '1', '1']).map((e) => ({ ...e, createdAt: at(0) }));
    for (const direction of DIRECTIONS) expect(check(entries, { direction }).issues).toEqual([]);
  });
});

describe('the result', () => {
  it.each(DIRECTIONS)('gives the oldest and newest entries, the opening and the closing balance (%s)', (direction) => {
    const entries = ledger(['5', '-1', '-2']);
    const r = check(entries, { direction });
    expect(r.oldest?.id).toBe('e0');
    expect(r.newest?.id).toBe('e2');
    expect(r.opening?.toString()).toBe('100');
    expect(r.closing?.toString()).toBe('102');
    expect(r.checked).toBe(3);
    expect(r.issueCount).toBe(0);
    expect(r.mode).toBe('chain');
  });

  it('has no opening or closing where the oldest and newest entries have no balance, and none for no entries', () => {
    const entries = ledger(['5', '-1']).map((e) => ({ ...e, balanceAfter: null }));
    const r = check(entries, { direction: 'asc' });
    expect([r.opening, r.closing]).toEqual([null, null]);
    const empty = new ChainChecker({ direction: 'desc', mode: 'auto' }).finish();
    expect(empty).toMatchObject({
      checked: 0,
      opening: null,
      closing: null,
      oldest: null,
      newest: null,
      issues: [],
      issueCount: 0,
      mode: 'chain',
    });
  });

  it('orders issues newest first, and keeps a thousand in full by default', () => {
    const entries = ledger(Array.from({ length: 1200 }, () => '1')).map((e, i) => ({ ...e, balanceAfter: D(String(i * 10)) }));
    const r = check(entries, { direction: 'asc' });
    expect(r.issues).toHaveLength(1000);
    expect(r.issueCount).toBe(1199);
    const times = r.issues.map((i) => i.createdAt as string);
    expect(times).toEqual([...times].sort().reverse());
    const few = check(entries.slice(0, 4), { direction: 'asc', maxIssues: 2 });
    expect([few.issues.length, few.issueCount]).toEqual([2, 3]);
    expect(few.issues.map((i) => i.entryId)).toEqual(['e2', 'e1']);
  });

  it('makes an issue with every field it is not given as null', () => {
    expect(makeIssue('head_mismatch', { message: 'm', entryId: 'x' })).toEqual({
      kind: 'head_mismatch',
      entryId: 'x',
      previousId: null,
      expected: null,
      actual: null,
      delta: null,
      createdAt: null,
      message: 'm',
    });
  });
});

describe('purchases-only histories at their edges', () => {
  /** Purchases oldest first, from zero: after i = before - consumed[i] + amount[i]. */
  function purchases(amounts: number[], consumed: number[]): CheckEntry[] {
    let balance = 0;
    return amounts.map((amount, i) => {
      balance = balance - (consumed[i] ?? 0) + amount;
      return {
        id: `tx${i}`,
        createdAt: at(i),
        type: 'purchase',
        amount: Decimal.fromMinor(amount, 0),
        balanceAfter: Decimal.fromMinor(balance, 0),
      };
    });
  }

  it.each(DIRECTIONS)('checks the first purchase against zero only when the whole history was read (%s)', (direction) => {
    const list = purchases([100, 50], [0, 30]);
    list[0] = { ...list[0]!, balanceAfter: D('150'), amount: D('100') };
    list[1] = { ...list[1]!, balanceAfter: D('170') };
    const whole = check(list, { direction, mode: 'purchases', fromZero: true });
    expect(brief(whole)).toEqual([
      {
        kind: 'chain_break',
        entryId: 'tx0',
        previousId: null,
        expected: '100',
        actual: '150',
        delta: '50',
        createdAt: at(0),
        message: 'balance after purchase tx0 is more than the balance before it plus the purchase',
      },
    ]);
    expect(whole.purchases.consumedBetween.toString()).toBe('30');
    const part = check(list, { direction, mode: 'purchases', fromZero: false });
    expect(part.issues).toEqual([]);
    expect(part.purchases.purchased.toString()).toBe('150');
    expect(part.purchases.consumedBetween.toString()).toBe('30');
  });

  it.each(DIRECTIONS)(
    'names the purchase before a raise as the previous entry, and takes a drop to exactly the purchase (%s)',
    (direction) => {
      const list = purchases([100, 50, 20], [0, 0, 70]);
      list[1] = { ...list[1]!, balanceAfter: D('151') };
      list[2] = { ...list[2]!, balanceAfter: D('101') };
      const r = check(list, { direction, mode: 'purchases', fromZero: true });
      expect(brief(r).map((i) => [i.entryId, i.previousId, i.expected, i.actual, i.delta])).toEqual([['tx1', 'tx0', '150', '151', '1']]);
      expect(r.purchases.consumedBetween.toString()).toBe('70');
    },
  );

  it.each(DIRECTIONS)('skips a purchase without a balance and the one after it, counting its amount (%s)', (direction) => {
    const list = purchases([100, 50, 20], [0, 10, 10]);
    list[1] = { ...list[1]!, balanceAfter: null };
    const r = check(list, { direction, mode: 'purchases', fromZero: true });
    expect(r.issues.map((i) => i.kind)).toEqual(['missing_balance_after']);
    expect(r.purchases.purchased.toString()).toBe('170');
    expect(r.purchases.consumedBetween.toString()).toBe('0');
  });

  it.each(DIRECTIONS)('leaves other entries to the chain in auto mode, and judges a purchases-only list as purchases (%s)', (direction) => {
    const list = purchases([100, 50], [0, 30]);
    expect(check(list, { direction, mode: 'auto', fromZero: true }).mode).toBe('purchases');
    expect(check(list, { direction, mode: 'chain' }).mode).toBe('chain');
    // judged as a chain, the consumption between purchases is a break
    expect(check(list, { direction, mode: 'chain' }).issues.map((i) => i.kind)).toEqual(['chain_break']);
    expect(check(list, { direction, mode: 'chain' }).purchases.purchased.toString()).toBe('0');
    const mixed = [...list, { id: 'u', createdAt: at(5), type: 'usage', amount: D('-1'), balanceAfter: D('119') }];
    const auto = check(mixed, { direction, mode: 'auto', fromZero: true });
    expect(auto).toMatchObject({ mode: 'chain', issueCount: 1 });
    // the purchases are still summed, and only they
    expect(auto.purchases.purchased.toString()).toBe('150');
  });
});

describe('purchases and repeats in full', () => {
  /** Purchases only, oldest first: each buys `amount` on top of `before` (what was left of the previous one). */
  const purchase = (i: number, amount: string, balance: string | null): CheckEntry => ({
    id: `p${i}`,
    createdAt: at(i),
    type: 'purchase',
    amount: D(amount),
    balanceAfter: balance === null ? null : D(balance),
  });

  it.each(DIRECTIONS)('names a purchase that raised the balance beyond itself, the one before it, and the figures (%s)', (direction) => {
    const list = [purchase(0, '100', '100'), purchase(1, '50', '130'), purchase(2, '10', '150')];
    const r = check(list, { direction, mode: 'purchases', fromZero: true });
    expect(brief(r)).toEqual([
      {
        kind: 'chain_break',
        entryId: 'p2',
        previousId: 'p1',
        expected: '140',
        actual: '150',
        delta: '10',
        createdAt: at(2),
        message: 'balance after purchase p2 is more than the balance before it plus the purchase',
      },
    ]);
    expect(r.purchases.consumedBetween.toString()).toBe('20');
  });

  it.each(DIRECTIONS)('names the first purchase of a history read from zero with no purchase before it (%s)', (direction) => {
    const list = [purchase(0, '100', '120'), purchase(1, '50', '150')];
    expect(
      brief(check(list, { direction, mode: 'purchases', fromZero: true })).map((i) => [i.entryId, i.previousId, i.expected, i.delta]),
    ).toEqual([['p0', null, '100', '20']]);
  });

  it.each(DIRECTIONS)('checks nothing across a purchase without a balance, on either side, and still sums it (%s)', (direction) => {
    const list = [purchase(0, '100', '100'), purchase(1, '50', null), purchase(2, '10', '500')];
    const r = check(list, { direction, mode: 'purchases', fromZero: true });
    expect(r.issues.map((i) => [i.kind, i.entryId])).toEqual([['missing_balance_after', 'p1']]);
    expect(r.purchases.purchased.toString()).toBe('160');
    expect(r.purchases.consumedBetween.toString()).toBe('0');
  });

  it('tells a repeat of the same content from other content for ids past the first thousand and twenty-four', () => {
    const entries = ledger(Array.from({ length: 1100 }, () => '1'));
    for (const late of [entries[1024]!, entries[1025]!, entries[1099]!]) {
      const same = check([...entries, { ...late }], { direction: 'asc' });
      expect(same.issues.map((i) => [i.kind, i.entryId, i.message])).toEqual([['duplicate', late.id, `entry ${late.id} is listed twice`]]);
      const other = check([...entries, { ...late, amount: D('2') }], { direction: 'asc' });
      expect(other.issues.map((i) => i.message)).toEqual([`entry ${late.id} is listed twice with different content`]);
    }
  });

  it('reads a repeat whose amount and balance are written with more decimals as the same content', () => {
    const [a] = ledger(['1.5']);
    const r = check([a!, { ...a!, amount: D('1.50'), balanceAfter: D('101.500') }], { direction: 'asc' });
    expect(r.issues.map((i) => i.message)).toEqual(['entry e0 is listed twice']);
  });

  it.each(DIRECTIONS)('blames the entry that jumps ahead when the one after it has the time of the one before it (%s)', (direction) => {
    const entries = ledger(['1', '1', '1', '1']);
    // arrival order: e0 then e1 (later than both) then e2 with e0's time
    const arrival = direction === 'asc' ? entries : [...entries].reverse();
    const [x, a, e] = arrival as [CheckEntry, CheckEntry, CheckEntry];
    const jump = direction === 'asc' ? at(50) : at(-50);
    const list = [x, { ...a, createdAt: jump }, { ...e, createdAt: x.createdAt }];
    const checker = new ChainChecker({ direction });
    for (const item of list) checker.push(item);
    expect(
      checker
        .finish()
        .issues.filter((i) => i.kind === 'order')
        .map((i) => [i.entryId, i.previousId]),
    ).toEqual([[a.id, e.id]]);
  });
});

describe('breaks apart and defaults', () => {
  it('reports two breaks with a link that holds between them as two, even when the entries either side of both agree', () => {
    const entries = ledger(['1', '1', '1', '1', '1']);
    entries[2] = { ...entries[2]!, balanceAfter: D('153') }; // e1 → e2 breaks
    entries[3] = { ...entries[3]!, balanceAfter: D('154') }; // e2 → e3 holds
    entries[4] = { ...entries[4]!, balanceAfter: D('104') }; // e3 → e4 breaks; e1 plus the two breaking amounts is 104
    expect(check(entries, { direction: 'asc' }).issues.map((i) => [i.entryId, i.expected?.toString()])).toEqual([
      ['e4', '155'],
      ['e2', '103'],
    ]);
  });

  it('checks a chain only, by default: purchases are not summed and the first is not checked against zero', () => {
    const list: CheckEntry[] = [
      { id: 'p0', createdAt: at(0), type: 'purchase', amount: D('100'), balanceAfter: D('150') },
      { id: 'p1', createdAt: at(1), type: 'purchase', amount: D('10'), balanceAfter: D('160') },
    ];
    const r = check(list, { direction: 'asc' });
    expect([r.mode, r.issues, r.purchases.purchased.toString()]).toEqual(['chain', [], '0']);
    const purchases = check(list, { direction: 'asc', mode: 'purchases' });
    expect([purchases.mode, purchases.issues, purchases.purchases.purchased.toString()]).toEqual(['purchases', [], '110']);
  });

  it.each(DIRECTIONS)('blames the second entry when it is out of order with the first (%s)', (direction) => {
    const [a, b] = ledger(['1', '1']);
    const list = direction === 'asc' ? [{ ...a!, createdAt: at(5) }, b!] : [{ ...b!, createdAt: at(-5) }, a!];
    const checker = new ChainChecker({ direction });
    for (const e of list) checker.push(e);
    expect(checker.finish().issues.map((i) => [i.kind, i.entryId, i.previousId])).toEqual([['order', list[1]!.id, list[0]!.id]]);
  });
});

// What a --tolerance let pass: each difference it absorbed counted and the largest kept, so reconcile can say so
// instead of accepting a tolerance larger than any difference in silence.
const absorbed = (r: CheckResult) => ({ count: r.tolerated.count, largest: r.tolerated.largest?.toString() ?? null });

describe('the differences a tolerance absorbed', () => {
  it.each(DIRECTIONS)('counts each link the tolerance let pass and keeps the largest by size (%s)', (direction) => {
    const entries = ledger(['1', '1', '1', '1', '1']);
    // e1 moved 0.01 more than its amount says; e3 0.03 less: two links off, each within 0.05
    entries[1] = { ...entries[1]!, amount: D('0.99') };
    entries[3] = { ...entries[3]!, amount: D('1.03') };
    const r = check(entries, { direction, tolerance: D('0.05') });
    expect(r.issues).toEqual([]);
    expect(absorbed(r)).toEqual({ count: 2, largest: '0.03' });
  });

  it.each(DIRECTIONS)('counts nothing on a clean ledger, or with no tolerance (%s)', (direction) => {
    expect(absorbed(check(ledger(['1', '-2', '3']), { direction, tolerance: D('5') }))).toEqual({ count: 0, largest: null });
    const entries = ledger(['1', '1', '1']);
    entries[1] = { ...entries[1]!, amount: D('0.99') };
    const strict = check(entries, { direction });
    expect(strict.issues.map((i) => i.kind)).toEqual(['chain_break']);
    expect(absorbed(strict)).toEqual({ count: 0, largest: null });
  });

  it.each(DIRECTIONS)('does not count a difference beyond the tolerance, which is a break (%s)', (direction) => {
    const entries = ledger(['1', '1', '1', '1']);
    entries[1] = { ...entries[1]!, amount: D('0.99') };
    entries[2] = { ...entries[2]!, amount: D('1.5') };
    const r = check(entries, { direction, tolerance: D('0.05') });
    expect(r.issues.map((i) => i.entryId)).toEqual(['e2']);
    expect(absorbed(r)).toEqual({ count: 1, largest: '0.01' });
  });

  it.each(DIRECTIONS)('counts the two links around one balance_after off by a cent once each (%s)', (direction) => {
    const entries = ledger(['1', '1', '1']);
    entries[1] = { ...entries[1]!, balanceAfter: D('102.01') };
    const r = check(entries, { direction, tolerance: D('0.01') });
    expect(r.issues).toEqual([]);
    expect(absorbed(r)).toEqual({ count: 2, largest: '0.01' });
  });

  it.each(DIRECTIONS)('counts a purchases-only rise the tolerance let pass (%s)', (direction) => {
    // conflux: purchases only; the second starts 0.02 above what the first left
    const entries: CheckEntry[] = [
      { id: 'p0', createdAt: at(0), type: 'purchase', amount: D('10'), balanceAfter: D('10') },
      { id: 'p1', createdAt: at(1), type: 'purchase', amount: D('10'), balanceAfter: D('20.02') },
    ];
    const r = check(entries, { direction, mode: 'purchases', fromZero: true, tolerance: D('0.05') });
    expect(r.issues).toEqual([]);
    expect(absorbed(r)).toEqual({ count: 1, largest: '0.02' });
  });
});
