// `tally ledger export --format xlsx --out FILE`: the ledger as a workbook (output/xlsx.ts) with the statement of what it holds.
import { isTerminal, type OutputFile, resolveOutputTarget } from '../../core/atomic-file.js';
import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { Decimal, formatAmount } from '../../core/money.js';
import { type EntryJson, entryToJson, type SectionOwner } from '../../output/ledger.js';
import { findProvider } from '../../providers/registry.js';
import type { LedgerEntry } from '../../providers/types.js';
import { LedgerWorkbook, type WorkbookSink, type WorkbookStatement } from '../../output/xlsx.js';
import type { LedgerFilter } from '../../providers/shared/filter.js';
import { StatementBuilder, type StatementEntry } from '../../reconcile/statement.js';
import type { ExportOptions } from './export.command.js';
import type { ExportSink } from './export.js';

/** One profile's part of a workbook: the statement of the entries written (reconcile/statement.ts), for the Statement sheet. */
export class WorkbookSection {
  private readonly builder: StatementBuilder;

  constructor(
    readonly profile: string | null,
    readonly provider: string,
    private readonly options: { direction: 'asc' | 'desc'; purchasesOnly: boolean; filter: LedgerFilter },
  ) {
    this.builder = new StatementBuilder({
      direction: options.direction,
      purchasesOnly: options.purchasesOnly,
      who: profile ? `${provider} (profile ${profile})` : provider,
    });
  }

  /**
   * An entry written to the workbook, in the order written: as read (its amounts already exact), or from a spool,
   * whose text does not say whether the provider sent the figures as JSON numbers (read as an export is).
   */
  push(e: StatementEntry | EntryJson): void {
    if (typeof e.amount !== 'string') {
      this.builder.push(e as StatementEntry);
      return;
    }
    const j = e as EntryJson;
    this.builder.push({
      id: j.id,
      createdAt: j.createdAt,
      type: j.type,
      unit: j.unit,
      amount: Decimal.parseExported(j.amount),
      balanceAfter: j.balanceAfter === null ? null : Decimal.parseExported(j.balanceAfter),
    });
  }

  /**
   * The statement (SPEC §8) of the period exported: --since/--until when given, else the first and last
   * entries. It opens where the first exported entry started: the export reads nothing before the period.
   */
  statement(): WorkbookStatement {
    const f = this.builder.finish();
    const { since, until, types } = this.options.filter;
    return {
      profile: this.profile,
      provider: this.provider,
      unit: f.unit,
      from: since?.toISOString() ?? f.first,
      to: until?.toISOString() ?? f.last,
      opening: f.opening,
      movements: f.movements,
      closing: f.closing,
      entries: f.entries,
      ok: f.ok,
      difference: f.difference,
      types,
    };
  }
}

/** What stderr says of a statement that does not roll forward (the export still succeeds: it is what was read). */
export function rollForwardWarning(s: WorkbookStatement): string | undefined {
  if (s.ok || s.types) return undefined;
  const who = s.profile ?? s.provider;
  // no balance at all: nothing is off, so there is no entry for reconcile to find
  if (s.difference === null)
    return `tally: warning: ${who}: no entry exported carries a balance: the Statement sheet shows the movements, not whether they roll forward\n`;
  const by = `off by ${formatAmount(s.difference, s.unit ?? '')} ${s.unit ?? ''}`;
  return `tally: warning: ${who}: opening + movements does not make the closing balance (${by.trimEnd()}); the Statement sheet shows it, tally reconcile finds the entry\n`;
}

/** A workbook is binary: refused before anything else when --out leads to a terminal (stdout on one, /dev/tty). */
export function refuseTerminal(ctx: Context, out: string): void {
  if (isTerminal(resolveOutputTarget(out), ctx.io.stdoutIsTTY)) {
    throw new UsageError(
      '--format xlsx writes no workbook to a terminal',
      'give a file, such as --out ledger.xlsx, or pipe it on: --out - | …',
    );
  }
}

