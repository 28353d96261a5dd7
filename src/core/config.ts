// The profile store (SPEC §3): reading is plain fs (fast, every command); writing goes through core/atomic-file.
import { mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from './errors.js';
import { describeJsonError } from './json-position.js';
import { closest } from './suggest.js';

export interface Profile {
  provider: string;
  baseUrl?: string;
  key?: string;
  keyEnv?: string;
  /** `balance` exits 1 below this available amount, in the profile's own unit: a decimal string (SPEC §2). */
  min?: string;
  /** `balance` exits 1 when the runway is shorter than this many days. */
  minDays?: number;
}

const THRESHOLD = /^-?\d+(\.\d+)?$/;

export interface ConfigData {
  defaultProfile?: string;
  profiles: Record<string, Profile>;
  /**
   * Profiles under a name `profiles add` refuses (a hand edit), as the file holds them: never used, listed or
   * completed (a name is shell text to completion), but written back as they were when the file is changed.
   */
  skippedProfiles?: Record<string, unknown>;
}

/** The fields a config file and a profile in it may have: anything else is a typo the next write would drop. */
const CONFIG_FIELDS = ['defaultProfile', 'profiles'] as const;
const PROFILE_FIELDS = ['provider', 'baseUrl', 'key', 'keyEnv', 'min', 'minDays'] as const;

export type Env = Readonly<Record<string, string | undefined>>;

/** `$TALLY_CONFIG_DIR`, else the platform config dir (no `-nodejs` suffix). */
export function configDir(env: Env): string {
  if (env.TALLY_CONFIG_DIR) return env.TALLY_CONFIG_DIR;
  const home = homedir();
  if (process.platform === 'darwin') return join(home, 'Library', 'Preferences', 'tally');
  if (process.platform === 'win32') {
    return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'tally', 'Config');
  }
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'tally');
}

export function configPath(dir: string): string {
  return join(dir, 'config.json');
}

/** What a profile name may be (`profiles add` checks it; a name in the file is skipped otherwise; completion offers only these). */
export const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const NAME_RULE = 'use letters, digits, ".", "_" or "-", starting with a letter or digit, at most 64 characters';

export function assertProfileName(name: string): void {
  if (!PROFILE_NAME.test(name)) throw new UsageError(`"${name}" is not a valid profile name`, NAME_RULE);
}

/** A name from the file as a message shows it: not a page of it (control characters go where it is printed). */
function shownName(name: string): string {
  return name.length > 64 ? `${name.slice(0, 64)}… (${name.length} characters)` : name;
}

/** One warning per profile skipped for its name (see ConfigData.skippedProfiles), to print terminal-safe. */
export function skippedProfileWarnings(config: ConfigData, dir: string): string[] {
  return Object.keys(config.skippedProfiles ?? {}).map(
    (name) =>
      `tally: warning: config file ${configPath(dir)}: profile "${shownName(name)}" is skipped: not a valid name (${NAME_RULE}); rename it there`,
  );
}

/** An unknown field: named with the known one it is near, or with what there is. */
function unknownField(name: string, known: readonly string[]): string {
  const near = closest(name, known);
  const fields = known.map((k) => `"${k}"`);
  const has = fields.length > 2 ? `${fields.slice(0, -1).join(', ')} and ${fields.at(-1)}` : fields.join(' and ');
  return `unknown field "${shownName(name)}" (${near ? `did you mean "${near}"?` : `it has ${has}`})`;
}

function broken(path: string, what: string): UsageError {
  return new UsageError(
    `config file ${path} is not valid: ${what}`,
    'fix it by hand or move it away; tally will not rewrite it while it is broken',
  );
}

/**
 * An empty map of profiles with no prototype: a profile named `constructor` or `toString` is then found only
 * when it was saved, never as a property every object inherits.
 */
function noProfiles(): Record<string, Profile> {
  return Object.create(null) as Record<string, Profile>;
}

