// `tally profiles remove <name>`.
import { configPath, updateConfig } from '../../core/config.js';
import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';

const missing = (ctx: Context, name: string) =>
  new UsageError(`no profile named "${name}" in ${configPath(ctx.configDir)}`, 'see `tally profiles list`');

export async function run(ctx: Context, [name]: string[]): Promise<number> {
  const profileName = name ?? '';
  if (!ctx.config().profiles[profileName]) throw missing(ctx, profileName);
  await updateConfig(ctx.configDir, (c) => {
    // checked again under the lock: another process may have removed it meanwhile
    if (!c.profiles[profileName]) throw missing(ctx, profileName);
    delete c.profiles[profileName];
    if (c.defaultProfile === profileName) delete c.defaultProfile;
  });
  // its checkpoints describe an account the name no longer stands for
  const { removeProfileCheckpoints } = await import('../../reconcile/checkpoint.js');
  const checkpoints = removeProfileCheckpoints(ctx.configDir, profileName);
  if (!ctx.options.quiet) {
    const also = checkpoints > 0 ? ` and its reconcile checkpoint${checkpoints === 1 ? '' : 's'}` : '';
    ctx.io.err(`removed profile "${profileName}"${also}\n`);
  }
  return 0;
}
