// `tally profiles add <name> --provider <id> [--base-url] [--key-stdin | --key-env VAR]`: a new profile, its key checked.
import { assertProfileName, configPath, type Profile, updateConfig } from '../../core/config.js';
import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import type { ThresholdChange } from '../flags.js';
import { checkKey, MAX_KEY_BYTES, redactKey } from '../../core/secrets.js';
import { parseBaseUrl } from '../../core/url.js';
import { requireProvider } from '../../providers/target.js';
import type { AddOptions } from './add.command.js';
import { readHiddenLine } from './prompt.js';
import type { KeyCheck } from './verify.js';

/** The refusal of a name already taken, before anything is read or asked. */
export function taken(name: string, replace: string): UsageError {
  return new UsageError(`profile "${name}" already exists`, replace);
}

const REPLACE = (name: string) =>
  `pass --force to replace it, or change one field with \`tally profiles set ${name}\` (see \`tally profiles show ${name}\`)`;

/** Puts a threshold change on a profile: a value sets it, null clears it. */
export function applyThresholds(profile: Profile, change: ThresholdChange): void {
  if (change.min === null) delete profile.min;
  else if (change.min !== undefined) profile.min = change.min;
  if (change.minDays === null) delete profile.minDays;
  else if (change.minDays !== undefined) profile.minDays = change.minDays;
}

/** The key a profile will send, where it can be known now: a stored one, or its variable's value here. */
export function keyNow(ctx: Context, profile: Profile): string | undefined {
  return profile.keyEnv ? ctx.env[profile.keyEnv] || undefined : profile.key;
}

/** Checks the key unless told not to (or it cannot be known here), and says so. */
export async function checkProfileKey(ctx: Context, name: string, profile: Profile, baseUrl: string, verify: boolean): Promise<KeyCheck> {
  if (!verify) return { checked: false, why: '--no-verify' };
  const key = keyNow(ctx, profile);
  if (key === undefined) return { checked: false, why: `$${profile.keyEnv ?? ''} is not set here` };
  const provider = requireProvider(profile.provider);
  // the HTTP client loads only when a key is checked: --no-verify and thresholds alone never load it
  const { verifyKey } = await import('./verify.js');
  return verifyKey(ctx, name, provider, baseUrl, checkKey(key, profile.keyEnv ? `$${profile.keyEnv}` : 'the profile', 'check the key'));
}

/** " (key checked: balance 42.50 USD)", " (key not checked: --no-verify)". */
export function checkText(check: KeyCheck): string {
  return check.checked ? `; the key works (${check.said})` : `; key not checked: ${check.why}`;
}

export async function run(ctx: Context, opts: AddOptions): Promise<number> {
  assertProfileName(opts.name);
  if (!opts.provider) {
    throw new UsageError(
      'profiles add needs --provider <id>',
      `for example: tally profiles add ${opts.name} --provider conduit --key-stdin`,
    );
  }
  const provider = requireProvider(opts.provider);
  // before the key is asked for: a name taken is refused at once
  if (!opts.force && ctx.config().profiles[opts.name]) throw taken(opts.name, REPLACE(opts.name));
  if (opts.baseUrl !== undefined) parseBaseUrl(opts.baseUrl, '--base-url');
  else if (!provider.defaultBaseUrl) {
    throw new UsageError(`${provider.id} has no default base URL`, 'pass --base-url <url> to store one in the profile');
  }
  const profile: Profile = { provider: provider.id };
  if (opts.baseUrl !== undefined) profile.baseUrl = opts.baseUrl.replace(/\/+$/, '');
  Object.assign(profile, await keySource(ctx, opts, true));
  applyThresholds(profile, opts.thresholds);
  const baseUrl = profile.baseUrl ?? provider.defaultBaseUrl ?? '';
  const check = await checkProfileKey(ctx, opts.name, profile, baseUrl, opts.verify);
  const config = await updateConfig(ctx.configDir, (c) => {
    // another process may have added it meanwhile
    if (!opts.force && c.profiles[opts.name]) throw taken(opts.name, REPLACE(opts.name));
    c.profiles[opts.name] = profile;
    if (opts.makeDefault || c.defaultProfile === undefined) c.defaultProfile = opts.name;
  });
  if (!ctx.options.quiet) {
    const keyText = profile.keyEnv ? `key from $${profile.keyEnv}` : `key ${redactKey(profile.key ?? '')}`;
    const isDefault = config.defaultProfile === opts.name ? ', default' : '';
    ctx.io.err(
      `saved profile "${opts.name}" (${provider.id}, ${keyText}${isDefault}) to ${configPath(ctx.configDir)}${checkText(check)}\n`,
    );
  }
  return 0;
}

/**
 * The key source the flags give (`profiles add` and `set`): a variable, whose value is checked now if it is set
 * here (one set only where tally runs is checked there); a key from standard input, or asked for at the
 * terminal when `ask`; or nothing.
 */
export async function keySource(
  ctx: Context,
  opts: { keyStdin: boolean; keyEnv?: string },
  ask: boolean,
): Promise<Pick<Profile, 'key' | 'keyEnv'>> {
  if (opts.keyEnv) {
    const value = ctx.env[opts.keyEnv];
    if (value) checkKey(value, `$${opts.keyEnv}`, 'check the variable: a key is one line of printable characters');
    return { keyEnv: opts.keyEnv };
  }
  return opts.keyStdin || ask ? { key: await readKey(ctx, opts.keyStdin) } : {};
}

const STDIN_HINT = 'check what was piped in: a key is a single line';

async function readKey(ctx: Context, fromStdin: boolean): Promise<string> {
  let key: string;
  if (fromStdin) {
    key = checkKey(await readStdinKey(ctx), 'standard input', STDIN_HINT);
  } else if (ctx.io.stdinIsTTY && ctx.io.stderrIsTTY) {
    key = checkKey(await readHiddenLine(ctx.io, 'API key (input hidden): '), 'the terminal', 'type or paste the key alone');
  } else {
    throw new UsageError(
      'no key given and no terminal to ask for one',
      'pipe it in with --key-stdin, or name an environment variable with --key-env VAR',
    );
  }
  key = key.trim();
  if (!key) throw new UsageError('the key is empty', 'give the key on standard input, or use --key-env VAR');
  if (/\s/.test(key)) throw new UsageError('the key contains white space', 'check what was pasted');
  return key;
}

/**
 * Standard input as UTF-8, read no further than a key can be (plus a line end): a 50 MB file piped in by
 * mistake is refused, not stored. Bytes that are not UTF-8 are refused, not replaced.
 */
async function readStdinKey(ctx: Context): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.io.stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    chunks.push(bytes);
    size += bytes.length;
    if (size > MAX_KEY_BYTES + 2) throw new UsageError('the key from standard input is longer than 8 KiB', STDIN_HINT);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks, size));
  } catch {
    throw new UsageError('the key from standard input is not valid UTF-8', STDIN_HINT);
  }
}
