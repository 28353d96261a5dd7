// `ledger export --format hledger|beancount`: the journal writer for the export, with the profile's accounts; loaded only for a journal.
import type { Context } from '../../core/context.js';
import type { JournalWriter } from '../../output/journal.js';
import { journalAccounts } from '../../output/journal.js';
import { type EntryJson, entryToJson } from '../../output/ledger.js';
import type { Target } from '../../providers/target.js';
import type { LedgerEntry } from '../../providers/types.js';
import type { ExportOptions, JournalFormat } from './export.command.js';

/** The writer of a journal format, imported only when that format runs. */
export async function openJournalWriter(format: JournalFormat, zone: string): Promise<JournalWriter> {
  const { createJournal } = format === 'hledger' ? await import('../../output/hledger.js') : await import('../../output/beancount.js');
  return createJournal(zone);
}

/**
 * A journal of one profile, shaped as the export's encoder (start, entries, end). `--all` would instead open
 * one writer and a `writer.stream(...)` per profile, each with its own asset account.
 */
export async function journalEncoder(ctx: Context, target: Target, opts: ExportOptions, format: JournalFormat) {
  // dated in UTC unless --tz is given: the same ledger gives the same journal on every machine
  const writer = await openJournalWriter(format, ctx.options.tz ?? 'UTC');
  const stream = writer.stream({
    profile: target.profile,
    provider: target.provider,
    accounts: journalAccounts(target.provider.name, opts.journal?.account, opts.journal?.map ?? {}),
    since: opts.filter.since !== undefined,
  });
  return {
    start: () => writer.start(),
    add: (e: LedgerEntry) => stream.add(entryToJson(e)),
    addEntryJson: (e: EntryJson) => stream.add(e),
    end: () => stream.end() + writer.end(),
    get entries() {
      return writer.entries;
    },
  };
}
