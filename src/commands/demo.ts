// `tally demo`: the sandbox in-process, and tally run against it, with a line before each step.
import type { Context } from '../core/context.js';
import { requireProvider, targetFor } from '../providers/target.js';
import { startSandbox } from '../sandbox/server.js';
import { fetchBalance, report } from './balance.js';

export async function run(ctx: Context): Promise<number> {
  const sandbox = await startSandbox({ port: 0, seed: 1, entries: 250 });
  ctx.onCleanup(() => void sandbox.close());
  try {
    const say = (line: string) => ctx.io.out(`\n${line}\n`);
    say(`tally demo: a sandbox of all five providers is running on ${sandbox.url} (loopback only, no config needed).`);
    say('Step 1. The balance of one sandbox account at every provider, queried concurrently (tally balance --all):');
    const targets = sandbox.providers.map((p) =>
      targetFor(requireProvider(p.id), `${p.id}-demo`, { provider: p.id, baseUrl: p.baseUrl, key: sandbox.key(p.id, 'ok') }, {}, {}),
    );
    const rows = await Promise.all(targets.map((t) => fetchBalance(ctx, t)));
    const code = await report(ctx, rows, { all: true }, true);
    say('Run `tally sandbox` to keep a sandbox up and point your own commands at it.');
    return code;
  } finally {
    await sandbox.close();
  }
}
