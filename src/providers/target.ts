// Which provider, base URL and key a command talks to: flags > environment > profile > defaults (SPEC §3).
import { type ConfigData, configPath, type Env, type Profile } from '../core/config.js';
import { UsageError } from '../core/errors.js';
import { checkKey, KEY_AT_USE_HINT } from '../core/secrets.js';
import { parseBaseUrl } from '../core/url.js';
import { findProvider, providerIds } from './registry.js';
import type { ProviderEntry } from './types.js';

/** Where a target's key came from: what a refused key's advice must fix, and nothing else. */
export type KeySource =
  | { from: 'TALLY_API_KEY' }
  | { from: 'profile' }
  | { from: 'keyEnv'; variable: string }
  /** a command that needs none, with none configured */
  | { from: 'none' };

/** Where a target's base URL came from. */
export type BaseUrlSource = '--base-url' | 'TALLY_BASE_URL' | 'profile' | 'default';

export interface Target {
  /** The profile used, or null when flags and environment alone describe the target. */
  profile: string | null;
  provider: ProviderEntry;
  baseUrl: URL;
  key: string;
  keySource: KeySource;
  baseUrlSource: BaseUrlSource;
  /** Every saved profile's provider by name, so a command the provider lacks can name the profiles that have it. */
  saved?: Readonly<Record<string, string>>;
}

export interface TargetFlags {
  profile?: string;
  provider?: string;
  baseUrl?: string;
}

export function requireProvider(id: string): ProviderEntry {
  const provider = findProvider(id);
  if (!provider) {
    throw new UsageError(`unknown provider "${id}"`, `use one of: ${providerIds().join(', ')} (see \`tally providers\`)`);
  }
  return provider;
}

/** Picks the profile: --profile, then TALLY_PROFILE, then the default, then the only one there is. */
function pickProfile(flags: TargetFlags, env: Env, config: ConfigData, dir: string): [string, Profile] | null {
  const explicit = flags.profile ?? (env.TALLY_PROFILE || undefined);
  const name = explicit ?? config.defaultProfile;
  if (name !== undefined) {
    const profile = config.profiles[name];
    if (!profile) {
      const where = flags.profile !== undefined ? '--profile' : explicit ? 'TALLY_PROFILE' : 'the default profile';
      throw new UsageError(
        `no profile named "${name}" (${where}) in ${configPath(dir)}`,
        'list profiles with `tally profiles list`, or add one with `tally profiles add`',
      );
    }
    return [name, profile];
  }
  const names = Object.keys(config.profiles);
  if (names.length === 1 && names[0] !== undefined) {
    const only = config.profiles[names[0]];
    if (only) return [names[0], only];
  }
  return null;
}

/** What a command line chose: a provider (null when nothing names one), the profile picked if it is that
 *  provider's, and whether a flag or the environment named it (rather than the default or only profile). */
export interface Choice {
  provider: ProviderEntry | null;
  picked: [string, Profile] | null;
  explicit: boolean;
}

export function chooseTarget(flags: TargetFlags, env: Env, config: ConfigData, dir: string): Choice {
  const picked = pickProfile(flags, env, config, dir);
  const explicit = [flags.provider, env.TALLY_PROVIDER, flags.profile, env.TALLY_PROFILE].some((v) => v !== undefined && v !== '');
  const providerId = flags.provider ?? (env.TALLY_PROVIDER || undefined) ?? picked?.[1].provider;
  if (!providerId) return { provider: null, picked: null, explicit };
  const provider = requireProvider(providerId);
  // A profile of another provider must not lend its key or host to this one.
  return { provider, picked: picked && picked[1].provider === provider.id ? picked : null, explicit };
}

/** The provider chosen (flag, environment, profile) and the profile picked, if it is that provider's. */
function choose(flags: TargetFlags, env: Env, config: ConfigData, dir: string): [ProviderEntry, [string, Profile] | null] {
  const { provider, picked } = chooseTarget(flags, env, config, dir);
  if (!provider) {
    throw new UsageError(
      'no provider chosen',
      `pass --provider or set TALLY_PROVIDER (${providerIds().join(', ')}), or save a profile: tally profiles add work --provider ${providerIds()[0]} --key-stdin`,
    );
  }
  return [provider, picked];
}

/** The provider a command would talk to, known before its base URL and key are looked for. */
export function chosenProvider(flags: TargetFlags, env: Env, config: ConfigData, dir: string): ProviderEntry {
  return choose(flags, env, config, dir)[0];
}

