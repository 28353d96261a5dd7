// Reads an earlier `tally ledger export` (CSV, JSON or NDJSON, told apart by content), streaming, for reconcile --file.
import { closeSync, createReadStream, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { toIsoUtc } from '../core/dates.js';
import { UsageError } from '../core/errors.js';
import { Decimal } from '../core/money.js';
import { CSV_HEADER } from '../output/ledger.js';
import type { CheckEntry } from './check.js';

export type ExportFileFormat = 'csv' | 'json' | 'ndjson';

const BATCH = 1000;
/** A JSON export not in tally's one-entry-a-line layout is parsed whole up to this size. */
const WHOLE_JSON_LIMIT = 256 * 1024 * 1024;

function notAnExport(path: string, why: string): UsageError {
  return new UsageError(
    `${path} is not a tally ledger export (${why})`,
    `expected what \`tally ledger export\` writes: CSV with the header ${CSV_HEADER.join(',')}, a JSON array, or NDJSON of entries`,
  );
}

function cutOff(
  path: string,
  why: string,
  hint = 'the file is incomplete (an export interrupted or a copy cut short); export it again',
): UsageError {
  return new UsageError(`--file ${path} is cut off: ${why}`, hint);
}

/** The cells of a CSV header line, RFC 4180 quotes undone: a spreadsheet or `csv.QUOTE_ALL` re-save quotes them. */
function headerCells(line: string): string[] {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    let cell = '';
    if (line[i] === '"') {
      for (i++; i < line.length; i++) {
        if (line[i] !== '"') cell += line[i];
        else if (line[i + 1] === '"') cell += line[i++];
        else break;
      }
      i++;
    }
    const comma = line.indexOf(',', i);
    cell += line.slice(i, comma < 0 ? line.length : comma);
    cells.push(cell);
    if (comma < 0) return cells;
    i = comma + 1;
  }
}

/** A header cell as a message quotes it: a spreadsheet's column title, not a page of it. */
const shownCell = (cell: string) => (cell.length > 40 ? `${cell.slice(0, 40)}…` : cell);

/**
 * Where each of tally's CSV columns is in a header that may hold columns of its own too (a spreadsheet's, a
 * script's: ignored, wherever they are), tally's in tally's order. A header that is not that names the column
 * it expected: the first column that is not what it should be, or the column of its own standing in its place.
 */
export function csvColumns(path: string, header: readonly string[]): number[] {
  const at: number[] = [];
  /** The first column of its own since the last of tally's: a renamed column, if one is missing. */
  let own: number | undefined;
  const mismatch = (column: number | undefined) => {
    const expected = CSV_HEADER[at.length] as string;
    return notAnExport(
      path,
      column === undefined
        ? `column ${header.length + 1} should be "${expected}" but the header ends there`
        : `column ${column + 1} should be "${expected}" but is "${shownCell(header[column] as string)}"`,
    );
  };
  for (let column = 0; column < header.length && at.length < CSV_HEADER.length; column++) {
    const cell = header[column] as string;
    const known = CSV_HEADER.indexOf(cell as (typeof CSV_HEADER)[number]);
    if (known === at.length) {
      at.push(column);
      own = undefined;
    } else if (known < 0) own ??= column;
    else if (known < at.length) {
      // which of the two holds the figures is anyone's guess
      throw notAnExport(path, `column ${column + 1} is a second "${cell}" column (the first is column ${(at[known] as number) + 1})`);
    } else throw mismatch(own ?? column);
  }
  if (at.length < CSV_HEADER.length) throw mismatch(own);
  // a tally column again after all of them: as ambiguous
  for (let column = (at.at(-1) as number) + 1; column < header.length; column++) {
    const known = CSV_HEADER.indexOf(header[column] as (typeof CSV_HEADER)[number]);
    if (known >= 0) {
      throw notAnExport(
        path,
        `column ${column + 1} is a second "${header[column]}" column (the first is column ${(at[known] as number) + 1})`,
      );
    }
  }
  return at;
}

