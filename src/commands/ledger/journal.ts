// `ledger export --format hledger|beancount`: the journal writer for the export, with the profile's accounts; loaded only for a journal.
import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import type { JournalAccounts, JournalStream, JournalWriter } from '../../output/journal.js';
import { accountPart, defaultAccounts, journalAccounts } from '../../output/journal.js';
import { type EntryJson, entryToJson, type SectionOwner } from '../../output/ledger.js';
import { findProvider } from '../../providers/registry.js';
import { ProfileError, profileTargets, type Target } from '../../providers/target.js';
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
    section: () => '',
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
 * "a_b" both AB) get -2, -3… after it in the profiles' order: one account for two would fail both's assertions.
 * Every profile's accounts are worked out (and a --map that clashes with one refused) before any request.
 */
export async function journalSections(ctx: Context, opts: ExportOptions, format: JournalFormat) {
  const writer = await openJournalWriter(format, ctx.options.tz ?? 'UTC');
  let stream: JournalStream | undefined;
  const taken = new Set<string>();
  const accountsOf = new Map<string | null, JournalAccounts>();
  for (const t of profileTargets(ctx.options, ctx.env, ctx.config(), ctx.configDir)) {
    const provider = t instanceof ProfileError ? findProvider(t.provider) : t.provider;
    // a profile of a provider tally does not know fails its read, and is written nowhere
    if (!provider) continue;
    // the base holds no posting itself (each profile's account is under it): only the profiles' accounts are checked
    const base = opts.journal?.account ?? defaultAccounts(provider.name).asset;
    const wanted = t.profile === null ? base : `${base}:${accountPart(t.profile)}`;
    let asset = wanted;
    for (let n = 2; taken.has(asset); n++) asset = `${wanted}-${n}`;
    taken.add(asset);
    accountsOf.set(t.profile, journalAccounts(provider.name, asset, opts.journal?.map ?? {}));
  }
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
      const accounts = accountsOf.get(owner.profile);
      // a profile's provider is one tally knows, its accounts worked out above: it could not have been read otherwise
      if (!provider || !accounts) throw new UsageError(`profile ${owner.profile ?? '(env)'} names no known provider`);
      stream = writer.stream({ profile: owner.profile, provider, accounts, since: opts.filter.since !== undefined });
      return text;
    },
    addEntryJson: (e: EntryJson) => (stream ? stream.add(e) : ''),
    end: () => close() + writer.end(),
    get entries() {
      return writer.entries;
    },
  };
}
