// `ledger export --format hledger|beancount`: the journal writer for the export, with the profile's accounts; loaded only for a journal.
import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import type { JournalStream, JournalWriter } from '../../output/journal.js';
import { accountPart, journalAccounts } from '../../output/journal.js';
import { type EntryJson, entryToJson, type SectionOwner } from '../../output/ledger.js';
import { findProvider } from '../../providers/registry.js';
import type { Target } from '../../providers/target.js';
import type { LedgerEntry } from '../../providers/types.js';
import type { ExportOptions, JournalFormat } from './export.command.js';

/** The writer of a journal format, imported only when that format runs. */
export async function openJournalWriter(format: JournalFormat, zone: string): Promise<JournalWriter> {
  const { createJournal } = format === 'hledger' ? await import('../../output/hledger.js') : await import('../../output/beancount.js');
  return createJournal(zone);
}

/** A journal of one profile, shaped as the export's encoder (start, entries, end). */
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

/**
 * `--all` into one journal: a stream per profile, each with an asset account of its own (the accounts of two
 * profiles must not mix, or neither's assertions hold): `<--account, or Assets:Prepaid:<Provider>>:<Profile>`.
 * Counter-accounts are shared; each is declared once. Profiles whose names make the same part ("a.b" and
 * "a_b" both AB) get -2, -3… after it in the order written: one account for two would fail both's assertions.
 */
export async function journalSections(ctx: Context, opts: ExportOptions, format: JournalFormat) {
  const writer = await openJournalWriter(format, ctx.options.tz ?? 'UTC');
  let stream: JournalStream | undefined;
  const assets = new Set<string>();
  const close = () => {
    const text = stream?.end() ?? '';
    stream = undefined;
    return text;
  };
  return {
    start: () => writer.start(),
    section(owner: SectionOwner): string {
      const text = close();
      const provider = findProvider(owner.provider);
      // a profile's provider is one tally knows: the profile could not have been read otherwise
      if (!provider) throw new UsageError(`profile ${owner.profile ?? '(env)'} names no known provider`);
      const base = journalAccounts(provider.name, opts.journal?.account, opts.journal?.map ?? {}).asset;
      const wanted = owner.profile === null ? base : `${base}:${accountPart(owner.profile)}`;
      let asset = wanted;
      for (let n = 2; assets.has(asset); n++) asset = `${wanted}-${n}`;
      assets.add(asset);
      stream = writer.stream({
        profile: owner.profile,
        provider,
        accounts: journalAccounts(provider.name, asset, opts.journal?.map ?? {}),
        since: opts.filter.since !== undefined,
      });
      return text;
    },
    addEntryJson: (e: EntryJson) => (stream ? stream.add(e) : ''),
    end: () => close() + writer.end(),
    get entries() {
      return writer.entries;
    },
  };
}