/** Checks a parsed config file; anything unexpected names the file and the field. */
export function validateConfig(raw: unknown, path: string): ConfigData {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw broken(path, 'expected a JSON object');
  const record = raw as Record<string, unknown>;
  for (const field of Object.keys(record)) {
    if (!(CONFIG_FIELDS as readonly string[]).includes(field)) throw broken(path, unknownField(field, CONFIG_FIELDS));
  }
  const profilesRaw = record.profiles ?? {};
  if (typeof profilesRaw !== 'object' || profilesRaw === null || Array.isArray(profilesRaw)) {
    throw broken(path, '"profiles" must be an object');
  }
  const profiles = noProfiles();
  let skippedProfiles: Record<string, unknown> | undefined;
  for (const [name, value] of Object.entries(profilesRaw as Record<string, unknown>)) {
    if (!PROFILE_NAME.test(name)) {
      skippedProfiles ??= Object.create(null) as Record<string, unknown>;
      skippedProfiles[name] = value;
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw broken(path, `profile "${name}" must be an object`);
    }
    const p = value as Record<string, unknown>;
    for (const field of Object.keys(p)) {
      if (!(PROFILE_FIELDS as readonly string[]).includes(field))
        throw broken(path, `profile "${name}": ${unknownField(field, PROFILE_FIELDS)}`);
    }
    if (typeof p.provider !== 'string') throw broken(path, `profile "${name}" has no "provider"`);
    for (const field of ['baseUrl', 'key', 'keyEnv'] as const) {
      if (p[field] !== undefined && typeof p[field] !== 'string') {
        throw broken(path, `profile "${name}": "${field}" must be a string`);
      }
    }
    if (p.min !== undefined && (typeof p.min !== 'string' || !THRESHOLD.test(p.min))) {
      throw broken(path, `profile "${name}": "min" must be a decimal string such as "10"`);
    }
    if (p.minDays !== undefined && (typeof p.minDays !== 'number' || !(p.minDays >= 0) || !(p.minDays <= 36_500))) {
      throw broken(path, `profile "${name}": "minDays" must be a number of days such as 7`);
    }
    profiles[name] = {
      provider: p.provider,
      ...(typeof p.baseUrl === 'string' ? { baseUrl: p.baseUrl } : {}),
      ...(typeof p.key === 'string' ? { key: p.key } : {}),
      ...(typeof p.keyEnv === 'string' ? { keyEnv: p.keyEnv } : {}),
      ...(typeof p.min === 'string' ? { min: p.min } : {}),
      ...(typeof p.minDays === 'number' ? { minDays: p.minDays } : {}),
    };
  }
  const def = record.defaultProfile;
  if (def !== undefined && typeof def !== 'string') throw broken(path, '"defaultProfile" must be a string');
  return { ...(def !== undefined ? { defaultProfile: def } : {}), profiles, ...(skippedProfiles ? { skippedProfiles } : {}) };
}

/** Reads the config file; a missing file is an empty config, a broken one is exit 2 naming it. */
export function readConfig(dir: string): ConfigData {
  const path = configPath(dir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: noProfiles() };
    throw new UsageError(`cannot read config file ${path}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text, which may hold a key (or be another file through a symlink)
    throw broken(path, describeJsonError(text));
  }
  return validateConfig(raw, path);
}

/** What the file holds for a config: the profiles skipped for their names after the others, as they were. */
function fileOf(config: ConfigData): Record<string, unknown> {
  const profiles = Object.create(null) as Record<string, unknown>;
  for (const [name, p] of Object.entries(config.profiles)) profiles[name] = p;
  for (const [name, p] of Object.entries(config.skippedProfiles ?? {})) profiles[name] ??= p;
  return { ...(config.defaultProfile !== undefined ? { defaultProfile: config.defaultProfile } : {}), profiles };
}

/**
 * Changes the config, holding the config lock from the read to the write so concurrent writers never lose
 * an update. The file is read and validated first, so a broken file is reported and left as it is rather
 * than replaced. `change` sees the config as it is under the lock, and may throw to change nothing. The file
 * is written as every file is (core/atomic-file: a temp file opened exclusively, then renamed), mode 0600.
 */
export async function updateConfig(dir: string, change: (config: ConfigData) => void): Promise<ConfigData> {
  const path = configPath(dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const [{ AtomicFile }, { acquireLock, LockBusy, LEASE_MS }] = await Promise.all([import('./atomic-file.js'), import('./lock.js')]);
  const lockPath = `${path}.lock`;
  let lock;
  try {
    // writers hold it for milliseconds: wait for them, and for a lost holder's lease to run out
    lock = await acquireLock(lockPath, new Date(), LEASE_MS + 5_000);
  } catch (error) {
    if (!(error instanceof LockBusy)) throw new UsageError(`cannot lock config file ${path}: ${(error as Error).message}`);
    const who = error.owner ? ` by pid ${error.owner.pid} on ${error.owner.host} since ${error.owner.startedAt}` : '';
    throw new UsageError(`config file ${path} is locked${who}`, `if no tally is running, remove ${lockPath}`);
  }
  try {
    const config = readConfig(dir);
    change(config);
    // 0600 whatever mode an older file had: it holds keys
    const file = new AtomicFile(path, `config file ${path}`, undefined, { mode: 0o600 });
    try {
      file.write(`${JSON.stringify(fileOf(config), undefined, '\t')}\n`);
      file.commitSync();
    } catch (error) {
      file.abort();
      throw error;
    }
    return config;
  } finally {
    lock.release();
  }
}
