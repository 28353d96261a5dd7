// `tally sandbox`: serve all five provider APIs on loopback until interrupted, printing base URLs and keys.
import type { Context } from '../core/context.js';
import { UsageError } from '../core/errors.js';
import { writeJson } from '../output/json.js';
import { painter, renderTable } from '../output/table.js';
import { startSandbox } from '../sandbox/server.js';
import type { SandboxOptions } from './sandbox.command.js';

export async function run(ctx: Context, { port, seed, entries, end, faults }: SandboxOptions): Promise<number> {
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  try {
    sandbox = await startSandbox({ port, seed, entries, end, faults });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`port ${port} is in use`, 'pick another with --port, or --port 0 for a free one');
    throw error;
  }
  ctx.onCleanup(() => void sandbox.close());
  if (ctx.options.json) {
    writeJson(ctx.io, {
      url: sandbox.url,
      port: sandbox.port,
      seed,
      entries,
      end: sandbox.end.toISOString(),
      providers: sandbox.providers,
    });
  } else {
    const newest = sandbox.end.toISOString();
    if (!ctx.options.quiet)
      ctx.io.err(`sandbox listening on ${sandbox.url} (seed ${seed}, ${entries} entries, the newest at ${newest}); Ctrl-C stops it\n`);
    if (ctx.io.stdoutIsTTY) {
      // a newcomer copies these: one base URL a provider on a line of its own, then its accounts' keys,
      // so that each URL and key is whole on a terminal 60 columns wide
      const paint = await painter(ctx.io.color);
      for (const p of sandbox.providers) {
        ctx.io.out(`\n${paint('header', p.id)}  base URL ${p.baseUrl}\n`);
        await renderTable(
          ctx.io,
          [{ header: 'ACCOUNT' }, { header: 'KEY' }, { header: 'WHAT IT SHOWS', free: true }],
          p.accounts.map((a) => [a.name, a.key, a.purpose]),
        );
      }
    } else {
      await renderTable(
        ctx.io,
        [{ header: 'PROVIDER' }, { header: 'BASE URL' }, { header: 'ACCOUNT' }, { header: 'KEY' }, { header: 'WHAT IT SHOWS' }],
        sandbox.providers.flatMap((p) => p.accounts.map((a) => [p.id, p.baseUrl, a.name, a.key, a.purpose])),
      );
    }
    const ok = sandbox.providers[0];
    if (ok && !ctx.options.quiet) ctx.io.err(`\n${tryLine(ok.id, ok.baseUrl, ok.accounts[0]?.key ?? '', ctx.io.stderrColumns)}\n`);
  }
  // serve until interrupted
  await new Promise<never>(() => {});
  return 0;
}

/** The command to try first: one line, or on a terminal too narrow for it, one shell line a variable. */
function tryLine(provider: string, baseUrl: string, key: string, columns: number): string {
  const parts = [`TALLY_PROVIDER=${provider}`, `TALLY_BASE_URL=${baseUrl}`, `TALLY_API_KEY=${key} tally balance`];
  const line = `try: ${parts.join(' ')}`;
  return columns > 0 && line.length > columns ? `try:\n  ${parts.join(' \\\n  ')}` : line;
}
