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
  return { endpoint, pageSize, idOf: (e) => e.id, fingerprint: entryFingerprint, onPage: query.onPage, onRepeat: query.onRepeat };
}

/**
 * The provider word to send as a type filter, if the API takes one: the word itself, or the one word
 * that a normalised type maps from. undefined when it cannot be pushed down (the API takes one type, so
 * several asked for are filtered here).
 */
export function pushableType(table: Readonly<Record<string, EntryType>>, types: readonly string[] | undefined): string | undefined {
  if (types?.length !== 1) return undefined;
  const wanted = types[0] as string;
  if (wanted in table) return wanted;
  const words = Object.keys(table).filter((w) => table[w] === wanted);
  return words.length === 1 ? words[0] : undefined;
}

/** Where providers put words for people, beside the fields tally maps: an accountant needs them all. */
const HUMAN_TEXT = new Set(['note', 'description', 'memo', 'reason', 'comment']);

/**
 * An entry's description from every piece of human text it carries: a description field or a model
 * summary, then any note, description, memo, reason or comment in its metadata (in the metadata's order),
 * each once, joined by "; "; null when there is none.
 */
export function describeEntry(given: string | null | undefined, extra?: Readonly<Record<string, unknown>> | null): string | null {
  let text = hasText(given) ? given : null;
  if (extra) {
    // the keys it has (two or three), not every key it might have: this runs for every entry
    for (const key in extra) {
      if (!HUMAN_TEXT.has(key)) continue;
      const t = extra[key];
      if (!hasText(t)) continue;
      if (text === null) text = t;
      else if (!text.split('; ').includes(t)) text = `${text}; ${t}`;
    }
  }
  return text;
}

const hasText = (t: unknown): t is string => typeof t === 'string' && NOT_BLANK.test(t);
const NOT_BLANK = /\S/;
