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

/** Opens a URL in the desktop's browser; never waits for it. */
function openInBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
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
  if (open && ctx.io.stdoutIsTTY) openInBrowser(url);
  return 0;
}
