// Checks shared by the ledger tests: parse NDJSON exports and prove an export is whole and in order.
import { expect } from 'vitest';
import type { EntryJson } from '../../src/output/ledger.js';

/** An entry as `ledger export --json/--ndjson` writes it. */
export type ExportedEntry = EntryJson;

export function parseNdjson(text: string): ExportedEntry[] {
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as ExportedEntry);
}

/** Exact decimal strings to integer units at a fixed scale (test-only arithmetic, no floats). */
export function units(text: string, scale = 6): bigint {
  const [int, frac = ''] = text.replace('-', '').split('.');
  const value = BigInt(`${int}${frac.padEnd(scale, '0')}`);
  return text.startsWith('-') ? -value : value;
}

/** Every entry once, newest first, each balance following from the one before it. */
export function expectWholeChain(entries: ExportedEntry[]): void {
  const ids = new Set(entries.map((e) => e.id));
  expect(ids.size).toBe(entries.length);
  for (let i = 0; i + 1 < entries.length; i++) {
    const newer = entries[i]!;
    const older = entries[i + 1]!;
    expect(newer.createdAt >= older.createdAt, `${newer.id} is newer than ${older.id}`).toBe(true);
    expect(units(newer.balanceAfter!), `chain at ${newer.id}`).toBe(units(older.balanceAfter!) + units(newer.amount));
  }
}

/**
 * The wall time of an instant in a zone, "2026-03-09T15:32:00.250", computed with Intl for every instant on
 * its own, never by tally's code: what the workbook's cells (as openpyxl reads them back) must agree with.
 */
export function intlWallTime(ms: number, zone: string): string {
  const f = new Intl.DateTimeFormat('sv-SE', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  return `${f.format(new Date(ms)).replace(' ', 'T')}.${String(((ms % 1000) + 1000) % 1000).padStart(3, '0')}`;
}
