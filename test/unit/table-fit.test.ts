// fitWidths and renderTable on a terminal: free text wraps first, then ranked columns drop, and nothing that is
// not free text (an id, a date, a kind, an amount, a URL, a key) is ever cut; piped output is left as it is.
import { describe, expect, it } from 'vitest';
import type { IOStreams } from '../../src/core/io.js';
import { type Cell, type Column, fitWidths, renderTable, textWidth } from '../../src/output/table.js';

/** The width of the boxed table the widths make: each column plus its padding, and the borders. */
const tableWidth = (widths: ReadonlyArray<number | null>) => widths.reduce((s: number, w) => (w === null ? s : s + w + 1), 1);

const ID = 'clx1nfbkvc000006x';
const DATE = '2026-10-31 23:32:56';
const ledger: Column[] = [
  { header: 'CREATED AT (UTC)' },
  { header: 'ID', dropRank: 4 },
  { header: 'TYPE', dropRank: 3 },
  { header: 'AMOUNT', kind: 'amount' },
  { header: 'BALANCE AFTER', kind: 'amount', dropRank: 2 },
  { header: 'UNIT', dropRank: 1 },
  { header: 'DESCRIPTION', free: true, dropRank: 5 },
];
const LONG = 'gpt-4o-mini, 6807 tokens, billed at the batch rate for the nightly summariser job';
const ledgerRows: Cell[][] = [
  [DATE, ID, 'usage (USAGE_DEBIT)', '-2.45', '169.69', 'USD', LONG],
  [DATE, 'clx1nfbkvc000006w', 'purchase (CREDIT_PURCHASE)', '100.00', '172.14', 'USD', 'top-up'],
];
const natural = [19, 17, 26, 6, 13, 4, LONG.length];
const shown = (widths: ReadonlyArray<number | null>) => widths.flatMap((w, i) => (w === null ? [] : [ledger[i]?.header]));

describe('fitWidths', () => {
  it('keeps every column at its full width when the table fits', () => {
    expect(fitWidths(ledger, ledgerRows, 200)).toEqual(natural.map((w) => w + 2));
  });

  it.each([
    // BALANCE AFTER and UNIT give way; then UNIT, the narrower, fits again
    [120, ['CREATED AT (UTC)', 'ID', 'TYPE', 'AMOUNT', 'UNIT', 'DESCRIPTION']],
    [80, ['CREATED AT (UTC)', 'ID', 'AMOUNT', 'DESCRIPTION']],
    [60, ['CREATED AT (UTC)', 'AMOUNT', 'DESCRIPTION']],
  ])('at %i columns wraps the free text first, then drops the lowest ranks, and fits', (width, columns) => {
    const widths = fitWidths(ledger, ledgerRows, width);
    expect(shown(widths)).toEqual(columns);
    expect(tableWidth(widths)).toBeLessThanOrEqual(width);
    // what is shown and not free text keeps its full width: nothing but the description is narrower
    widths.forEach((w, i) => {
      if (w !== null && !ledger[i]?.free) expect(w).toBe((natural[i] as number) + 2);
    });
    const description = widths[6] as number;
    expect(description).toBeLessThan(LONG.length + 2);
    expect(description).toBeGreaterThanOrEqual(24 + 2);
  });

  it('at 120 columns gives the free text all the room the fixed columns leave', () => {
    const widths = fitWidths(ledger, ledgerRows, 120);
    expect(tableWidth(widths)).toBe(120);
  });

  it('brings a dropped column back when a later drop leaves room for it', () => {
    const columns: Column[] = [
      { header: 'NAME' },
      { header: 'WIDE', dropRank: 2 },
      { header: 'NARROW', dropRank: 1 },
      { header: 'NOTE', free: true },
    ];
    const rows = [['a', 'w'.repeat(30), 'n', 'x']];
    // NAME 4 + WIDE 30 + NARROW 6 + NOTE 4, each with 3 of border and padding, plus 1: 57
    expect(shown(fitWidths(columns, rows, 57)).length).toBe(4);
    const widths = fitWidths(columns, rows, 40);
    expect(widths.map((w) => w !== null)).toEqual([true, false, true, true]);
  });

  it('never makes free text narrower than its longest word, so no id or URL inside it is cut', () => {
    const url = 'http://127.0.0.1:34317/account-api/v1/ledger';
    const columns: Column[] = [{ header: 'KIND' }, { header: 'MESSAGE', free: true }];
    const widths = fitWidths(columns, [['chain_break', `could not reach ${url} after 3 tries`]], 30);
    expect(widths[1]).toBe(url.length + 2);
  });

  it('prints wider than the terminal rather than cut a column that is not free text', () => {
    const columns: Column[] = [{ header: 'BASE URL' }, { header: 'KEY' }, { header: 'NOTE', free: true }];
    const url = 'http://127.0.0.1:34317/account-api';
    const key = 'sbx_accountapi_reserved_5e41af1b';
    const widths = fitWidths(columns, [[url, key, 'available + reserved differs from the balance']], 60);
    expect(widths[0]).toBe(url.length + 2);
    expect(widths[1]).toBe(key.length + 2);
    // the free text at its narrowest: a word or two a line
    expect(widths[2]).toBe(10 + 2);
    expect(tableWidth(widths)).toBeGreaterThan(60);
  });

  it('leaves out a column no row has text in, and keeps every column of a table without rows', () => {
    const columns: Column[] = [
      { header: 'BALANCE', kind: 'amount' },
      { header: 'RESERVED', kind: 'amount' },
      { header: 'NOTE', free: true },
    ];
    expect(fitWidths(columns, [['1.00', '', ' ']], 120)).toEqual([9, null, null]);
    expect(fitWidths(columns, [], 120)).toEqual([9, 10, 6]);
  });
});

