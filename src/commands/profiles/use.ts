// `tally profiles use <name>`: make a profile the default.
import { configPath, updateConfig } from '../../core/config.js';
import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';

export async function run(ctx: Context, [name]: string[]): Promise<number> {
  const profileName = name ?? '';
  if (!ctx.config().profiles[profileName]) {
    throw new UsageError(`no profile named "${profileName}" in ${configPath(ctx.configDir)}`, 'see `tally profiles list`');
  }
  await updateConfig(ctx.configDir, (c) => {
    // checked again under the lock: another process may have removed it meanwhile
    if (!c.profiles[profileName]) {
      throw new UsageError(`no profile named "${profileName}" in ${configPath(ctx.configDir)}`, 'see `tally profiles list`');
    }
    c.defaultProfile = profileName;
  });
  if (!ctx.options.quiet) ctx.io.err(`default profile is now "${profileName}"\n`);
  return 0;
}
