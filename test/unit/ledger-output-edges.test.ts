// The export encoder at its edges: entries from the model, every format's separators, the BOM and CSV batches.
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/core/money.js';
import { CSV_HEADER_LINE, csvCell, entryToCsv, entryToJson, ExportEncoder, neutraliseFormula } from '../../src/output/ledger.js';
import type { LedgerEntry } from '../../src/providers/types.js';

const entry = (over: Partial<LedgerEntry> = {}): LedgerEntry => ({
  id: 'e1',
  createdAt: '2026-03-01T00:00:00.000Z',
  type: 'usage',
  providerType: 'USAGE_DEBIT',
  amount: Decimal.parse('-1.5'),
  balanceAfter: Decimal.parse('98.5'),
  unit: 'USD',
  description: 'gpt-4',
  reference: 'r-1',
  metadata: { model: 'gpt-4' },
  ...over,
});

describe('entries from the model', () => {
  it('turns an entry into its JSON shape with amounts shown at the unit scale', () => {
    expect(entryToJson(entry())).toEqual({
      id: 'e1',
      createdAt: '2026-03-01T00:00:00.000Z',
      type: 'usage',
      providerType: 'USAGE_DEBIT',
      amount: '-1.50',
      balanceAfter: '98.50',
      unit: 'USD',
      description: 'gpt-4',
      reference: 'r-1',
      metadata: { model: 'gpt-4' },
    });
    expect(entryToJson(entry({ balanceAfter: null, unit: 'credits', amount: Decimal.parse('7.0') }))).toMatchObject({
      amount: '7',
      balanceAfter: null,
    });
  });

  it('turns an entry into one CSV record, an absent balance and empty text as empty cells', () => {
    expect(entryToCsv(entry())).toBe('2026-03-01T00:00:00.000Z,e1,usage,USAGE_DEBIT,-1.50,98.50,USD,gpt-4,r-1\r\n');
    expect(entryToCsv(entry({ balanceAfter: null, description: '', reference: null }))).toBe(
      '2026-03-01T00:00:00.000Z,e1,usage,USAGE_DEBIT,-1.50,,USD,,\r\n',
    );
  });
});

describe('cells', () => {
  it('quotes a cell only for a quote, a comma or a line break, doubling its quotes', () => {
    expect(csvCell('plain text; here')).toBe('plain text; here');
    expect(csvCell('a"b')).toBe('"a""b"');
    expect(csvCell('a""b"')).toBe('"a""""b"""');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('a\rb')).toBe('"a\rb"');
    expect(csvCell('a\nb')).toBe('"a\nb"');
  });

  it('neutralises a tab or CR only in first place, and a lead only after white space', () => {
    expect(neutraliseFormula('a\tb')).toBe('a\tb');
    expect(neutraliseFormula('a\rb')).toBe('a\rb');
    expect(neutraliseFormula('x=1')).toBe('x=1');
    expect(neutraliseFormula('x\uFF0B1')).toBe('x\uFF0B1');
    expect(neutraliseFormula('')).toBe('');
  });
});

describe('the encoder', () => {
  it('writes CSV from model entries with a BOM when asked, and without one otherwise', () => {
    const withBom = new ExportEncoder('csv', true);
    expect(withBom.start()).toBe(`\uFEFF${CSV_HEADER_LINE}`);
    expect(withBom.add(entry())).toBe('');
    expect(withBom.end()).toBe('2026-03-01T00:00:00.000Z,e1,usage,USAGE_DEBIT,-1.50,98.50,USD,gpt-4,r-1\r\n');
    expect(withBom.entries).toBe(1);
    expect(new ExportEncoder('csv', false).start()).toBe(CSV_HEADER_LINE);
    expect(new ExportEncoder('json', true).start()).toBe('[');
    expect(new ExportEncoder('ndjson', true).start()).toBe('');
  });

  it('writes JSON entries separated by commas, one a line, closing the array', () => {
    const enc = new ExportEncoder('json', false);
    const text = enc.start() + enc.add(entry({ id: 'a' })) + enc.add(entry({ id: 'b' })) + enc.end();
    const a = JSON.stringify(entryToJson(entry({ id: 'a' })));
    const b = JSON.stringify(entryToJson(entry({ id: 'b' })));
    expect(text).toBe(`[\n${a},\n${b}\n]\n`);
    expect(enc.entries).toBe(2);
  });

  it('writes NDJSON one entry a line, with nothing around them', () => {
    const enc = new ExportEncoder('ndjson', false);
    const text = enc.start() + enc.add(entry({ id: 'a' })) + enc.addEntryJson(entryToJson(entry({ id: 'b' }))) + enc.end();
    expect(text).toBe(`${JSON.stringify(entryToJson(entry({ id: 'a' })))}\n${JSON.stringify(entryToJson(entry({ id: 'b' })))}\n`);
    expect(enc.entries).toBe(2);
  });

  it('hands CSV rows out 512 at a time, and the rest at the end', () => {
    const enc = new ExportEncoder('csv', false);
    enc.start();
    const out: string[] = [];
    for (let i = 0; i < 1030; i++) out.push(enc.add(entry({ id: String(i) })));
    const batches = out.map((text, i) => [i, text.split('\r\n').length - 1] as const).filter(([, rows]) => rows > 0);
    expect(batches).toEqual([
      [511, 512],
      [1023, 512],
    ]);
    expect(enc.end().split('\r\n').length - 1).toBe(6);
    expect(enc.flush()).toBe('');
    expect(enc.entries).toBe(1030);
  });
});
