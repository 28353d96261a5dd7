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
  let wasDefault = false;
  let left: string[] = [];
  await changeProfile(ctx, name, (c) => {
    delete c.profiles[name];
    wasDefault = c.defaultProfile === name;
    if (wasDefault) delete c.defaultProfile;
    left = Object.keys(c.profiles);
  });
  // its checkpoints describe an account the name no longer stands for
  const { removeProfileCheckpoints } = await import('../../reconcile/checkpoint.js');
  const checkpoints = removeProfileCheckpoints(ctx.configDir, name);
  if (!ctx.options.quiet) {
    const also = checkpoints > 0 ? ` and its reconcile checkpoint${checkpoints === 1 ? '' : 's'}` : '';
    const after = wasDefault ? `; it was the default, and there is no default profile now\n${defaultHint(left)}` : '\n';
    ctx.io.err(`removed profile "${name}"${also}${after}`);
  }
  return 0;
}

/** What picks a profile now that none is the default: the only one left is used; else say how to choose. */
function defaultHint(left: readonly string[]): string {
  if (left.length === 0) return '';
  if (left.length === 1)
    return `  commands use "${left[0]}", the only profile left; \`tally profiles use ${left[0]}\` makes it the default\n`;
  const some = left.length > 5 ? `${left.slice(0, 5).join(', ')}, …` : left.join(', ');
  return `  choose one with \`tally profiles use <name>\` (${some})\n`;
}

export async function use(ctx: Context, { name }: NamedProfile): Promise<number> {
  await changeProfile(ctx, name, (c) => {
    c.defaultProfile = name;
  });
  if (!ctx.options.quiet) ctx.io.err(`default profile is now "${name}"\n`);
  return 0;
}
