import { describe, expect, it } from 'vitest';
import { FaultInjector, parseFaults } from '../../src/sandbox/faults.js';
import { parseFailure } from '../helpers/in-process.js';
import { LedgerModel, minorToJsonNumber } from '../../src/sandbox/ledger.js';

const spec = (plants = {}) =>
  new LedgerModel({
    seed: 1,
    name: 't',
    count: 3000,
    openingBalance: 100,
    endMs: Date.parse('2026-11-01T00:00:00Z'),
    generate: (_s, _salt, i) => ({ kind: i % 2 ? 'debit' : 'credit', amount: i % 2 ? -3 : 5 }),
    plants,
  });

describe('sandbox ledger model', () => {
  it('chains every balance and lists newest first with strictly older timestamps', () => {
    const l = spec();
    const page = [...l.newestFirst(0, 3000)];
    expect(page).toHaveLength(3000);
    for (let i = 0; i + 1 < page.length; i++) {
      const newer = page[i]!;
      const older = page[i + 1]!;
      expect(newer.balanceAfter).toBe(older.balanceAfter! + newer.amount);
      expect(newer.createdAtMs).toBeGreaterThan(older.createdAtMs);
    }
    expect(page[page.length - 1]!.balanceAfter).toBe(105);
    expect(l.headBalance()).toBe(page[0]!.balanceAfter);
  });

  it('pages agree with the whole listing at any offset', () => {
    const l = spec({ duplicates: [700], chainBreak: { at: 2000, delta: 9 } });
    const all = [...l.newestFirst(0, l.length)];
    expect(all).toHaveLength(3001);
    expect([...l.newestFirst(1234, 100)]).toEqual(all.slice(1234, 1334));
  });

  it('plants one chain break and one duplicate', () => {
    const l = spec({ duplicates: [700], chainBreak: { at: 2000, delta: 9 } });
    const all = [...l.newestFirst(0, l.length)].reverse();
    let breaks = 0;
    let dups = 0;
    for (let i = 1; i < all.length; i++) {
      if (all[i]!.index === all[i - 1]!.index) dups++;
      else if (all[i]!.balanceAfter !== all[i - 1]!.balanceAfter! + all[i]!.amount) breaks++;
    }
    expect([breaks, dups]).toEqual([1, 1]);
  });

  it('writes minor units as JSON numbers whose shortest form is exact', () => {
    expect(JSON.stringify(minorToJsonNumber(4262, 2))).toBe('42.62');
    expect(JSON.stringify(minorToJsonNumber(-5, 2))).toBe('-0.05');
  });
});

describe('--faults', () => {
  it('uses counted faults in order, then none', () => {
    const f = new FaultInjector('500*1,429*2=3', 1);
    expect(f.next()?.kind).toBe('500');
    expect(f.next()).toMatchObject({ kind: '429', arg: 3 });
    expect(f.next()?.kind).toBe('429');
    expect(f.next()).toBeUndefined();
  });
  it('rejects unknown kinds', () => {
    expect(() => parseFaults('boom')).toThrow(/bad fault "boom"/);
  });
  it('caps every page at cap=N, beside the faults of single requests, which it never takes the turn of', () => {
    const f = new FaultInjector('cap=50,500*1', 1);
    expect(f.pageCap).toBe(50);
    expect(f.next()?.kind).toBe('500');
    expect(f.next()).toBeUndefined();
    expect(f.pageCap).toBe(50);
    f.set('shift*1');
    expect(f.pageCap).toBeUndefined();
    expect(new FaultInjector('503*1', 1).pageCap).toBeUndefined();
  });
  it.each(['cap', 'cap=0', 'cap*2=50', 'cap%50=10', 'cap@3=10'])('refuses %s: a cap is a page size for every page', async (bad) => {
    const message = `bad fault "${bad}": cap takes the most entries a page, as cap=50, and applies to every page`;
    expect(() => parseFaults(bad)).toThrow(message);
    expect(await parseFailure(['sandbox', '--faults', `429*1,${bad}`])).toEqual({ code: 2, stderr: `tally: --faults: ${message}\n` });
  });
});
