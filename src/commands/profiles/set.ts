// `tally profiles set <name> …`: changes the fields given and keeps the rest; a new key or base URL is checked first.
import { configPath, type Profile, updateConfig } from '../../core/config.js';
import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { parseBaseUrl } from '../../core/url.js';
import { requireProvider } from '../../providers/target.js';
import { applyThresholds, checkProfileKey, checkText, keySource } from './add.js';
import type { SetOptions } from './set.command.js';

export async function run(ctx: Context, opts: SetOptions): Promise<number> {
  const missing = () => new UsageError(`no profile named "${opts.name}" in ${configPath(ctx.configDir)}`, 'see `tally profiles list`');
  const before = ctx.config().profiles[opts.name];
  if (!before) throw missing();
  const provider = requireProvider(before.provider);
  if (opts.provider !== undefined && opts.provider !== provider.id) {
    throw new UsageError(
      `profile "${opts.name}" is a ${provider.id} profile; its provider cannot be changed`,
      `add another: tally profiles add ${opts.name}-${opts.provider} --provider ${opts.provider}`,
    );
  }
  const changed: string[] = [];
  /** The fields this command sets, applied to the profile as it is under the lock. */
  const change: Partial<Profile> = {};
  if (opts.baseUrl !== undefined) {
    parseBaseUrl(opts.baseUrl, '--base-url');
    change.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    changed.push('base URL');
  }
  Object.assign(change, await keySource(ctx, opts, false));
  if (change.keyEnv) changed.push(`key source ($${change.keyEnv})`);
  else if (change.key) changed.push('key');
  const t = opts.thresholds;
  if (t.min !== undefined) changed.push(t.min === null ? 'min cleared' : `min ${t.min}`);
  if (t.minDays !== undefined) changed.push(t.minDays === null ? 'minDays cleared' : `minDays ${t.minDays}`);

  const apply = (p: Profile): Profile => {
    const next: Profile = { ...p, ...change };
    if (change.keyEnv) delete next.key;
    if (change.key) delete next.keyEnv;
    applyThresholds(next, t);
    return next;
  };
  // thresholds alone send nothing; a new key or base URL is what the provider must accept
  const reaches = change.baseUrl !== undefined || change.key !== undefined || change.keyEnv !== undefined;
  const proposed = apply(before);
  const check = reaches
    ? await checkProfileKey(ctx, opts.name, proposed, proposed.baseUrl ?? provider.defaultBaseUrl ?? '', opts.verify)
    : undefined;
  await updateConfig(ctx.configDir, (c) => {
    const now = c.profiles[opts.name];
    // another process may have removed it meanwhile
    if (!now) throw missing();
    c.profiles[opts.name] = apply(now);
  });
  if (!ctx.options.quiet) {
    ctx.io.err(`updated profile "${opts.name}": ${changed.join(', ')}${check ? checkText(check) : ''}\n`);
  }
  return 0;
}
