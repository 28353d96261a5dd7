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