/**
 * Tells the format from the first bytes, and refuses a file whose end shows it was cut short: tally ends every
 * CSV row and NDJSON line with a line end and a JSON export with "]", so a file that does not is incomplete
 * (a cut inside the last row could otherwise still parse, with a shortened last cell).
 */
export function detectFormat(path: string): ExportFileFormat {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`--file ${path}: ${code === 'ENOENT' ? 'no such file' : `cannot read it (${code})`}`);
  }
  let text: string;
  let tail: string;
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(4096);
    const n = readSync(fd, head, 0, head.length, 0);
    text = head
      .toString('utf8', 0, n)
      .replace(/^\uFEFF/, '')
      .trimStart();
    const end = Buffer.alloc(Math.min(size, 64));
    readSync(fd, end, 0, end.length, size - end.length);
    tail = end.toString('latin1');
  } catch (error) {
    throw new UsageError(`--file ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  } finally {
    closeSync(fd);
  }
  const firstLine = (text.split('\n')[0] as string).replace(/\r$/, '');
  let format: ExportFileFormat;
  const header = headerCells(firstLine);
  // a header naming created_at is meant as tally's: its columns are checked as the rows are read (csvColumns)
  if (header.includes('created_at')) {
    if (header.includes('profile') && header.includes('provider')) throw everyProfile(path);
    format = 'csv';
  } else if (text.startsWith('[')) format = 'json';
  else if (text.startsWith('{')) format = 'ndjson';
  else if (text.length === 0) throw notAnExport(path, 'it is empty');
  else throw notAnExport(path, `it starts with "${text.slice(0, 30).split(/\r?\n/)[0]}"`);
  if (format === 'json') {
    const end = tail.trimEnd();
    if (!end.endsWith(']')) {
      // the array's "]" stands alone on its line (tally's layout and jq's): text on lines after it is not a cut
      if (/(?:^|\n)\][ \t]*\r?\n[\s\S]*\S/.test(end)) throw notAnExport(path, 'something follows the closing "]" of its JSON array');
      throw cutOff(path, 'the JSON array has no closing "]"');
    }
  } else if (!tail.endsWith('\n')) {
    throw cutOff(
      path,
      `its last ${format === 'csv' ? 'row' : 'line'} has no line end`,
      'tally ends every line of an export; export it again, or if the file is whole, end it with a newline',
    );
  }
  return format;
}

/** An `ledger export --all` holds several ledgers one after another: checked as one, it would report false breaks. */
function everyProfile(path: string): UsageError {
  return new UsageError(
    `${path} is an export of every profile (ledger export --all): --file reconciles one profile's ledger`,
    'export each on its own and reconcile that: tally -p NAME ledger export --out NAME.csv && tally reconcile --file NAME.csv',
  );
}

function fromJson(path: string, where: string, raw: unknown): CheckEntry {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw notAnExport(path, `${where} is not an entry object`);
  const o = raw as Record<string, unknown>;
  if ('profile' in o && 'provider' in o) throw everyProfile(path);
  return toEntry(path, where, o.id, o.createdAt, o.type, o.amount, o.balanceAfter, o.unit);
}

function toEntry(
  path: string,
  where: string,
  id: unknown,
  createdAt: unknown,
  type: unknown,
  amount: unknown,
  balanceAfter: unknown,
  unit: unknown,
): CheckEntry {
  if (typeof id !== 'string' || id === '') throw notAnExport(path, `${where} has no id`);
  const iso = typeof createdAt === 'string' ? toIsoUtc(createdAt) : null;
  if (iso === null) throw notAnExport(path, `${where} has no valid createdAt`);
  if (typeof type !== 'string') throw notAnExport(path, `${where} has no type`);
  let amountValue: Decimal;
  let balance: Decimal | null;
  try {
    amountValue = Decimal.parseExported(String(amount));
    balance =
      balanceAfter === null || balanceAfter === undefined || balanceAfter === '' ? null : Decimal.parseExported(String(balanceAfter));
  } catch {
    throw notAnExport(path, `${where} has an amount that is not a decimal`);
  }
  return {
    id,
    createdAt: iso,
    type,
    amount: amountValue,
    balanceAfter: balance,
    ...(typeof unit === 'string' ? { unit } : {}),
  };
}

