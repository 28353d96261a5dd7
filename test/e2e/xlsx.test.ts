// `ledger export --format xlsx` end to end: the workbook read back by openpyxl (Debian's python3-openpyxl), a
// reader independent of the exceljs that wrote it, held to the NDJSON export of the same ledger; and where a
// workbook must not go (a terminal) or must not be left (a failed or interrupted export).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from '../../src/core/money.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { tallyInProcess as tally } from '../helpers/in-process.js';
import { type ExportedEntry, intlWallTime, parseNdjson } from '../helpers/ledger.js';
import { withHttpServer } from '../helpers/http.js';
import { BIN, sandboxEnv, waitFor } from '../helpers/tally.js';
import { describeWithTool } from '../helpers/tools.js';

const PYTHON = '/usr/bin/python3';
const READER = resolve(import.meta.dirname, '../helpers/read-xlsx.py');
const ENTRIES = 450;
const HEADER = ['id', 'type', 'provider_type', 'amount', 'balance_after', 'unit', 'description', 'reference'];

interface ReadCell {
  type: 'str' | 'number' | 'datetime' | 'bool';
  value: string | boolean;
  format: string;
  formula: boolean;
}
interface ReadSheet {
  title: string;
  freeze: string | null;
  maxRow: number;
  maxColumn: number;
  widths: Record<string, number>;
  rows: (ReadCell | null)[][];
}
interface ReadBook {
  sheets: ReadSheet[];
  formulaElements: number;
  strCells: number;
}

