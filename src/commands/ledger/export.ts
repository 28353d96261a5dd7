// `tally ledger export`: every entry, streamed in constant memory, as CSV (default), JSON or NDJSON; of one profile or --all.
import { openOutput, type OutputFile } from '../../core/atomic-file.js';
import type { Context } from '../../core/context.js';
import type { IOStreams } from '../../core/io.js';
import { capYoungGeneration, WORKBOOK_YOUNG_GENERATION_CAP } from '../../core/memory.js';
import { ReverseSpool } from '../../core/spool.js';
import { type EntryJson, entryToJson, ExportEncoder, type SectionOwner } from '../../output/ledger.js';
import { profilesDone, type Progress, startProgress } from '../../output/progress.js';
import { exitCodeOf, formatError, UsageError, worstCode } from '../../core/errors.js';
import { assertOffers } from '../../providers/session.js';
import { findProvider } from '../../providers/registry.js';
import { forEachProfile, isFailure, ProfileError, profileTargets, type Target } from '../../providers/target.js';
import { ENTRY_TYPES, type LedgerEntry, type ProviderEntry } from '../../providers/types.js';
import type { LedgerFilter } from '../../providers/shared/filter.js';
import { type ExportOptions, isJournalFormat, isStreamFormat } from './export.command.js';
import { matchType, openLedger, prepareLedger, readPages } from './read.js';

/** Collects text and writes it in large chunks, waiting when stdout is full. */
class Output {
  private parts: string[] = [];
  private size = 0;
  constructor(
    private readonly io: IOStreams,
    private readonly file: OutputFile | undefined,
  ) {}

  async push(text: string): Promise<void> {
    if (!text) return;
    if (this.file) {
      // a file takes each page's text as it comes: no joining; a FIFO may ask to wait for its reader
      await this.file.write(text);
      return;
    }
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= 1 << 16) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (this.file) await this.file.write(text);
    else if (!this.io.out(text)) await this.io.drained();
  }
}

export async function run(ctx: Context, opts: ExportOptions): Promise<number> {
  if (opts.all) return exportAll(ctx, opts);
  const format = opts.format;
  const xlsx = format === 'xlsx' ? await import('./export-xlsx.js') : undefined;
  xlsx?.refuseTerminal(ctx, opts.out as string);
  const { target, filter } = prepareLedger(ctx, opts.filter);
  // a journal (oldest first: parse has made --order asc) checks its accounts before the file or any request
  const encoder = isStreamFormat(format)
    ? new ExportEncoder(format, opts.bom, opts.formulaGuard)
    : isJournalFormat(format)
      ? await (await import('./journal.js')).journalEncoder(ctx, target, opts, format)
      : undefined;
  // the output file is checked and created before any request: a bad path costs nothing
  const file = opts.out === undefined ? undefined : await openOutput(opts.out);
  const spool = opts.order === 'asc' ? new ReverseSpool() : undefined;
  const dropCleanup = ctx.onCleanup(() => {
    file?.abort();
    spool?.dispose();
  });
  capYoungGeneration(xlsx ? WORKBOOK_YOUNG_GENERATION_CAP : undefined);
  const progress = startProgress(ctx, spool ? 'reading the ledger' : 'exporting');
  try {
    const sink = encoder
      ? textSink(new Output(ctx.io, file), encoder)
      : await (xlsx as NonNullable<typeof xlsx>).workbookExport(ctx, opts, file, { profile: target.profile, provider: target.provider.id });
    const open = await openLedger(ctx, target, filter);
    try {
      await sink.start();
      const pages = readPages(ctx, open);
      if (spool) {
        // ascending without holding the ledger: spool newest-first to disk, read it back in reverse
        let spooled = 0;
        for await (const page of pages) {
          for (const e of page) spool.push(JSON.stringify(entryToJson(e)));
          spooled += page.length;
        }
        progress?.phase('writing oldest first', spooled);
        await writeSpooled(sink, spool.reversed(), progress);
      } else {
        for await (const page of pages) await sink.page(page);
      }
      await sink.end();
    } finally {
      await open.session.close();
    }
    await file?.commit();
    progress?.done(`exported ${sink.entries} entries${file ? ` to ${opts.out}` : ''}`);
    sink.after();
    return 0;
  } catch (error) {
    progress?.fail();
    file?.abort();
    throw error;
  } finally {
    spool?.dispose();
    dropCleanup();
  }
}