/** The file's lines, a chunk's worth at a time (a promise per line would cost more than parsing it). */
async function* lineBatches(path: string): AsyncGenerator<string[]> {
  let carry = '';
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 16 })) {
    const text = carry + (chunk as string);
    const parts = text.split('\n');
    carry = parts.pop() as string;
    for (let i = 0; i < parts.length; i++) {
      const line = parts[i] as string;
      if (line.endsWith('\r')) parts[i] = line.slice(0, -1);
    }
    yield parts;
  }
  if (carry !== '') yield [carry.endsWith('\r') ? carry.slice(0, -1) : carry];
}

async function* ndjson(path: string): AsyncGenerator<CheckEntry[]> {
  let n = 0;
  for await (const lines of lineBatches(path)) {
    const batch: CheckEntry[] = [];
    for (const line of lines) {
      n++;
      const text = n === 1 ? line.replace(/^\uFEFF/, '') : line;
      if (text.trim() === '') continue;
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        throw notAnExport(path, `line ${n} is not JSON`);
      }
      batch.push(fromJson(path, `line ${n}`, raw));
    }
    if (batch.length) yield batch;
  }
}

/** tally writes one entry a line between "[" and "]"; anything else is parsed whole if it is not huge. */
async function* jsonArray(path: string): AsyncGenerator<CheckEntry[]> {
  let n = 0;
  let emitted = 0;
  reading: for await (const lines of lineBatches(path)) {
    const batch: CheckEntry[] = [];
    for (const line of lines) {
      n++;
      const text = line.replace(/^\uFEFF/, '').trim();
      if (text === '' || text === '[' || text === ']' || text === '[]') continue;
      const body = text.endsWith(',') ? text.slice(0, -1) : text;
      let raw: unknown;
      try {
        raw = JSON.parse(body);
      } catch {
        // not one entry a line: a JSON file laid out some other way
        if (emitted + batch.length > 0) throw notAnExport(path, `line ${n} is not one JSON entry`);
        break reading;
      }
      batch.push(fromJson(path, `entry on line ${n}`, raw));
    }
    emitted += batch.length;
    if (batch.length) yield batch;
  }
  if (emitted > 0 || n === 0) return;
  if (statSync(path).size > WHOLE_JSON_LIMIT) throw notAnExport(path, 'a JSON file this large must have one entry a line');
  let all: unknown;
  try {
    all = JSON.parse(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    throw notAnExport(path, `it is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(all)) throw notAnExport(path, 'the JSON is not an array');
  for (let i = 0; i < all.length; i += BATCH) yield all.slice(i, i + BATCH).map((raw, k) => fromJson(path, `entry ${i + k + 1}`, raw));
}

async function* csv(path: string): AsyncGenerator<CheckEntry[]> {
  const { parse } = await import('csv-parse');
  const parser = createReadStream(path).pipe(
    parse({ bom: true, columns: false, relax_column_count: false, record_delimiter: ['\r\n', '\n'] }),
  );
  let batch: CheckEntry[] = [];
  let n = 0;
  let at: number[] = [];
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      n++;
      if (n === 1) {
        at = csvColumns(path, record);
        continue;
      }
      const [createdAt, id, type, , amount, balanceAfter, unit] = at as [number, number, number, number, number, number, number];
      batch.push(
        toEntry(path, `row ${n}`, record[id], record[createdAt], record[type], record[amount], record[balanceAfter], record[unit]),
      );
      if (batch.length >= BATCH) {
        yield batch;
        batch = [];
      }
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw notAnExport(path, `row ${n + 1}: ${(error as Error).message}`);
  }
  if (batch.length) yield batch;
}

/** The file's entries, in file order, a batch at a time. */
export function readExportFile(path: string, format: ExportFileFormat): AsyncGenerator<CheckEntry[]> {
  if (format === 'csv') return csv(path);
  if (format === 'json') return jsonArray(path);
  return ndjson(path);
}