/** Where the workbook's bytes go: the --out file, or standard output (a pipe: refuseTerminal has run). */
export function workbookSink(ctx: Context, file: OutputFile | undefined): WorkbookSink {
  return file ? (chunk) => file.write(chunk) : (chunk) => (ctx.io.stdout.write(chunk) ? undefined : ctx.io.drained());
}

/** What a workbook's export says on stderr once it is written: amounts kept as text, texts cut, early dates, statements that do not roll forward. */
export function afterWorkbook(
  ctx: Context,
  written: { inexact: number; clipped?: number; early?: number; statements: readonly WorkbookStatement[] },
): void {
  const inexact = written.inexact;
  if (inexact > 0) {
    ctx.io.err(
      `tally: warning: ${inexact} amount${inexact === 1 ? ' has' : 's have'} more than 15 significant digits, which a spreadsheet's number would round: written as exact text\n`,
    );
  }
  const clipped = written.clipped ?? 0;
  if (clipped > 0) {
    ctx.io.err(
      `tally: warning: ${clipped} text${clipped === 1 ? ' is' : 's are'} longer than a spreadsheet cell's 32,767 characters: cut to them, ending in … (CSV and NDJSON keep ${clipped === 1 ? 'it' : 'them'} whole)\n`,
    );
  }
  const early = written.early ?? 0;
  if (early > 0) {
    ctx.io.err(
      `tally: warning: ${early} date-time${early === 1 ? ' is' : 's are'} before 1900-03-01, which a spreadsheet cannot show as a date: written as text\n`,
    );
  }
  for (const statement of written.statements) {
    const warning = rollForwardWarning(statement);
    if (warning) ctx.io.err(warning);
  }
}

/**
 * The workbook as the export's sink (export.ts): one Ledger sheet, and one Statement column per profile —
 * `--all` names every profile up front (profile and provider then lead each row, their widths known); one
 * profile's export names just its own.
 */
export async function workbookExport(
  ctx: Context,
  opts: ExportOptions,
  file: OutputFile | undefined,
  profiles: SectionOwner | readonly SectionOwner[],
): Promise<ExportSink> {
  const all = Array.isArray(profiles) ? (profiles as readonly SectionOwner[]) : undefined;
  // spreadsheets have no zones: the cells hold wall times in --tz, else in UTC as CSV and JSON do
  const book = await LedgerWorkbook.open(workbookSink(ctx, file), {
    zone: ctx.options.tz ?? 'UTC',
    profiles: all?.map((p) => ({ profile: p.profile, provider: p.provider })),
  });
  const statements: WorkbookStatement[] = [];
  let owner: SectionOwner | undefined;
  let section: WorkbookSection | undefined;
  let entries = 0;
  const begin = (next: SectionOwner) => {
    if (section) statements.push(section.statement());
    owner = next;
    section = new WorkbookSection(next.profile, next.provider, {
      direction: opts.order,
      purchasesOnly: findProvider(next.provider)?.ledgerKind === 'purchases',
      filter: opts.filter,
    });
  };
  if (!all) begin(profiles as SectionOwner);
  const add = (e: EntryJson, read?: LedgerEntry) => {
    book.add(e, all ? owner : undefined);
    // an entry as read carries its amounts exact already: no second parse of what entryToJson printed
    section?.push(read ?? e);
    entries++;
  };
  return {
    start: () => Promise.resolve(),
    section(next) {
      begin(next);
      return Promise.resolve();
    },
    async page(es) {
      for (const e of es) add(entryToJson(e), e);
      await book.drained();
    },
    entry(e) {
      add(e);
      return Promise.resolve();
    },
    pause: () => book.drained(),
    async end() {
      if (section) statements.push(section.statement());
      section = undefined;
      await book.finish(statements);
    },
    get entries() {
      return entries;
    },
    after: () => afterWorkbook(ctx, { inexact: book.inexact, clipped: book.clipped, early: book.early, statements }),
  };
}
