// The statement of a period (reconcile/statement.ts): RollForward's figures, opened at the balance carried in.
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/core/money.js';
import { RollForward } from '../../src/reconcile/rollforward.js';
import { type StatementEntry, StatementBuilder, statementOf } from '../../src/reconcile/statement.js';
import { parseArgs } from '../helpers/in-process.js';

const d = (text: string) => Decimal.parse(text);
let n = 0;
/** An entry oldest-first by the order of creation. */
const entry = (
  type: string,
  amount: string,
  balanceAfter: string | null,
  createdAt = `2026-11-${String(10 + n).padStart(2, '0')}T00:00:00.000Z`,
): StatementEntry => ({
  id: `e${n++}`,
  createdAt,
  type,
  amount: d(amount),
  balanceAfter: balanceAfter === null ? null : d(balanceAfter),
  unit: 'USD',
});

function build(direction: 'asc' | 'desc', carried: StatementEntry | null, period: StatementEntry[], purchasesOnly = false) {
  const b = new StatementBuilder({ direction, purchasesOnly, who: 'conduit' });
  if (carried) b.carriedFrom(carried);
  for (const e of direction === 'asc' ? period : [...period].reverse()) b.push(e);
  return b.finish();
}

describe('a statement of a period', () => {
  it('without an entry before the period is RollForward exactly, in either order', () => {
    const period = [entry('purchase', '10', '10'), entry('usage', '-2.5', '7.5'), entry('refund', '1', '8.5')];
    const roll = new RollForward({ direction: 'asc' });
    for (const e of period) roll.push(e);
    const r = roll.finish();
    for (const dir of ['asc', 'desc'] as const) {
      const s = build(dir, null, period);
      expect([s.opening?.toString(), s.closing?.toString(), s.ok, s.difference?.toString(), s.carried, s.boundary]).toEqual([
        r.opening?.toString(),
        r.closing?.toString(),
        true,
        '0',
        null,
        null,
      ]);
      expect(s.movements.usage.toString()).toBe('-2.5');
      expect([s.first, s.last]).toEqual([period[0]?.createdAt, period[2]?.createdAt]);
    }
  });

  it('opens at the balance the entry before the period left, and fails at the boundary when the first entry started elsewhere', () => {
    const before = entry('purchase', '50', '50');
    const sound = [entry('usage', '-5', '45'), entry('usage', '-5', '40')];
    for (const dir of ['asc', 'desc'] as const) expect(build(dir, before, sound)).toMatchObject({ ok: true, boundary: null });
    // the period alone adds up (45.07 − 5 = 40.07), but it started from 50.07 where 50 was left
    const shifted = [entry('usage', '-5', '45.07'), entry('usage', '-5', '40.07')];
    for (const dir of ['asc', 'desc'] as const) {
      const s = build(dir, before, shifted);
      expect([s.opening?.toString(), s.closing?.toString(), s.ok, s.difference?.toString()]).toEqual(['50', '40.07', false, '0.07']);
      expect(s.boundary).toEqual({ entryId: shifted[0]?.id, createdAt: shifted[0]?.createdAt, carried: d('50'), startedFrom: d('50.07') });
    }
  });

  it('of an empty period opens and closes at the balance carried in, and holds', () => {
    const s = build('desc', entry('credit', '3', '12.5'), []);
    expect([s.opening?.toString(), s.closing?.toString(), s.entries, s.ok, s.difference?.toString()]).toEqual([
      '12.5',
      '12.5',
      0,
      true,
      '0',
    ]);
  });

  it('of a purchases-only ledger counts the drop from the last purchase before the period as consumption, and a rise as a break', () => {
    const before = entry('purchase', '1000', '1000');
    const period = [entry('purchase', '500', '1300'), entry('purchase', '500', '1750')];
    for (const dir of ['asc', 'desc'] as const) {
      const s = build(dir, before, period, true);
      expect([s.opening?.toString(), s.movements.consumption.toString(), s.closing?.toString(), s.ok]).toEqual([
        '1000',
        '-250',
        '1750',
        true,
      ]);
    }
    const rise = build('desc', before, [entry('purchase', '500', '1600')], true);
    expect([rise.ok, rise.difference?.toString(), rise.boundary?.startedFrom.toString()]).toEqual([false, '100', '1100']);
  });

  it('read newest first, takes the entries from --since on and stops at the first one older, which it carries in', async () => {
    const old = entry('purchase', '9', '9', '2026-10-01T00:00:00.000Z');
    const before = entry('purchase', '1', '10', '2026-10-31T23:59:59.999Z');
    const first = entry('usage', '-2', '8', '2026-11-01T00:00:00.000Z');
    const second = entry('usage', '-3', '5', '2026-11-02T00:00:00.000Z');
    let read = 0;
    async function* pages() {
      for (const page of [[second, first], [before], [old]]) {
        read += page.length;
        yield page;
      }
    }
    const s = await statementOf(pages(), new Date('2026-11-01T00:00:00Z'), false, 'conduit');
    expect([s.entries, s.opening?.toString(), s.closing?.toString(), s.carried?.id, s.ok]).toEqual([2, '10', '5', before.id, true]);
    expect(read).toBe(3); // the page past the carried entry is never asked for
    // no --since: the whole history, nothing carried in
    const all = await statementOf(pages(), undefined, false, 'conduit');
    expect([all.entries, all.opening?.toString(), all.carried]).toEqual([4, '0', null]);
  });
});

describe('statement parses its period', () => {
  const now = new Date('2026-12-05T10:00:00Z');
  const parse = async (argv: string[]) => (await parseArgs(argv, { now })).options as Record<string, unknown>;

  it('defaults to the last complete month in the --tz zone, else UTC', async () => {
    expect(await parse(['statement'])).toEqual({
      all: false,
      format: 'table',
      zone: 'UTC',
      since: new Date('2026-11-01T00:00:00Z'),
      until: new Date('2026-12-01T00:00:00Z'),
      month: '2026-11',
      defaulted: true,
    });
    const nz = await parse(['--tz', 'Pacific/Auckland', 'statement']);
    expect(nz).toMatchObject({ month: '2026-11', zone: 'Pacific/Auckland', since: new Date('2026-10-31T11:00:00Z') });
    // 1 January 00:30 in Auckland is still 31 December in UTC: the last complete month there is December
    const newYear = (await parseArgs(['--tz', 'Pacific/Auckland', 'statement'], { now: new Date('2026-12-31T11:30:00Z') })).options;
    expect(newYear).toMatchObject({ month: '2026-12', since: new Date('2026-11-30T11:00:00Z'), until: new Date('2026-12-31T11:00:00Z') });
  });

  it('takes --since alone as a period open to the newest entry, and --csv, --json and --all', async () => {
    expect(await parse(['statement', '--since', '2026-11-15', '--all', '--csv'])).toEqual({
      all: true,
      format: 'csv',
      zone: 'UTC',
      since: new Date('2026-11-15T00:00:00Z'),
      until: undefined,
      month: undefined,
      defaulted: false,
    });
    expect(await parse(['--json', 'statement', '--month', '2026-02'])).toMatchObject({
      format: 'json',
      month: '2026-02',
      until: new Date('2026-03-01T00:00:00Z'),
    });
  });
});
