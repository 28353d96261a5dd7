// `tally sandbox`: serve all five provider APIs on loopback until interrupted, printing base URLs and keys.
import type { Context } from '../core/context.js';
import { UsageError } from '../core/errors.js';
import { writeJson } from '../output/json.js';
import { renderTable } from '../output/table.js';
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
    await renderTable(
      ctx.io,
      [{ header: 'PROVIDER' }, { header: 'BASE URL' }, { header: 'ACCOUNT' }, { header: 'KEY' }, { header: 'WHAT IT SHOWS' }],
      sandbox.providers.flatMap((p) => p.accounts.map((a) => [p.id, p.baseUrl, a.name, a.key, a.purpose])),
    );
    const ok = sandbox.providers[0];
    if (ok && !ctx.options.quiet) {
      ctx.io.err(`\ntry: TALLY_PROVIDER=${ok.id} TALLY_BASE_URL=${ok.baseUrl} TALLY_API_KEY=${ok.accounts[0]?.key ?? ''} tally balance\n`);
    }
  }
  // serve until interrupted
  await new Promise<never>(() => {});
  return 0;
}
