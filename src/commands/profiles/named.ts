// `tally profiles remove` and `use`: a change to one saved profile, made under the config lock.
import { type ConfigData, configPath, updateConfig } from '../../core/config.js';
import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import type { NamedProfile } from './named.command.js';

/** Applies `change` to the named profile's config, checking it exists before and again under the lock. */
async function changeProfile(ctx: Context, name: string, change: (config: ConfigData) => void): Promise<void> {
  const missing = () => new UsageError(`no profile named "${name}" in ${configPath(ctx.configDir)}`, 'see `tally profiles list`');
  if (!ctx.config().profiles[name]) throw missing();
  await updateConfig(ctx.configDir, (c) => {
    // another process may have removed it meanwhile
    if (!c.profiles[name]) throw missing();
    change(c);
  });
}

export async function remove(ctx: Context, { name }: NamedProfile): Promise<number> {
  await changeProfile(ctx, name, (c) => {
    delete c.profiles[name];
    if (c.defaultProfile === name) delete c.defaultProfile;
  });
  // its checkpoints describe an account the name no longer stands for
  const { removeProfileCheckpoints } = await import('../../reconcile/checkpoint.js');
  const checkpoints = removeProfileCheckpoints(ctx.configDir, name);
  if (!ctx.options.quiet) {
    const also = checkpoints > 0 ? ` and its reconcile checkpoint${checkpoints === 1 ? '' : 's'}` : '';
    ctx.io.err(`removed profile "${name}"${also}\n`);
  }
  return 0;
}

export async function use(ctx: Context, { name }: NamedProfile): Promise<number> {
  await changeProfile(ctx, name, (c) => {
    c.defaultProfile = name;
  });
  if (!ctx.options.quiet) ctx.io.err(`default profile is now "${name}"\n`);
  return 0;
}