/** What the writing stage needs of a text format, whatever it is: an --all export's profiles, one section each. */
export interface SectionWriter {
  start(): string;
  /** The entries after this are this profile's. */
  section(owner: SectionOwner): string;
  /** An entry from the ledger read (one profile, newest first, not spooled). */
  add?(e: LedgerEntry): string;
  addEntryJson(e: EntryJson): string;
  end(): string;
  readonly entries: number;
}

/**
 * Where an export's entries go, whatever the format: text through Output (CSV, JSON, NDJSON, the journals),
 * or the workbook (export-xlsx.ts). One profile's pages come as read; spooled entries (--order asc, --all)
 * one by one, with a pause every 1024 for the output to drain and a signal to be heard.
 */
export interface ExportSink {
  start(): Promise<void>;
  /** --all: the entries after this are this profile's. */
  section(owner: SectionOwner): Promise<void>;
  page(entries: readonly LedgerEntry[]): Promise<void>;
  entry(e: EntryJson): Promise<void>;
  pause(): Promise<void>;
  end(): Promise<void>;
  readonly entries: number;
  /** What stderr says once the output is complete. */
  after(): void;
}

function textSink(out: Output, writer: SectionWriter): ExportSink {
  return {
    start: () => out.push(writer.start()),
    section: (owner) => out.push(writer.section(owner)),
    async page(entries) {
      let text = '';
      if (writer.add) for (const e of entries) text += writer.add(e);
      else for (const e of entries) text += writer.addEntryJson(entryToJson(e));
      await out.push(text);
    },
    entry: (e) => out.push(writer.addEntryJson(e)),
    pause: () => Promise.resolve(),
    async end() {
      await out.push(writer.end());
      await out.flush();
    },
    get entries() {
      return writer.entries;
    },
    after: () => undefined,
  };
}