function terminal(columns: number, tty = true): { io: IOStreams; text: () => string } {
  let out = '';
  const io = { stdoutIsTTY: tty, color: false, columns, out: (t: string) => (out += t) } as unknown as IOStreams;
  return { io, text: () => out };
}

describe('renderTable on a terminal', () => {
  it.each([60, 80, 120])('at %i columns draws no line wider than the terminal and wraps the free text whole', async (width) => {
    const { io, text } = terminal(width);
    await renderTable(io, ledger, ledgerRows);
    const lines = text().trimEnd().split('\n');
    for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(width);
    expect(text()).not.toContain('…');
    expect(text()).toContain(DATE);
    // every word of the description is there, in order, however it wrapped
    const words: string[] = text().match(/[^\s│┌┐└┘─┬┴]+/g) ?? [];
    let at = -1;
    for (const word of LONG.split(' ')) {
      at = words.indexOf(word, at + 1);
      expect(at, word).toBeGreaterThanOrEqual(0);
    }
  });

  it('writes a pipe every column, unwrapped, whatever the width', async () => {
    const { io, text } = terminal(40, false);
    await renderTable(io, ledger, ledgerRows);
    const lines = text().trimEnd().split('\n');
    expect(lines[0]).toBe(ledger.map((c) => c.header).join('\t'));
    expect(lines[1]).toBe([DATE, ID, 'usage (USAGE_DEBIT)', '-2.45', '169.69', 'USD', LONG].join('\t'));
    expect(lines).toHaveLength(3);
  });

  it('writes a pipe a column no row has text in', async () => {
    const { io, text } = terminal(120, false);
    await renderTable(io, [{ header: 'BALANCE' }, { header: 'RESERVED' }], [['1.00', '']]);
    expect(text()).toBe('BALANCE\tRESERVED\n1.00\t\n');
  });
});

describe('textWidth', () => {
  it('counts what a terminal shows: wide characters two columns, combining marks none', async () => {
    expect(textWidth('clx1nfbkvc000006x')).toBe(17);
    expect(textWidth('中文描述')).toBe(8);
    expect(textWidth('café')).toBe(4);
    expect(textWidth('cafe\u0301')).toBe(4);
    expect(textWidth('₦ € ✓ · →')).toBe(9);
    expect(textWidth('🚀 ok')).toBe(5);
  });

  it('gives a column of wide characters its whole width, so cli-table3 does not cut it', async () => {
    const { io, text } = terminal(60);
    await renderTable(io, [{ header: 'TYPE' }, { header: 'NOTE', free: true }], [['中文描述', '说明 文字 很长 的 描述 '.repeat(6)]]);
    expect(text()).toContain('中文描述');
    expect(text()).not.toContain('…');
    for (const line of text().trimEnd().split('\n')) expect(textWidth(line), line).toBeLessThanOrEqual(60);
  });
});

describe('fitWidths over many rows', () => {
  it('measures 300,000 rows', () => {
    const rows = Array.from({ length: 300_000 }, (_, i) => [String(i), 'a short note']);
    expect(fitWidths([{ header: 'N' }, { header: 'NOTE', free: true }], rows, 80)).toEqual([8, 14]);
  });
});
