// `tally checkout <pack> [--open]`: check the pack against the list, start a checkout, print its URL.
import { spawn } from 'node:child_process';
import type { Context } from '../core/context.js';
import { UsageError } from '../core/errors.js';
import { terminalSafe } from '../core/io.js';
import { closest } from '../core/suggest.js';
import { writeJson } from '../output/json.js';
import { openProvider, unsupported } from '../providers/session.js';
import type { CheckoutOptions } from './checkout.command.js';
import { fetchPacks, packsTarget } from './packs.js';

/** How long an opener may take to say it failed; one still running then is taken to have worked. */
const OPENER_WAIT_MS = 3000;

/** Opens a URL in the desktop's browser: null once handed over, else why it could not be (the opener is missing or failed). */
function openInBrowser(url: string): Promise<string | null> {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    const timer = setTimeout(() => {
      child.unref();
      resolve(null);
    }, OPENER_WAIT_MS);
    const done = (why: string | null) => {
      clearTimeout(timer);
      resolve(why);
    };
    child.on('error', (error: NodeJS.ErrnoException) =>
      done(error.code === 'ENOENT' ? `${cmd} is not on PATH` : `${cmd} could not start (${error.code ?? error.message})`),
    );
    child.on('exit', (code, signal) => done(code === 0 ? null : `${cmd} ${signal ? `was killed by ${signal}` : `exited with ${code}`}`));
  });
}

export async function run(ctx: Context, { pack, open }: CheckoutOptions): Promise<number> {
  const target = packsTarget(ctx, 'checkout');
  const packs = await fetchPacks(ctx, target);
  const chosen = packs.find((p) => p.key === pack);
  if (!chosen) {
    const keys = packs.map((p) => p.key);
    const near = closest(pack, keys);
    throw new UsageError(
      `"${pack}" is not a pack ${target.provider.id} sells`,
      near ? `did you mean ${near}? (packs: ${keys.join(', ')})` : `choose one of: ${keys.join(', ')}`,
    );
  }
  const session = await openProvider(ctx, target);
  let url: string;
  try {
    const checkoutOf = session.adapter.checkout;
    if (!checkoutOf) throw unsupported(target, 'checkout');
    url = await checkoutOf(session.pctx, chosen.key);
  } finally {
    await session.close();
  }
  if (ctx.options.json) writeJson(ctx.io, { pack: chosen.key, url });
  else ctx.io.out(`${terminalSafe(url)}\n`);
  // a browser only for a person at a terminal, never from a script or a pipe
  if (open && ctx.io.stdoutIsTTY) {
    // the URL is printed, which is what the command is for: a browser that does not open is a note, exit 0
    const failed = await openInBrowser(url);
    if (failed) ctx.io.err(`tally: note: no browser opened: ${failed}; open the URL above yourself\n`);
  }
  return 0;
}