let sandbox: Sandbox;
let dir: string;
beforeAll(async () => {
  // pinned: the same ledger whatever the day (the --month test reads November 2026)
  sandbox = await startSandbox({ port: 0, seed: 3, entries: ENTRIES, end: new Date('2026-12-01T12:00:00Z') });
  dir = mkdtempSync(join(tmpdir(), 'tally-xlsx-'));
});
afterAll(() => {
  sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

function readBack(path: string): ReadBook {
  const r = spawnSync(PYTHON, [READER, path], { encoding: 'utf8', maxBuffer: 64 << 20 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as ReadBook;
}

async function exportBoth(provider: string, account: string, extra: string[], name: string) {
  const env = sandboxEnv(sandbox, provider, account);
  const nd = await tally(['ledger', 'export', '--ndjson', ...extra], { env });
  expect(nd.exitCode).toBe(0);
  const out = join(dir, `${name}.xlsx`);
  const x = await tally(['ledger', 'export', '--format', 'xlsx', '--out', out, ...extra], { env });
  return { entries: parseNdjson(nd.stdout), result: x, book: x.exitCode === 0 ? readBack(out) : undefined, out };
}

/** The wall time of an instant in a zone, as openpyxl prints a naive datetime: computed here with Intl, not by tally. */
const wallTime = (iso: string, zone: string) => intlWallTime(Date.parse(iso), zone);

/** The number format that shows an amount's decimals as the export writes them. */
const formatOf = (amount: string) => (amount.includes('.') ? `0.${'0'.repeat(amount.length - amount.indexOf('.') - 1)}` : '0');

const sheet = (book: ReadBook | undefined, title: string) => book?.sheets.find((s) => s.title === title) as ReadSheet;
const text = (value: string | null) => (value === null || value === '' ? null : { type: 'str', value, format: 'General', formula: false });
const number = (value: string) => ({ type: 'number', value: String(Number(value)), format: formatOf(value), formula: false });

function expectRowsEqual(rows: (ReadCell | null)[][], entries: ExportedEntry[], zone: string): void {
  expect(rows.length).toBe(entries.length);
  rows.forEach((row, i) => {
    const e = entries[i] as ExportedEntry;
    // Python's repr of the double: the value a spreadsheet holds is the amount's nearest double, nothing summed
    const cells = row.map((c) => (c === null ? null : { ...c, value: c.type === 'number' ? String(Number(c.value)) : c.value }));
    expect(cells).toEqual([
      { type: 'datetime', value: wallTime(e.createdAt, zone), format: 'yyyy-mm-dd hh:mm:ss', formula: false },
      text(e.id),
      text(e.type),
      text(e.providerType),
      number(e.amount),
      e.balanceAfter === null ? null : number(e.balanceAfter),
      text(e.unit),
      text(e.description),
      text(e.reference),
    ]);
  });
}

/** The statement of a newest-first NDJSON export, summed here: opening, Σ by type, consumption between purchases, closing. */
function statementOf(entries: ExportedEntry[], purchasesOnly: boolean) {
  const oldest = entries[entries.length - 1] as ExportedEntry;
  const newest = entries[0] as ExportedEntry;
  const d = (t: string | null) => Decimal.parse(t ?? '0');
  const sums = new Map<string, Decimal>();
  for (const e of entries) sums.set(e.type, (sums.get(e.type) ?? Decimal.ZERO).add(d(e.amount)));
  let consumed = Decimal.ZERO;
  if (purchasesOnly) {
    // the balance before each purchase, against the balance after the one before it
    for (let i = 0; i + 1 < entries.length; i++) {
      const newer = entries[i] as ExportedEntry;
      const older = entries[i + 1] as ExportedEntry;
      consumed = consumed.add(d(older.balanceAfter).sub(d(newer.balanceAfter).sub(d(newer.amount))));
    }
  }
  const opening = d(oldest.balanceAfter).sub(d(oldest.amount));
  const closing = d(newest.balanceAfter);
  let total = consumed.neg();
  for (const v of sums.values()) total = total.add(v);
  return { oldest, newest, sums, consumption: consumed.neg(), opening, closing, difference: closing.sub(opening.add(total)) };
}

describeWithTool(
  'python3 with openpyxl',
  'python3-openpyxl',
  'the workbook read back by openpyxl',
  () => {
    const ACCOUNTS = [
      { provider: 'conduit', unit: 'USD', purchasesOnly: false },
      { provider: 'conflux', unit: 'credits', purchasesOnly: true },
      { provider: 'indigenius', unit: 'USD', purchasesOnly: false },
    ];

    it.each(ACCOUNTS)(
      'writes the $provider ledger ($unit) as one row of typed cells per entry, equal to the NDJSON export, under a frozen header naming --tz',
      async ({ provider, unit }) => {
        const { entries, result, book } = await exportBoth(provider, 'ok', ['--tz', 'Europe/Berlin'], `${provider}-berlin`);
        expect(result.stderr).toBe('');
        expect(result.exitCode).toBe(0);
        expect(entries).toHaveLength(ENTRIES);
        const ledger = sheet(book, 'Ledger');
        expect(book?.sheets.map((s) => s.title)).toEqual(['Ledger', 'Statement']);
        expect(ledger.maxRow).toBe(ENTRIES + 1);
        expect(ledger.maxColumn).toBe(9);
        expect(ledger.freeze).toBe('A2');
        expect(ledger.rows[0]?.map((c) => c?.value)).toEqual(['created_at (Europe/Berlin)', ...HEADER]);
        expect(ledger.rows[0]?.every((c) => c?.type === 'str')).toBe(true);
        expectRowsEqual(ledger.rows.slice(1), entries, 'Europe/Berlin');
        expect(new Set(entries.map((e) => e.unit))).toEqual(new Set([unit]));
        // the header is never wider than its column; ids, dates and amounts fit theirs
        const widths = ['A', 'B', 'E', 'F'].map((c) => ledger.widths[c] ?? 0);
        expect(widths[0]).toBeGreaterThanOrEqual('created_at (Europe/Berlin)'.length);
        expect(widths[1]).toBeGreaterThanOrEqual(Math.max(...entries.map((e) => e.id.length)));
        expect(widths[2]).toBeGreaterThanOrEqual(Math.max(...entries.map((e) => e.amount.length)));
        expect(widths[3]).toBeGreaterThanOrEqual(Math.max(...entries.map((e) => (e.balanceAfter ?? '').length)));
        expect(book?.formulaElements).toBe(0);
      },
    );

    it('keeps an indigenius 24-hex id, which a spreadsheet would read as 1.797e308, as text', async () => {
      const { entries, book } = await exportBoth('indigenius', 'ok', [], 'indigenius-ids');
      const ids = sheet(book, 'Ledger')
        .rows.slice(1)
        .map((r) => r[1]);
      expect(entries.every((e) => /^[0-9a-f]{24}$/.test(e.id))).toBe(true);
      expect(ids).toEqual(entries.map((e) => ({ type: 'str', value: e.id, format: 'General', formula: false })));
    });

    it.each(ACCOUNTS)(
      'states the $provider export on a second sheet with the figures summed from the NDJSON export',
      async ({ provider, unit, purchasesOnly }) => {
        const { entries, book } = await exportBoth(provider, 'ok', ['--tz', 'Europe/Berlin'], `${provider}-statement`);
        const s = statementOf(entries, purchasesOnly);
        const st = sheet(book, 'Statement');
        expect(st.rows.map((r) => r[0]?.value)).toEqual([
          'profile',
          'provider',
          'unit',
          'from',
          'to',
          'zone',
          'opening',
          'purchase',
          'usage',
          'refund',
          'credit',
          'debit',
          'adjustment',
          'subscription',
          'consumption',
          'closing',
          'entries',
          'ok',
          'difference',
        ]);
        const value = (field: string) => st.rows.find((r) => r[0]?.value === field)?.[1] ?? null;
        const amount = (field: string, d: Decimal) => {
          const c = value(field);
          expect(c?.type, field).toBe('number');
          expect(Number(c?.value), field).toBe(Number(d.toString()));
          expect(c?.format, field).toBe(unit === 'USD' ? '0.00' : '0');
        };
        expect(value('profile')).toBeNull(); // no saved profile: the environment names the account
        expect(value('provider')?.value).toBe(provider);
        expect(value('unit')?.value).toBe(unit);
        expect(value('zone')?.value).toBe('Europe/Berlin');
        expect(value('from')).toMatchObject({ type: 'datetime', value: wallTime(s.oldest.createdAt, 'Europe/Berlin') });
        expect(value('to')).toMatchObject({ type: 'datetime', value: wallTime(s.newest.createdAt, 'Europe/Berlin') });
        amount('opening', s.opening);
        for (const type of ['purchase', 'usage', 'refund', 'credit', 'debit', 'adjustment', 'subscription']) {
          amount(type, s.sums.get(type) ?? Decimal.ZERO);
        }
        amount('consumption', s.consumption);
        amount('closing', s.closing);
        expect(value('entries')).toMatchObject({ type: 'number', value: `${ENTRIES}.0` });
        expect(value('ok')).toMatchObject({ type: 'bool', value: true });
        amount('difference', Decimal.ZERO);
        if (purchasesOnly) expect(s.consumption.isNegative()).toBe(true);
      },
    );

    it('writes every profile (--all) into one Ledger sheet, profile and provider first, and states each in its own column', async () => {
      const configDir = mkdtempSync(join(dir, 'config-'));
      const profiles = { usd: ['conduit', 'ok'], cr: ['conflux', 'ok'], planted: ['indigenius', 'bad'] } as const;
      writeFileSync(
        join(configDir, 'config.json'),
        JSON.stringify({
          profiles: Object.fromEntries(
            Object.entries(profiles).map(([name, [provider, account]]) => [
              name,
              { provider, baseUrl: sandbox.baseUrl(provider), key: sandbox.key(provider, account) },
            ]),
          ),
        }),
      );
      const out = join(dir, 'all.xlsx');
      const r = await tally(['ledger', 'export', '--all', '--format', 'xlsx', '--out', out], { configDir });
      expect(r.exitCode).toBe(0);
      // the planted profile's statement does not roll forward: said, and the workbook still written
      expect(r.stderr).toContain('tally: warning: planted: opening + movements does not make the closing balance (off by 0.25 USD)');
      const book = readBack(out);
      const ledger = sheet(book, 'Ledger');
      expect(ledger.rows[0]?.slice(0, 3).map((c) => c?.value)).toEqual(['profile', 'provider', 'created_at (UTC)']);
      const names = ledger.rows.slice(1).map((row) => `${String(row[0]?.value)}/${String(row[1]?.value)}`);
      expect(names.length).toBe(3 * ENTRIES);
      for (const [name, [provider]] of Object.entries(profiles)) {
        expect(names.filter((n) => n === `${name}/${provider}`).length, name).toBe(ENTRIES);
      }
      const st = sheet(book, 'Statement');
      const row = (field: string) =>
        st.rows
          .find((x) => x[0]?.value === field)
          ?.slice(1)
          .map((c) => c?.value);
      expect(row('profile')).toEqual(['usd', 'cr', 'planted']);
      expect(row('unit')).toEqual(['USD', 'credits', 'USD']);
      expect(row('ok')).toEqual([true, true, false]);
    });

    it('shows a planted chain break as a statement that does not roll forward, by the planted amount, and says so on stderr', async () => {
      const { entries, result, book } = await exportBoth('indigenius', 'bad', [], 'indigenius-bad');
      expect(result.exitCode).toBe(0);
      const s = statementOf(entries, false);
      expect(s.difference.toString(2)).toBe('0.25');
      const st = sheet(book, 'Statement');
      const value = (field: string) => st.rows.find((r) => r[0]?.value === field)?.[1] ?? null;
      expect(value('ok')).toMatchObject({ type: 'bool', value: false });
      expect(value('difference')).toMatchObject({ type: 'number', value: '0.25', format: '0.00' });
      expect(result.stderr.split('\n').at(-1)).toBe(
        'tally: warning: indigenius: opening + movements does not make the closing balance (off by 0.25 USD); the Statement sheet shows it, tally reconcile finds the entry',
      );
    });

    it('names the types of a --type export on the statement, whose roll-forward then covers those alone, without a warning', async () => {
      const { entries, result, book } = await exportBoth('conduit', 'ok', ['--type', 'purchase'], 'conduit-purchases');
      expect(result.stderr).toBe('');
      expect(result.exitCode).toBe(0);
      const st = sheet(book, 'Statement');
      const value = (field: string) => st.rows.find((r) => r[0]?.value === field)?.[1] ?? null;
      expect(value('types')).toMatchObject({ type: 'str', value: 'purchase' });
      expect(value('entries')?.value).toBe(`${entries.length}.0`);
      const purchases = entries.reduce((sum, e) => sum.add(Decimal.parse(e.amount)), Decimal.ZERO);
      expect(Number(value('purchase')?.value)).toBe(Number(purchases.toString()));
      expect(value('ok')).toMatchObject({ type: 'bool', value: false });
    });

    it('keeps descriptions that begin with =, +, - or @ as text exactly as sent, with no guard and no formula', async () => {
      const { entries, book } = await exportBoth('bytespike', 'ok', [], 'bytespike-notes');
      const rows = sheet(book, 'Ledger').rows.slice(1);
      expectRowsEqual(rows, entries, 'UTC');
      const leads = rows.map((r) => r[7]?.value).filter((v): v is string => typeof v === 'string' && /^[=+\-@]/.test(v));
      expect(leads).toContain('=HYPERLINK("http://example.invalid","refund")');
      expect(leads.some((v) => v.startsWith("'"))).toBe(false);
      expect(book?.formulaElements).toBe(0);
      // inline strings, not t="str" (which the format reserves for a formula's result)
      expect(book?.strCells).toBe(0);
    });

    it('shows times in UTC when --tz is not given, whatever the machine is set to, as CSV and JSON do', async () => {
      const env = { ...sandboxEnv(sandbox, 'conduit'), TZ: 'Asia/Kolkata' };
      const out = join(dir, 'conduit-default-zone.xlsx');
      const r = await tally(['ledger', 'export', '--format', 'xlsx', '--out', out], { env });
      expect(r.exitCode).toBe(0);
      const nd = parseNdjson((await tally(['ledger', 'export', '--ndjson'], { env })).stdout);
      const ledger = sheet(readBack(out), 'Ledger');
      expect(ledger.rows[0]?.[0]?.value).toBe('created_at (UTC)');
      expect(ledger.rows[1]?.[0]?.value).toBe(nd[0]?.createdAt.slice(0, 23));
      expect(sheet(readBack(out), 'Statement').rows[5]?.[1]?.value).toBe('UTC');
    });

    it('states a --month in --tz from local midnight to local midnight', async () => {
      const { entries, book } = await exportBoth('conduit', 'ok', ['--month', '2026-11', '--tz', 'Europe/Berlin'], 'conduit-november');
      expect(entries.length).toBeGreaterThan(0);
      expectRowsEqual(sheet(book, 'Ledger').rows.slice(1), entries, 'Europe/Berlin');
      const st = sheet(book, 'Statement');
      const value = (field: string) => st.rows.find((r) => r[0]?.value === field)?.[1] ?? null;
      expect(value('from')).toMatchObject({ type: 'datetime', value: '2026-11-01T00:00:00.000' });
      expect(value('to')).toMatchObject({ type: 'datetime', value: '2026-12-01T00:00:00.000' });
      expect(value('entries')?.value).toBe(`${entries.length}.0`);
    });

    it('writes oldest first with --order asc, and the statement is the same', async () => {
      const { entries, book } = await exportBoth('conflux', 'ok', ['--order', 'asc'], 'conflux-asc');
      expectRowsEqual(sheet(book, 'Ledger').rows.slice(1), entries, 'UTC');
      expect(entries[0]!.createdAt < entries[1]!.createdAt).toBe(true);
      const desc = await exportBoth('conflux', 'ok', [], 'conflux-desc');
      expect(sheet(book, 'Statement').rows.slice(3)).toEqual(sheet(desc.book, 'Statement').rows.slice(3));
    });

    it('writes an amount of more than 15 significant digits as its exact text, not a rounded number, and says so', async () => {
      const entry = {
        id: 7,
        created_at: '2026-11-02T10:00:00.000Z',
        kind: 'topup',
        amount_usd: 5,
        balance_after_usd: 12345678901234.56,
        source: {},
        note: null,
      };
      const page: RequestListener = (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ items: [entry], page: 1, page_size: 200, total: 1 }));
      };
      await withHttpServer(page, async (baseUrl) => {
        const out = join(dir, 'large.xlsx');
        const r = await tally(['ledger', 'export', '--format', 'xlsx', '--out', out, '--base-url', baseUrl], {
          env: sandboxEnv(sandbox, 'bytespike'),
        });
        expect(r.exitCode).toBe(0);
        // the balance, and the statement's opening and closing balances
        expect(r.stderr).toBe(
          "tally: warning: 3 amounts have more than 15 significant digits, which a spreadsheet's number would round: written as exact text",
        );
        const row = sheet(readBack(out), 'Ledger').rows[1];
        expect(row?.[4]).toEqual({ type: 'number', value: '5.0', format: '0.00', formula: false });
        expect(row?.[5]).toEqual({ type: 'str', value: '12345678901234.56', format: 'General', formula: false });
        const closing = sheet(readBack(out), 'Statement').rows.find((r) => r[0]?.value === 'closing');
        expect(closing?.[1]).toEqual({ type: 'str', value: '12345678901234.56', format: 'General', formula: false });
      });
    });

    it('cuts a text longer than a cell holds (32,767 characters) to the limit, ending in …, and says so', async () => {
      const entry = {
        id: 8,
        created_at: '2026-11-02T10:00:00.000Z',
        kind: 'topup',
        amount_usd: 5,
        balance_after_usd: 5,
        source: {},
        note: 'x'.repeat(40_000),
      };
      const page: RequestListener = (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ items: [entry], page: 1, page_size: 200, total: 1 }));
      };
      await withHttpServer(page, async (baseUrl) => {
        const out = join(dir, 'long-text.xlsx');
        const r = await tally(['ledger', 'export', '--format', 'xlsx', '--out', out, '--base-url', baseUrl], {
          env: sandboxEnv(sandbox, 'bytespike'),
        });
        expect(r.stderr).toBe(
          "tally: warning: 1 text is longer than a spreadsheet cell's 32,767 characters: cut to them, ending in … (CSV and NDJSON keep it whole)",
        );
        expect(r.exitCode).toBe(0);
        const description = sheet(readBack(out), 'Ledger').rows[1]?.[7];
        expect(description).toEqual({ type: 'str', value: `${'x'.repeat(32_766)}…`, format: 'General', formula: false });
      });
    });

    it('writes a date-time before 1900-03-01, which a spreadsheet cannot show, as its text, and says so', async () => {
      // newest first; a provider's zero time (Go's 0001-01-01), and a day Excel's serials put one day off
      const items = ['2026-11-02T10:00:00.000Z', '1900-02-28T12:00:00.000Z', '0001-01-01T00:00:00.000Z'].map((created_at, i) => ({
        id: 20 - i,
        created_at,
        kind: 'topup',
        amount_usd: 1,
        balance_after_usd: 3 - i,
        source: {},
        note: null,
      }));
      const page: RequestListener = (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ items, page: 1, page_size: 200, total: items.length }));
      };
      await withHttpServer(page, async (baseUrl) => {
        const out = join(dir, 'early.xlsx');
        const r = await tally(['ledger', 'export', '--format', 'xlsx', '--out', out, '--base-url', baseUrl], {
          env: sandboxEnv(sandbox, 'bytespike'),
        });
        // two entries, and the statement's "from" (the oldest entry's time)
        expect(r.stderr).toBe(
          'tally: warning: 3 date-times are before 1900-03-01, which a spreadsheet cannot show as a date: written as text',
        );
        expect(r.exitCode).toBe(0);
        const book = readBack(out);
        expect(
          sheet(book, 'Ledger')
            .rows.slice(1)
            .map((row) => row[0]),
        ).toEqual([
          { type: 'datetime', value: '2026-11-02T10:00:00.000', format: 'yyyy-mm-dd hh:mm:ss', formula: false },
          text('1900-02-28 12:00:00'),
          text('0001-01-01 00:00:00'),
        ]);
        expect(sheet(book, 'Statement').rows.find((row) => row[0]?.value === 'from')?.[1]).toEqual(text('0001-01-01 00:00:00'));
      });
    });

    it('says of a ledger with no balance at all that it cannot be rolled forward, sending no one to reconcile', async () => {
      const items = [
        { id: 30, created_at: '2026-11-02T10:00:00.000Z', kind: 'topup', amount_usd: 1, balance_after_usd: null, source: {}, note: null },
      ];
      const page: RequestListener = (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ items, page: 1, page_size: 200, total: items.length }));
      };
      await withHttpServer(page, async (baseUrl) => {
        const r = await tally(['ledger', 'export', '--format', 'xlsx', '--out', join(dir, 'no-balance.xlsx'), '--base-url', baseUrl], {
          env: sandboxEnv(sandbox, 'bytespike'),
        });
        expect(r.stderr).toBe(
          'tally: warning: bytespike: no entry exported carries a balance: the Statement sheet shows the movements, not whether they roll forward',
        );
        expect(r.exitCode).toBe(0);
      });
    });

    it('pipes the workbook on with --out - when standard output is not a terminal', async () => {
      const out = join(dir, 'piped.xlsx');
      const { execa } = await import('execa');
      const r = await execa('node', [BIN, 'ledger', 'export', '--format', 'xlsx', '--out', '-'], {
        reject: false,
        env: { ...sandboxEnv(sandbox, 'conduit'), NO_COLOR: '1' },
        stdout: { file: out },
      });
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      expect(sheet(readBack(out), 'Ledger').maxRow).toBe(ENTRIES + 1);
    });
  },
  `${PYTHON} -c 'import openpyxl'`,
);

