// `tally profiles remove <name>`.
import { configPath, updateConfig } from '../../core/config.js';
import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';

export async function run(ctx: Context, [name]: string[]): Promise<number> {
  const profileName = name ?? '';
  if (!ctx.config().profiles[profileName]) {
    throw new UsageError(`no profile named "${profileName}" in ${configPath(ctx.configDir)}`, 'see `tally profiles list`');
  }
  await updateConfig(ctx.configDir, (c) => {
    delete c.profiles[profileName];
    if (c.defaultProfile === profileName) delete c.defaultProfile;
  });
  if (!ctx.options.quiet) ctx.io.err(`removed profile "${profileName}"\n`);
  return 0;
}
