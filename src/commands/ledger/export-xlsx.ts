// `tally ledger export --format xlsx --out FILE`: the ledger as a workbook (output/xlsx.ts) with the statement of what it holds.
import { isTerminal, openOutput, type OutputFile, resolveOutputTarget } from '../../core/atomic-file.js';
import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { capYoungGeneration } from '../../core/memory.js';
import { Decimal, formatAmount } from '../../core/money.js';
import { ReverseSpool } from '../../core/spool.js';
import { type EntryJson, entryToJson } from '../../output/ledger.js';
import { type Progress, startProgress } from '../../output/progress.js';
import { findProvider } from '../../providers/registry.js';
import { LedgerWorkbook, type WorkbookSink, type WorkbookStatement } from '../../output/xlsx.js';
import type { LedgerFilter } from '../../providers/shared/filter.js';
import { RollForward } from '../../reconcile/rollforward.js';
import type { ExportOptions } from './export.command.js';
import type { Section } from './export.js';
import { openLedger, prepareLedger, readPages } from './read.js';

/** One profile's part of a workbook: its roll-forward over the entries written, for the Statement sheet. */
export class WorkbookSection {
  private readonly roll: RollForward;
  private unit: string | null = null;

  constructor(
    readonly profile: string | null,
    readonly provider: string,
    private readonly options: { direction: 'asc' | 'desc'; purchasesOnly: boolean; filter: LedgerFilter },
  ) {
    this.roll = new RollForward({ direction: options.direction, purchasesOnly: options.purchasesOnly });
  }

  /** An entry written to the workbook, in the order written. */
  push(e: EntryJson): void {
    this.unit ??= e.unit;
    this.roll.push({
      createdAt: e.createdAt,
      type: e.type,
      amount: Decimal.parse(e.amount),
      balanceAfter: e.balanceAfter === null ? null : Decimal.parse(e.balanceAfter),
    });
  }

  /** The statement (SPEC §8) of the period exported: --since/--until when given, else the first and last entries. */
  statement(): WorkbookStatement {
    const r = this.roll.finish();
    const { since, until, types } = this.options.filter;
    return {
      ...r,
      profile: this.profile,
      provider: this.provider,
      unit: this.unit,
      from: since?.toISOString() ?? r.from,
      to: until?.toISOString() ?? r.to,
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

export async function run(ctx: Context, opts: ExportOptions): Promise<number> {
  // parse has made sure of --out
  const out = opts.out as string;
  refuseTerminal(ctx, out);
  const { target, filter } = prepareLedger(ctx, opts.filter);
  // the output file is checked and created before any request: a bad path costs nothing
  const file = await openOutput(out);
  const spool = opts.order === 'asc' ? new ReverseSpool() : undefined;
  const dropCleanup = ctx.onCleanup(() => {
    file?.abort();
    spool?.dispose();
  });
  capYoungGeneration();
  const progress = startProgress(ctx, spool ? 'reading the ledger' : 'exporting');
  const sink = workbookSink(ctx, file);
  try {
    // spreadsheets have no zones: the cells hold wall times in --tz, else in UTC as CSV and JSON do
    const book = await LedgerWorkbook.open(sink, { zone: ctx.options.tz ?? 'UTC' });
    const section = new WorkbookSection(target.profile, target.provider.id, {
      direction: opts.order,
      purchasesOnly: target.provider.ledgerKind === 'purchases',
      filter,
    });
    const add = (e: EntryJson) => {
      book.add(e);
      section.push(e);
    };
    const open = await openLedger(ctx, target, filter);
    let written = 0;
    try {
      const pages = readPages(ctx, open);
      if (spool) {
        // ascending without holding the ledger: spool newest-first to disk, read it back in reverse
        for await (const page of pages) {
          for (const e of page) spool.push(JSON.stringify(entryToJson(e)));
          written += page.length;
        }
        progress?.phase('writing oldest first', written);
        written = 0;
        for (const line of spool.reversed()) {
          add(JSON.parse(line) as EntryJson);
          if (++written % 1024 === 0) {
            progress?.advance(1024);
            // the zip and the file are written as the loop turns: wait for them, and hear Ctrl-C
            await book.drained();
            await new Promise((resolve) => setImmediate(resolve));
          }
        }
      } else {
        for await (const page of pages) {
          for (const e of page) add(entryToJson(e));
          written += page.length;
          await book.drained();
        }
      }
    } finally {
      await open.session.close();
    }
    const statement = section.statement();
    await book.finish([statement]);
    await file?.commit();
    progress?.done(`exported ${written} entries${file ? ` to ${out}` : ''}`);
    afterWorkbook(ctx, { entries: written, inexact: book.inexact, clipped: book.clipped, early: book.early, statements: [statement] });
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

/** What a workbook's export says on stderr once it is written: amounts kept as text, statements that do not roll forward. */
export function afterWorkbook(
  ctx: Context,
  written: { entries: number; inexact?: number; clipped?: number; early?: number; statements?: readonly WorkbookStatement[] },
): void {
  const inexact = written.inexact ?? 0;
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
  for (const statement of written.statements ?? []) {
    const warning = rollForwardWarning(statement);
    if (warning) ctx.io.err(warning);
  }
}

/**
 * `ledger export --all --format xlsx`: every profile's spooled section into one Ledger sheet (profile and
 * provider first in each row), and one Statement column per profile.
 */
export async function writeWorkbook(
  ctx: Context,
  opts: ExportOptions,
  file: OutputFile | undefined,
  sections: readonly Section[],
  progress?: Progress,
): Promise<{ entries: number; inexact: number; clipped: number; early: number; statements: WorkbookStatement[] }> {
  const owners = sections.map((s) => ({ profile: s.profile, provider: s.provider }));
  const book = await LedgerWorkbook.open(workbookSink(ctx, file), { zone: ctx.options.tz ?? 'UTC', profiles: owners });
  const statements: WorkbookStatement[] = [];
  let entries = 0;
  for (const s of sections) {
    const who = { profile: s.profile, provider: s.provider };
    const section = new WorkbookSection(s.profile, s.provider, {
      direction: opts.order,
      purchasesOnly: findProvider(s.provider)?.ledgerKind === 'purchases',
      filter: opts.filter,
    });
    for (const line of s.lines()) {
      const e = JSON.parse(line) as EntryJson;
      book.add(e, who);
      section.push(e);
      if (++entries % 1024 === 0) {
        progress?.advance(1024);
        await book.drained();
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    statements.push(section.statement());
  }
  await book.finish(statements);
  return { entries, inexact: book.inexact, clipped: book.clipped, early: book.early, statements };
}