/** Each saved profile's provider id, by profile name. */
export function savedProviders(config: ConfigData): Record<string, string> {
  return Object.fromEntries(Object.entries(config.profiles).map(([name, p]) => [name, p.provider]));
}

/** No key anywhere for the provider chosen. */
class MissingKey extends UsageError {}

export function resolveTarget(flags: TargetFlags, env: Env, config: ConfigData, dir: string, requireKey = true): Target {
  const [provider, picked] = choose(flags, env, config, dir);
  const saved = savedProviders(config);
  try {
    return { ...targetFor(provider, picked?.[0] ?? null, picked?.[1], flags, env, requireKey), saved };
  } catch (error) {
    // --provider named a provider the chosen profile is not: a profile of it saved under another name has the key
    const own = Object.keys(saved).find((name) => saved[name] === provider.id);
    if (error instanceof MissingKey && !picked && own !== undefined) {
      throw new UsageError(error.message, `pass --profile ${own} (a saved ${provider.id} profile), or set TALLY_API_KEY`);
    }
    throw error;
  }
}

/** Resolves one target for a known profile (or none), applying flag and environment overrides. */
export function targetFor(
  provider: ProviderEntry,
  profileName: string | null,
  profile: Profile | undefined,
  flags: TargetFlags,
  env: Env,
  requireKey = true,
): Target {
  const [urlText, urlSource, baseUrlSource]: [string | null, string, BaseUrlSource] =
    flags.baseUrl !== undefined
      ? [flags.baseUrl, '--base-url', '--base-url']
      : env.TALLY_BASE_URL
        ? [env.TALLY_BASE_URL, 'TALLY_BASE_URL', 'TALLY_BASE_URL']
        : profile?.baseUrl
          ? [profile.baseUrl, `profile "${profileName}" baseUrl`, 'profile']
          : [provider.defaultBaseUrl, 'default base URL', 'default'];
  if (!urlText) {
    throw new UsageError(
      `${provider.id} has no default base URL`,
      'pass --base-url <url> or set TALLY_BASE_URL, or store one in the profile',
    );
  }
  const baseUrl = parseBaseUrl(urlText, urlSource);
  const { key, keySource } = requireKey
    ? resolveKey(provider, profileName, profile, env)
    : (tryKey(provider, profileName, profile, env) ?? { key: '', keySource: { from: 'none' } as const });
  return { profile: profileName, provider, baseUrl, key, keySource, baseUrlSource };
}

interface ResolvedKey {
  key: string;
  keySource: KeySource;
}

/** The key if one is configured; for commands that do not need one. */
function tryKey(provider: ProviderEntry, profileName: string | null, profile: Profile | undefined, env: Env): ResolvedKey | undefined {
  try {
    return resolveKey(provider, profileName, profile, env);
  } catch {
    return undefined;
  }
}

function resolveKey(provider: ProviderEntry, profileName: string | null, profile: Profile | undefined, env: Env): ResolvedKey {
  if (env.TALLY_API_KEY)
    return { key: checkKey(env.TALLY_API_KEY, 'TALLY_API_KEY', KEY_AT_USE_HINT), keySource: { from: 'TALLY_API_KEY' } };
  if (profile?.key) return { key: checkKey(profile.key, `profile "${profileName}"`, KEY_AT_USE_HINT), keySource: { from: 'profile' } };
  if (profile?.keyEnv) {
    const value = env[profile.keyEnv];
    if (value)
      return { key: checkKey(value, `$${profile.keyEnv}`, KEY_AT_USE_HINT), keySource: { from: 'keyEnv', variable: profile.keyEnv } };
    throw new UsageError(
      `profile "${profileName}" reads its key from $${profile.keyEnv}, which is not set`,
      `export ${profile.keyEnv}=… in the environment that runs tally`,
    );
  }
  throw new MissingKey(
    `no API key for ${provider.id}`,
    `set TALLY_API_KEY, or save a profile: tally profiles add ${provider.id} --provider ${provider.id} --key-stdin`,
  );
}

/**
 * What to do about a key the provider refused (401), saying where the key and the base URL came from when
 * anything but the profile's own key went out: the advice fixes that source only (TALLY_API_KEY, the profile's
 * keyEnv variable, the profile), and names --base-url or TALLY_BASE_URL when the request went where they said.
 */
