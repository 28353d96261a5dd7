// `tally profiles rename <old> <new>`: the profile under its new name, the default and checkpoints following it.
import { assertProfileName, configPath, updateConfig } from '../../core/config.js';
import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { taken } from './add.js';
import type { RenameOptions } from './rename.command.js';

export async function run(ctx: Context, { from, to }: RenameOptions): Promise<number> {
  assertProfileName(to);
  const missing = () => new UsageError(`no profile named "${from}" in ${configPath(ctx.configDir)}`, 'see `tally profiles list`');
  const exists = () => taken(to, `remove it first (\`tally profiles remove ${to}\`), or pick another name`);
  const check = (profiles: Record<string, unknown>) => {
    if (!profiles[from]) throw missing();
    if (from !== to && profiles[to]) throw exists();
  };
  check(ctx.config().profiles);
  let wasDefault = false;
  await updateConfig(ctx.configDir, (c) => {
    // another process may have changed them meanwhile
    check(c.profiles);
    // rebuilt in the same order, so `profiles list` keeps its place
    c.profiles = Object.fromEntries(Object.entries(c.profiles).map(([name, p]) => [name === from ? to : name, p]));
    wasDefault = c.defaultProfile === from;
    if (wasDefault) c.defaultProfile = to;
  });
  // the checkpoints it wrote are its own: `profiles remove <new>` must find them
  const { renameProfileCheckpoints } = await import('../../reconcile/checkpoint.js');
  renameProfileCheckpoints(ctx.configDir, from, to);
  if (!ctx.options.quiet) ctx.io.err(`renamed profile "${from}" to "${to}"${wasDefault ? ' (still the default)' : ''}\n`);
  return 0;
}
