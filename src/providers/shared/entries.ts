// What every adapter's ledger mapping shares: closest normalised type, fingerprints, paging options.
import type { Decimal } from '../../core/money.js';
import type { EntryType, LedgerEntry, LedgerQuery } from '../types.js';
import type { PagingOptions } from './paginate.js';

/**
 * The normalised type for a provider word tally has no mapping for: by the word's meaning where it
 * has one, else by the sign of the amount. Never a crash.
 */
export function closestType(word: string, amount: Decimal): EntryType {
  const w = word.toLowerCase();
  if (w.includes('refund') || w.includes('rebate')) return 'refund';
  if (w.includes('purchase') || w.includes('topup') || w.includes('top_up') || w.includes('top-up') || w.includes('payment')) {
    return 'purchase';
  }
  if (w.includes('usage') || w.includes('consum')) return 'usage';
  if (w.includes('subscription') || w.includes('renew') || w.includes('plan')) return 'subscription';
  if (w.includes('adjust') || w.includes('correction')) return 'adjustment';
  if (w.includes('debit') || w.includes('charge') || w.includes('fee')) return 'debit';
  if (w.includes('credit') || w.includes('bonus') || w.includes('grant')) return 'credit';
  return amount.isNegative() ? 'debit' : 'credit';
}

/** Maps a provider word through a known table, falling back to the closest type. */
export function typeOf(table: Readonly<Record<string, EntryType>>, word: string, amount: Decimal): EntryType {
  return table[word] ?? closestType(word, amount);
}

export function entryFingerprint(e: LedgerEntry): string {
  return `${e.id}|${e.createdAt}|${e.providerType}|${e.amount.toString()}|${e.balanceAfter?.toString() ?? ''}`;
}

export function entryPaging(endpoint: string, pageSize: number, query: LedgerQuery): PagingOptions<LedgerEntry> {
  return { endpoint, pageSize, idOf: (e) => e.id, fingerprint: entryFingerprint, onPage: query.onPage };
}

/**
 * The provider word to send as a type filter, if the API takes one: the word itself, or the one word
 * that a normalised type maps from. undefined when it cannot be pushed down.
 */
export function pushableType(table: Readonly<Record<string, EntryType>>, wanted: string | undefined): string | undefined {
  if (wanted === undefined) return undefined;
  if (wanted in table) return wanted;
  const words = Object.keys(table).filter((w) => table[w] === wanted);
  return words.length === 1 ? words[0] : undefined;
}

/** The earlier of the user's --until and the read's start: the upper bound to send where the API takes one. */
export function upperBound(query: LedgerQuery): Date {
  return query.until && query.until < query.startedAt ? query.until : query.startedAt;
}

/** Where providers put words for people, beside the fields tally maps: an accountant needs them all. */
const HUMAN_TEXT = ['note', 'description', 'memo', 'reason', 'comment'] as const;

/**
 * An entry's description from every piece of human text it carries (a description field, a note in its
 * metadata, a model summary), in order, each once, joined by "; "; null when there is none.
 */
export function describeEntry(
  parts: ReadonlyArray<string | null | undefined>,
  extra?: Readonly<Record<string, unknown>> | null,
): string | null {
  const found: string[] = [];
  const take = (text: unknown) => {
    if (typeof text === 'string' && text.trim() !== '' && !found.includes(text)) found.push(text);
  };
  for (const part of parts) take(part);
  if (extra) for (const key of HUMAN_TEXT) take(extra[key]);
  return found.length === 0 ? null : found.join('; ');
}
