// Progress on stderr, only when it is a TTY and not --quiet: counts, the total and an ETA where known, retries (ora, loaded lazily).
import type { ActivityListener, RetryEvent } from '../core/activity.js';
import type { Context } from '../core/context.js';

export interface Progress {
  /** A new phase with its own count: "writing oldest first", of `total` entries. */
  phase(verb: string, total?: number): void;
  /** `n` more done in this phase, for counts no read reports (entries written back from a spool). */
  advance(n: number): void;
  /** A count of whole units shown before the entries: "2 of 5 profiles". */
  step(text: string): void;
  /** Stops, leaving `message` on a line of its own (with a tick), or nothing. */
  done(message?: string): void;
  /** Stops and clears the line (a failure, or before a command's output). */
  fail(): void;
}

/** What the line shows at one moment. */
export interface ProgressState {
  verb: string;
  done: number;
  /** How many the phase will take, where the provider reports it. */
  total?: number;
  /** "entries", "records". */
  noun: string;
  elapsedMs: number;
  step?: string;
  retry?: RetryEvent;
}

const count = (n: number) => n.toLocaleString('en-US');

/** A wait for a person: "0.5 s", "2 s", "12 s". */
export function seconds(ms: number): string {
  return ms < 10_000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms / 1000)} s`;
}

/** Time left, as rough as it is: "9 s", "3 min", "1 h 20 min". */
export function eta(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/**
 * The line: `reconciling… 1 of 3 profiles, 12,345 of 50,000 entries (4,100/s, about 9 s left) · 503, retrying
 * in 2 s (retry 1 of 4)`. `brief` 1 leaves out the rate and ETA, 2 also which retry it is.
 */
export function progressText(state: ProgressState, brief: 0 | 1 | 2 = 0): string {
  const parts: string[] = [];
  if (state.step) parts.push(state.step);
  if (state.done > 0 || state.total !== undefined) {
    const of = state.total === undefined ? '' : ` of ${count(state.total)}`;
    let entries = `${count(state.done)}${of} ${state.noun}`;
    // a rate needs a second of reading to mean anything
    const rate = state.elapsedMs >= 1000 ? state.done / (state.elapsedMs / 1000) : 0;
    if (rate > 0 && brief === 0) {
      const left =
        state.total !== undefined && state.total > state.done ? `, about ${eta(((state.total - state.done) / rate) * 1000)} left` : '';
      entries += ` (${count(Math.round(rate))}/s${left})`;
    }
    parts.push(entries);
  }
  let text = `${state.verb}…${parts.length ? ` ${parts.join(', ')}` : ''}`;
  const r = state.retry;
  if (r) text += ` · ${r.reason}, retrying in ${seconds(r.delayMs)}${brief < 2 ? ` (retry ${r.attempt} of ${r.retries})` : ''}`;
  return text;
}

/**
 * The line in `width` columns: one line, which a spinner can clear (a wrapped one it cannot). What says
 * the least goes first (the rate, which retry), so a retry still shows at 60 columns; then it is cut.
 */
export function fitProgress(state: ProgressState, width: number): string {
  let text = '';
  for (const brief of [0, 1, 2] as const) {
    text = progressText(state, brief);
    if (text.length <= width) return text;
  }
  return `${text.slice(0, Math.max(1, width - 1))}…`;
}

/** What an --all fan-out reports of the profiles done (forEachProfile's `onSettled`): "2 of 5 profiles". */
export function profilesDone(progress: Progress | undefined): ((settled: number, of: number) => void) | undefined {
  return progress && ((settled, of) => progress.step(`${settled} of ${of} profile${of === 1 ? '' : 's'}`));
}

/** Nothing is drawn for a read that ends sooner: a quick command shows no flash of a spinner, and loads no ora. */
const SHOW_AFTER_MS = 200;
const REDRAW_MS = 100;

interface Spinner {
  text: string;
  start(): unknown;
  stop(): unknown;
  succeed(text: string): unknown;
}

/**
 * Progress for one command at a terminal, or undefined. It hears the context's activity (every read's
 * pages, every retry) until it is stopped, and stops itself on Ctrl-C before tally says it was interrupted.
 */
export function startProgress(ctx: Context, verb: string, options: { noun?: string } = {}): Progress | undefined {
  if (!ctx.io.stderrIsTTY || ctx.options.quiet || ctx.options.verbose) return undefined;
  // a terminal that reports no width (a 0x0 pty: some CI runners, `docker exec -t`) sends ora's line
  // clearing into an endless loop that starves the process, signals included: no spinner there
  if (!(ctx.io.stderrColumns > 0)) return undefined;
  const noun = options.noun ?? 'entries';
  let started = performance.now();
  let phase = verb;
  let total: number | undefined;
  let extra = 0;
  let step: string | undefined;
  let retry: RetryEvent | undefined;
  /** per read: entries so far and its total */
  let reads = new Map<number, { seen: number; total: number | undefined }>();
  let spinner: Spinner | undefined;
  let stopped = false;
  let drawn = 0;

  const state = (): ProgressState => {
    let done = extra;
    let sum: number | undefined = total ?? 0;
    for (const r of reads.values()) {
      done += r.seen;
      sum = sum === undefined || r.total === undefined ? undefined : sum + r.total;
    }
    const known = total !== undefined || (reads.size > 0 && sum !== undefined);
    const of = known ? sum : undefined;
    // a read capped by --limit reads whole pages, a few past the cap
    if (of !== undefined) done = Math.min(done, of);
    return { verb: phase, done, total: of, noun, elapsedMs: performance.now() - started, step, retry };
  };
  const draw = (now = false) => {
    if (!spinner) return;
    const at = performance.now();
    if (!now && at - drawn < REDRAW_MS) return;
    drawn = at;
    // the spinner and a space before it, and the last column, which wraps on some terminals
    spinner.text = fitProgress(state(), Math.max(10, ctx.io.stderrColumns - 3));
  };

  const listener: ActivityListener = {
    page(read, entries, readTotal) {
      const r = reads.get(read) ?? { seen: 0, total: readTotal };
      r.seen += entries;
      if (readTotal !== undefined) r.total = readTotal;
      reads.set(read, r);
      const wasRetrying = retry !== undefined;
      retry = undefined;
      draw(wasRetrying);
    },
    retry(event) {
      retry = event;
      draw(true);
    },
  };
  const unlisten = ctx.activity.listen(listener);
  const show = setTimeout(() => {
    void import('ora').then(({ default: ora }) => {
      if (stopped) return;
      // discardStdin: ora's default puts the terminal in raw mode, where Ctrl-C is a byte no one reads
      spinner = ora({ text: `${phase}…`, stream: ctx.io.stderr, isEnabled: true, discardStdin: false });
      draw(true);
      spinner.start();
    });
  }, SHOW_AFTER_MS);
  show.unref();

  const end = () => {
    stopped = true;
    clearTimeout(show);
    unlisten();
    dropCleanup();
  };
  const dropCleanup = ctx.onCleanup(() => {
    end();
    spinner?.stop();
  });
  return {
    phase(verb, phaseTotal) {
      phase = verb;
      total = phaseTotal;
      extra = 0;
      reads = new Map();
      retry = undefined;
      started = performance.now();
      draw(true);
    },
    advance(n) {
      extra += n;
      draw();
    },
    step(text) {
      step = text;
      retry = undefined;
      draw(true);
    },
    done(message) {
      end();
      if (spinner && message !== undefined) spinner.succeed(message);
      else spinner?.stop();
      if (!spinner && message !== undefined) ctx.io.err(`${ctx.io.colorStderr ? '\x1b[32m✔\x1b[39m' : '✔'} ${message}\n`);
    },
    fail() {
      end();
      spinner?.stop();
    },
  };
}
