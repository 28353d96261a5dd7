// The factory every command receives: parsed global options, I/O, config, clock, cleanup. Lazy where it costs.
import { type Activity, createActivity } from './activity.js';
import { type ConfigData, configDir, type Env, readConfig, skippedProfileWarnings } from './config.js';
import { resolveZone } from './dates.js';
import { UsageError } from './errors.js';
import { type IOStreams, systemIO, terminalSafe } from './io.js';

/** Global flags (SPEC §4), validated. */
export interface GlobalOptions {
  profile?: string;
  provider?: string;
  baseUrl?: string;
  json: boolean;
  color: boolean;
  quiet: boolean;
  verbose: boolean;
  /** Per request, in seconds. */
  timeout: number;
  retries: number;
  /** Largest response body accepted (--response-limit), in MiB. */
  responseLimitMiB: number;
  /** The zone tables show times in (IANA), resolved from --tz or the system. */
  zone: string;
  /** --tz as given (checked), undefined without it: for what is read or dated in UTC unless told (date flags
   *  without an offset, --month and statement periods, SPEC §4; journals, the xlsx export's times). */
  tz?: string;
}

export interface Context {
  readonly options: GlobalOptions;
  readonly env: Env;
  readonly io: IOStreams;
  readonly configDir: string;
  /** The config file, read once on first use. */
  config(): ConfigData;
  now(): Date;
  /** A line on stderr when --verbose. */
  trace(line: string): void;
  /** Registers work to undo on Ctrl-C or failure (temp files); returns a function that unregisters it. */
  onCleanup(fn: () => void): () => void;
  runCleanups(): void;
  /** Pages read and requests retried, as they happen: what progress shows. */
  readonly activity: Activity;
}

export function parseGlobalOptions(raw: Record<string, unknown>): GlobalOptions {
  const timeoutText = String(raw.timeout ?? '30');
  const timeout = Number(timeoutText);
  if (!/^\d+(\.\d+)?$/.test(timeoutText) || !(timeout > 0) || timeout > 3600) {
    throw new UsageError(`--timeout "${timeoutText}" is not a number of seconds`, 'give a number above 0, such as --timeout 30');
  }
  const retriesText = String(raw.retries ?? '4');
  if (!/^\d+$/.test(retriesText) || Number(retriesText) > 20) {
    throw new UsageError(`--retries "${retriesText}" is not a whole number from 0 to 20`, 'such as --retries 4');
  }
  const responseLimitText = String(raw.responseLimit ?? '64');
  // a body is parsed as one string, and V8's longest string is just under 512 Mi characters
  if (!/^\d+$/.test(responseLimitText) || Number(responseLimitText) < 1 || Number(responseLimitText) > 500) {
    throw new UsageError(
      `--response-limit "${responseLimitText}" is not a whole number of MiB from 1 to 500`,
      'such as --response-limit 256',
    );
  }
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  // a --tz given is checked now; the system zone is looked up only when a table needs it (Intl costs ~25 ms)
  const tz = str(raw.tz);
  let zone = tz === undefined ? undefined : resolveZone(tz);
  return {
    profile: str(raw.profile),
    provider: str(raw.provider),
    baseUrl: str(raw.baseUrl),
    json: raw.json === true,
    color: raw.color !== false,
    quiet: raw.quiet === true,
    verbose: raw.verbose === true,
    timeout,
    retries: Number(retriesText),
    responseLimitMiB: Number(responseLimitText),
    tz: zone,
    get zone() {
      zone ??= resolveZone(undefined);
      return zone;
    },
  };
}

/** `now` is the clock: the system's unless a test gives its own. */
export function createContext(options: GlobalOptions, env: Env, io?: IOStreams, now: () => Date = () => new Date()): Context {
  const streams = io ?? systemIO(env, !options.color);
  const dir = configDir(env);
  let config: ConfigData | undefined;
  const cleanups = new Set<() => void>();
  return {
    options,
    env,
    io: streams,
    configDir: dir,
    activity: createActivity(),
    config() {
      if (config === undefined) {
        config = readConfig(dir);
        // a name is file text: shown without the control characters it may carry
        for (const warning of skippedProfileWarnings(config, dir)) streams.err(`${terminalSafe(warning)}\n`);
      }
      return config;
    },
    now,
    trace(line) {
      // trace lines carry provider text (retry reasons), so they pass the same guard as messages
      if (options.verbose) streams.err(`${terminalSafe(line)}\n`);
    },
    onCleanup(fn) {
      cleanups.add(fn);
      return () => cleanups.delete(fn);
    },
    runCleanups() {
      for (const fn of cleanups) {
        try {
          fn();
        } catch {
          // best effort: cleanup must never mask the original failure
        }
      }
      cleanups.clear();
    },
  };
}