describe('where a workbook is not written', () => {
  it('refuses --format xlsx without --out (exit 2): a workbook is binary', async () => {
    const r = await tally(['ledger', 'export', '--format', 'xlsx'], { env: sandboxEnv(sandbox, 'conduit') });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('tally: --format xlsx needs --out <file>\n  such as --out ledger.xlsx, or --out - to pipe the workbook on');
    expect(r.stdout).toBe('');
  });

  it('refuses --bom and --no-formula-guard with xlsx (exit 2)', async () => {
    const env = sandboxEnv(sandbox, 'conduit');
    const bom = await tally(['ledger', 'export', '--format', 'xlsx', '--out', join(dir, 'bom.xlsx'), '--bom'], { env });
    expect(bom.exitCode).toBe(2);
    expect(bom.stderr).toBe('tally: --bom applies to CSV only');
    const guard = await tally(['ledger', 'export', '--format', 'xlsx', '--out', join(dir, 'guard.xlsx'), '--no-formula-guard'], { env });
    expect(guard.exitCode).toBe(2);
    expect(guard.stderr).toBe(
      "tally: --no-formula-guard applies to CSV only\n  a workbook's text cells are text, never formulas: nothing needs guarding",
    );
    expect(existsSync(join(dir, 'bom.xlsx')) || existsSync(join(dir, 'guard.xlsx'))).toBe(false);
  });

  it.each([
    { given: '--out -', out: ['--out', '-'] },
    { given: '--out /dev/stdout', out: ['--out', '/dev/stdout'] },
    { given: '--out /dev/tty', out: ['--out', '/dev/tty'] },
    { given: 'no --out', out: [] },
  ])('writes no workbook to a terminal ($given): exit 2 before any request, in a real pty', async ({ out }) => {
    const { tallyInPty } = await import('../helpers/pty.js');
    const before = sandbox.requests.get('conduit') ?? 0;
    const run = tallyInPty(['ledger', 'export', '--format', 'xlsx', ...out], { env: sandboxEnv(sandbox, 'conduit') });
    const { exitCode } = await run.exited;
    expect(exitCode).toBe(2);
    expect(run.text().trim()).toBe(
      out.length === 0
        ? 'tally: --format xlsx needs --out <file>\n  such as --out ledger.xlsx, or --out - to pipe the workbook on'
        : 'tally: --format xlsx writes no workbook to a terminal\n  give a file, such as --out ledger.xlsx, or pipe it on: --out - | …',
    );
    expect(sandbox.requests.get('conduit') ?? 0).toBe(before);
  });

  it('leaves no file when the provider fails mid-export (exit 4)', async () => {
    const s = await startSandbox({ port: 0, seed: 3, entries: ENTRIES, faults: '500@2' });
    try {
      const out = join(dir, 'failed.xlsx');
      const r = await tally(['--retries', '0', 'ledger', 'export', '--format', 'xlsx', '--out', out], { env: sandboxEnv(s, 'conduit') });
      expect(r.exitCode).toBe(4);
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('leaves no partial file on Ctrl-C (exit 130) and keeps an existing file as it was', async () => {
    const s = await startSandbox({ port: 0, seed: 3, entries: ENTRIES, faults: 'slow=400' });
    try {
      const out = join(dir, 'interrupted.xlsx');
      writeFileSync(out, 'previous export');
      const { execa } = await import('execa');
      const child = execa('node', [BIN, 'ledger', 'export', '--format', 'xlsx', '--out', out], {
        reject: false,
        env: { ...sandboxEnv(s, 'conduit'), NO_COLOR: '1' },
      });
      await waitFor('the third page request', () => (s.requests.get('conduit') ?? 0) >= 3);
      child.kill('SIGINT');
      const r = await child;
      expect(r.exitCode).toBe(130);
      expect(readFileSync(out, 'utf8')).toBe('previous export');
      expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    } finally {
      await s.close();
    }
  });
});