export function refusedKeyHint(target: Pick<Target, 'profile' | 'provider' | 'baseUrl' | 'keySource' | 'baseUrlSource'>): string {
  const { profile, keySource, baseUrlSource } = target;
  const id = target.provider.id;
  const owner = `profile ${profile ?? ''}'s`;
  let key: string;
  let fix: string;
  switch (keySource.from) {
    case 'TALLY_API_KEY':
      key = `the key came from TALLY_API_KEY${profile ? ` (not ${owner})` : ''}`;
      fix = `set TALLY_API_KEY to a key ${id} accepts`;
      break;
    case 'keyEnv':
      key = `the key came from $${keySource.variable} (${owner} keyEnv)`;
      fix = `set ${keySource.variable} to a key ${id} accepts`;
      break;
    case 'profile':
      key = `the key is ${owner}`;
      fix = `give the profile a new key: tally profiles set ${profile ?? ''} --key-stdin`;
      break;
    case 'none':
      key = 'no key was sent';
      fix = `set TALLY_API_KEY to a key ${id} accepts`;
      break;
  }
  const urlGiven = baseUrlSource === '--base-url' || baseUrlSource === 'TALLY_BASE_URL';
  // the profile's own key to its own host: the first line names the profile, and nothing overrode it
  if (keySource.from === 'profile' && !urlGiven) return fix;
  const where = target.baseUrl.href.replace(/\/$/, '');
  const url = urlGiven
    ? ` and the base URL from ${baseUrlSource} (${where})`
    : keySource.from === 'TALLY_API_KEY'
      ? ` and the base URL is ${baseUrlSource === 'profile' ? owner : `${id}'s default`} (${where})`
      : '';
  return `${key}${url}: ${fix}${urlGiven ? `, or check ${baseUrlSource}` : ''}`;
}

/** A profile that could not be resolved (bad URL, unset key variable), kept as its row's error. */
export class ProfileError extends Error {
  constructor(
    readonly profile: string,
    readonly provider: string,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/**
 * Every saved profile's target, for --all. Each profile is read as saved: TALLY_API_KEY and
 * TALLY_BASE_URL, meant for one target, would cross-wire keys and hosts. With no profiles, the
 * environment's one target, if it names a provider.
 */
export function profileTargets(flags: TargetFlags, env: Env, config: ConfigData, dir: string): Array<Target | ProfileError> {
  const names = Object.keys(config.profiles);
  if (names.length === 0) {
    if (env.TALLY_PROVIDER || flags.provider) return [resolveTarget(flags, env, config, dir)];
    throw new UsageError(
      'no profiles to query',
      `save one per account: tally profiles add work --provider ${providerIds()[0]} --key-stdin (providers: ${providerIds().join(', ')})`,
    );
  }
  const saved = { ...env, TALLY_API_KEY: undefined, TALLY_BASE_URL: undefined };
  return names.map((name) => {
    const profile = config.profiles[name] as Profile;
    try {
      return targetFor(requireProvider(profile.provider), name, profile, {}, saved);
    } catch (error) {
      return new ProfileError(name, profile.provider, error);
    }
  });
}

/** A profile that could not be queried under --all, and why. */
export interface ProfileFailure {
  profile: string | null;
  provider: string;
  error: Error;
}

export const isFailure = <R extends object>(row: R | ProfileFailure): row is ProfileFailure =>
  'error' in row && (row as ProfileFailure).error instanceof Error;

/**
 * The --all fan-out: `work` on every profile at once. A profile that cannot be set up, or whose work throws,
 * becomes a failure row in its place, so one bad profile never hides the others' results. `onSettled` hears
 * how many profiles are done, of how many, at the start and as each finishes (progress).
 */
export async function forEachProfile<R extends object>(
  flags: TargetFlags,
  env: Env,
  config: ConfigData,
  dir: string,
  work: (target: Target) => Promise<R>,
  onSettled?: (settled: number, of: number) => void,
): Promise<Array<R | ProfileFailure>> {
  const asError = (e: unknown) => (e instanceof Error ? e : new Error(String(e)));
  const targets = profileTargets(flags, env, config, dir);
  let settled = 0;
  onSettled?.(settled, targets.length);
  return Promise.all(
    targets.map(async (t): Promise<R | ProfileFailure> => {
      if (t instanceof ProfileError) return { profile: t.profile, provider: t.provider, error: asError(t.cause ?? t) };
      try {
        return await work(t);
      } catch (error) {
        return { profile: t.profile, provider: t.provider.id, error: asError(error) };
      } finally {
        onSettled?.(++settled, targets.length);
      }
    }),
  );
}
