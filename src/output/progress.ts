// Progress on stderr, only when it is a TTY and not --quiet: entries so far and the rate (ora, loaded lazily).
import type { Context } from '../core/context.js';

export interface Progress {
  update(entries: number): void;
  done(message: string): void;
  fail(): void;
}

export async function startProgress(ctx: Context, verb: string): Promise<Progress | undefined> {
  if (!ctx.io.stderrIsTTY || ctx.options.quiet || ctx.options.verbose) return undefined;
  // a terminal that reports no width (a 0x0 pty: some CI runners, `docker exec -t`) sends ora's line
  // clearing into an endless loop that starves the process, signals included: no spinner there
  if (!(ctx.io.stderrColumns > 0)) return undefined;
  const { default: ora } = await import('ora');
  const started = performance.now();
  const spinner = ora({ text: `${verb}…`, stream: ctx.io.stderr, isEnabled: true }).start();
  let last = 0;
  return {
    update(entries) {
      const now = performance.now();
      if (now - last < 100) return;
      last = now;
      const rate = Math.round(entries / ((now - started) / 1000));
      spinner.text = `${verb}… ${entries.toLocaleString('en-US')} entries (${rate.toLocaleString('en-US')}/s)`;
    },
    done(message) {
      spinner.succeed(message);
    },
    fail() {
      spinner.stop();
    },
  };
}
