// `tally ledger export`: every entry, streamed in constant memory, as CSV (default), JSON or NDJSON.
import { openOutput, type OutputFile } from '../../core/atomic-file.js';
import type { Context } from '../../core/context.js';
import type { IOStreams } from '../../core/io.js';
import { capYoungGeneration } from '../../core/memory.js';
import { ReverseSpool } from '../../core/spool.js';
import { type EntryJson, entryToJson, ExportEncoder } from '../../output/ledger.js';
import { startProgress } from '../../output/progress.js';
import { UsageError } from '../../core/errors.js';
import { type ExportOptions, isStreamFormat } from './export.command.js';
import { openLedger, prepareLedger, readPages } from './read.js';

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
  const format = opts.format;
  if (format === 'xlsx') return (await import('./export-xlsx.js')).run(ctx, opts);
  if (!isStreamFormat(format)) throw new UsageError(`--format ${format} is not written yet`);
  const { target, filter } = prepareLedger(ctx, opts.filter);
  // the output file is checked and created before any request: a bad path costs nothing
  const file = opts.out === undefined ? undefined : await openOutput(opts.out);
  const spool = opts.order === 'asc' ? new ReverseSpool() : undefined;
  const dropCleanup = ctx.onCleanup(() => {
    file?.abort();
    spool?.dispose();
  });
  capYoungGeneration();
  const progress = startProgress(ctx, spool ? 'reading the ledger' : 'exporting');
  const encoder = new ExportEncoder(format, opts.bom, opts.formulaGuard);
  try {
    const open = await openLedger(ctx, target, filter);
    const out = new Output(ctx.io, file);
    try {
      await out.push(encoder.start());
      const pages = readPages(ctx, open);
      if (spool) {
        // ascending without holding the ledger: spool newest-first to disk, read it back in reverse
        let spooled = 0;
        for await (const page of pages) {
          for (const e of page) spool.push(JSON.stringify(entryToJson(e)));
          spooled += page.length;
        }
        progress?.phase('writing oldest first', spooled);
        let written = 0;
        for (const line of spool.reversed()) {
          await out.push(encoder.addEntryJson(JSON.parse(line) as EntryJson));
          if (++written % 1024 === 0) {
            progress?.advance(1024);
            // a file is written synchronously: a turn of the event loop now and then, so Ctrl-C is heard
            await new Promise((resolve) => setImmediate(resolve));
          }
        }
      } else {
        for await (const page of pages) {
          let text = '';
          for (const e of page) text += encoder.add(e);
          await out.push(text);
        }
      }
      await out.push(encoder.end());
      await out.flush();
    } finally {
      await open.session.close();
    }
    await file?.commit();
    progress?.done(`exported ${encoder.entries} entries${file ? ` to ${opts.out}` : ''}`);
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
