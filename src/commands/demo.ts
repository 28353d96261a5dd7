// `tally demo`: the sandbox in-process, and tally run against it, with one plain line before each step.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandModule } from '../core/command.js';
import type { Context } from '../core/context.js';
import { Decimal } from '../core/money.js';
import { ExitCode } from '../core/errors.js';
import type { IOStreams } from '../core/io.js';
import { requireProvider, type Target, targetFor } from '../providers/target.js';
import { startSandbox } from '../sandbox/server.js';
import { fetchBalance, report } from './balance.js';
import type { ReconcileOptions } from './reconcile.command.js';

/** `tally reconcile` with no flags. */
const RECONCILE: ReconcileOptions = { all: false, checkpoint: false, resetCheckpoint: false, full: false, tolerance: Decimal.ZERO };

export async function run(ctx: Context): Promise<number> {
  const sandbox = await startSandbox({ port: 0, seed: 1, entries: 250 });
  const dir = mkdtempSync(join(tmpdir(), 'tally-demo-'));
  ctx.onCleanup(() => {
    void sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const say = (line: string) => ctx.io.out(`\n${line}\n`);
  const target = (provider: string, account: string, name: string): Target =>
    targetFor(
      requireProvider(provider),
      name,
      { provider, baseUrl: sandbox.baseUrl(provider), key: sandbox.key(provider, account) },
      {},
      {},
    );
  // the demo is one story told on stdout: the steps' summaries and notes (stderr in the commands) with it
  const storyIO: IOStreams = Object.create(ctx.io, { err: { value: (text: string) => void ctx.io.out(text) } });
  // each step runs the same code the commands run, with the demo's targets instead of a config file
  const step = async <O>(t: Target, load: () => Promise<CommandModule<O>>, options: O) => {
    const { createContext } = await import('../core/context.js');
    const stepCtx = createContext(
      { ...ctx.options, provider: t.provider.id, baseUrl: t.baseUrl.href },
      // the sandbox is in this process, on loopback: never through a proxy the environment names
      {
        ...ctx.env,
        TALLY_API_KEY: t.key,
        TALLY_PROVIDER: t.provider.id,
        TALLY_PROFILE: '',
        TALLY_CONFIG_DIR: dir,
        no_proxy: '*',
        NO_PROXY: '*',
      },
      storyIO,
    );
    return (await (await load()).run(stepCtx, options)) ?? ExitCode.ok;
  };
  try {
    say(`tally demo: a sandbox of all five providers is running at ${sandbox.url} (loopback only; no config, no network).`);

    say('1. The balance of a sandbox account at every provider, fetched concurrently (tally balance --all):');
    const accounts = sandbox.providers.map((p) => target(p.id, 'ok', `${p.id}-demo`));
    await report(ctx, await Promise.all(accounts.map((t) => fetchBalance(ctx, t))), { all: true }, true);

    const spike = target('bytespike', 'ok', 'bytespike-demo');
    say('2. The five newest entries of the bytespike ledger, amounts exact to the cent (tally ledger list --limit 5):');
    await step(spike, () => import('./ledger/list.js'), { limit: 5, offset: 0, filter: {} });

    const file = join(dir, 'bytespike.csv');
    say('3. The whole ledger exported to a CSV for an accountant, written atomically (tally ledger export --out FILE):');
    await step(spike, () => import('./ledger/export.js'), {
      format: 'csv',
      order: 'desc',
      out: file,
      bom: false,
      formulaGuard: true,
      filter: {},
    });
    const lines = readFileSync(file, 'utf8').split('\r\n');
    ctx.io.out(`${file}: ${lines.length - 2} entries; it starts:\n${lines.slice(0, 3).join('\n')}\n`);

    say('4. A reconciliation of an account that adds up: every balance follows from the one before (tally reconcile):');
    await step(target('conduit', 'ok', 'conduit-demo'), () => import('./reconcile.js'), RECONCILE);

    say('5. The same check on an account with planted problems: a chain break and a duplicate, each found once (exit 1):');
    const found = await step(target('conduit', 'bad', 'conduit-bad'), () => import('./reconcile.js'), RECONCILE);

    say(
      found === ExitCode.checkFailed
        ? 'That is the demo. Run `tally sandbox` to keep a sandbox up and point your own commands at it; `tally --help` lists everything.'
        : 'The planted problems were not found: please report this.',
    );
    return found === ExitCode.checkFailed ? ExitCode.ok : ExitCode.checkFailed;
  } finally {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