/** Entries read back from a spool, written out: a turn of the event loop now and then, so Ctrl-C is heard. */
async function writeSpooled(sink: ExportSink, lines: Iterable<string>, progress?: Progress) {
  let written = 0;
  for (const line of lines) {
    await sink.entry(JSON.parse(line) as EntryJson);
    if (++written % 1024 === 0) {
      progress?.advance(1024);
      await sink.pause();
      // a file is written synchronously: without this, a signal waits for the whole file
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

/** One profile's part of an --all export, read whole into its spool: whose, how many, the entries in order. */
export interface Section extends SectionOwner {
  count: number;
  lines(): Iterable<string>;
}

/**
 * --type under --all: each profile's provider reads each value as it knows it (a normalised type or its own
 * word). A value no profile's provider knows is a mistake (exit 2, before any request); a provider word of
 * one provider simply matches nothing in the others' profiles.
 */
function typesOf(targets: ReadonlyArray<Target | ProfileError>, types: readonly string[] | undefined) {
  const providers = [
    ...new Set(targets.map((t) => (t instanceof ProfileError ? findProvider(t.provider) : t.provider)).filter((p) => p !== undefined)),
  ];
  for (const type of types ?? []) {
    if (providers.some((p) => matchType(p, type))) continue;
    const known = [...new Set([...ENTRY_TYPES, ...providers.flatMap((p) => Object.keys(p.entryTypes))])];
    throw new UsageError(
      `--type "${type}" is not a ledger type of any profile's provider (${providers.map((p) => p.id).join(', ')})`,
      `use one of: ${known.join(', ')}`,
    );
  }
  return (provider: ProviderEntry) => types?.flatMap((t) => matchType(provider, t) ?? []);
}

/** "refused (exit 3)", "down (exit 4) and refused (exit 3)": the failed profiles, named. */
function failedText(failures: ReadonlyArray<{ profile: string | null; provider: string; error: Error }>): string {
  const names = failures.map((f) => `${f.profile ?? f.provider}${failures.length > 1 ? ` (exit ${exitCodeOf(f.error)})` : ''}`);
  const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0];
  return `${list}${failures.length === 1 ? ` failed (exit ${exitCodeOf(failures[0]?.error)})` : ' failed'}`;
}

/**
 * `--all`: every profile read at once, each into a spool of its own; nothing reaches stdout or --out until
 * every profile is read, so a failing profile fails the export whole (its own exit code, no file), unless
 * --keep-going writes the others. Then profile by profile, in the order of the profiles list, in constant memory.
 */
async function exportAll(ctx: Context, opts: ExportOptions): Promise<number> {
  const format = opts.format;
  // a journal's accounts are checked, and a workbook refused on a terminal, before the file or any request
  const xlsx = format === 'xlsx' ? await import('./export-xlsx.js') : undefined;
  xlsx?.refuseTerminal(ctx, opts.out as string);
  const encoder: SectionWriter | undefined = isStreamFormat(format)
    ? new ExportEncoder(format, opts.bom, opts.formulaGuard, true)
    : isJournalFormat(format)
      ? await (await import('./journal.js')).journalSections(ctx, opts, format)
      : undefined;
  const typesFor = typesOf(profileTargets(ctx.options, ctx.env, ctx.config(), ctx.configDir), opts.filter.types);
  // the output file is checked and created before any request: a bad path costs nothing
  const file = opts.out === undefined ? undefined : await openOutput(opts.out);
  const spools = new Set<ReverseSpool>();
  const disposeAll = () => {
    for (const spool of spools) spool.dispose();
    spools.clear();
  };
  const dropCleanup = ctx.onCleanup(() => {
    file?.abort();
    disposeAll();
  });
  capYoungGeneration(xlsx ? WORKBOOK_YOUNG_GENERATION_CAP : undefined);
  const progress = startProgress(ctx, 'reading the ledgers');
  const read = async (target: Target): Promise<Section> => {
    const owner = { profile: target.profile, provider: target.provider.id };
    assertOffers(target, 'ledger');
    const types = typesFor(target.provider);
    // every --type value is another provider's word: nothing of this profile can match, so nothing is asked
    if (types?.length === 0) return { ...owner, count: 0, lines: () => [] };
    const filter: LedgerFilter = { ...opts.filter, types };
    const spool = new ReverseSpool();
    spools.add(spool);
    let count = 0;
    try {
      const open = { ...(await openLedger(ctx, target, filter)), label: target.profile ?? target.provider.id };
      try {
        for await (const page of readPages(ctx, open)) {
          for (const e of page) spool.push(JSON.stringify(entryToJson(e)));
          count += page.length;
        }
      } finally {
        await open.session.close();
      }
    } catch (error) {
      // the read failed: its spool can go now, not after the others
      spools.delete(spool);
      spool.dispose();
      throw error;
    }
    const lines = () => (opts.order === 'asc' ? spool.reversed() : spool.inOrder());
    return { ...owner, count, lines };
  };
  try {
    const rows = await forEachProfile(ctx.options, ctx.env, ctx.config(), ctx.configDir, read, profilesDone(progress));
    const failures = rows.filter(isFailure);
    const code = failures.reduce<number>((worst, f) => worstCode(worst, exitCodeOf(f.error)), 0);
    const sections = rows.filter((r): r is Section => !isFailure(r));
    const tell = () => {
      for (const f of failures) ctx.io.err(formatError(f.error, ctx.options.verbose));
    };
    if (failures.length > 0 && !opts.keepGoing) {
      progress?.fail();
      file?.abort();
      tell();
      const others = sections.length > 0 ? '; --keep-going exports the other profiles' : '';
      ctx.io.err(`tally: nothing exported: ${failedText(failures)}${others}\n`);
      return code;
    }
    const total = sections.reduce((n, s) => n + s.count, 0);
    progress?.phase('writing', total);
    const sink = encoder
      ? textSink(new Output(ctx.io, file), encoder)
      : await (xlsx as NonNullable<typeof xlsx>).workbookExport(ctx, opts, file, sections);
    await writeSections(sink, sections, progress);
    await file?.commit();
    const where = file ? ` to ${opts.out}` : '';
    if (failures.length === 0) {
      progress?.done(`exported ${sink.entries} entries of ${sections.length} profile${sections.length === 1 ? '' : 's'}${where}`);
      sink.after();
      return 0;
    }
    progress?.fail();
    sink.after();
    tell();
    ctx.io.err(`tally: exported ${sections.length} of ${rows.length} profiles; ${failedText(failures)}\n`);
    return code;
  } catch (error) {
    progress?.fail();
    file?.abort();
    throw error;
  } finally {
    disposeAll();
    dropCleanup();
  }
}

/** The writing stage of --all, the same for every format: each profile's section in turn, then the end. */
async function writeSections(sink: ExportSink, sections: readonly Section[], progress?: Progress): Promise<void> {
  await sink.start();
  for (const section of sections) {
    await sink.section({ profile: section.profile, provider: section.provider });
    await writeSpooled(sink, section.lines(), progress);
  }
  await sink.end();
}
