// `tally profiles add <name> --provider <id> [--base-url] [--key-stdin | --key-env VAR] [--default] [--force] [--no-verify]
// [--min] [--min-days]`: what the command takes.
import type { CommandSpec, RawInput } from '../../core/command.js';
import { UsageError } from '../../core/errors.js';
import { parseThresholds, THRESHOLD_FLAGS, type ThresholdChange } from '../flags.js';

export interface AddOptions {
  name: string;
  provider?: string;
  baseUrl?: string;
  keyStdin: boolean;
  keyEnv?: string;
  makeDefault: boolean;
  /** Replace a profile of the same name. */
  force: boolean;
  /** Check the key with one request before saving (--no-verify: not). */
  verify: boolean;
  thresholds: ThresholdChange;
}

/** --key-stdin or --key-env <VAR> (`profiles add` and `set`): one of them at most, and a variable's name. */
export function parseKeySource(raw: RawInput): { keyStdin: boolean; keyEnv?: string } {
  const keyStdin = raw.flags.keyStdin === true;
  const keyEnv = typeof raw.flags.keyEnv === 'string' ? raw.flags.keyEnv : undefined;
  if (keyStdin && keyEnv) throw new UsageError('give --key-stdin or --key-env, not both');
  if (keyEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(keyEnv)) {
    throw new UsageError(`--key-env "${keyEnv}" is not an environment variable name`, 'such as --key-env BYTESPIKE_API_KEY');
  }
  return { keyStdin, keyEnv };
}

export const addCommand: CommandSpec<AddOptions> = {
  name: 'add',
  summary: 'add a profile, checking its key with one request; with no key flag on a TTY, asks for the key without echo',
  args: [{ syntax: '<name>', help: 'the profile name' }],
  flags: [
    { flags: '--key-stdin', help: 'read the key from standard input' },
    { flags: '--key-env <VAR>', help: 'read the key at run time from this environment variable (nothing secret is stored)' },
    { flags: '--default', help: 'make it the default profile' },
    { flags: '--force', help: 'replace a profile of the same name (to change one field, use `tally profiles set`)' },
    { flags: '--no-verify', help: 'save without checking the key with the provider (offline setups)' },
    ...THRESHOLD_FLAGS,
  ],
  examples: [
    'printf %s "$KEY" | tally profiles add work --provider conduit --key-stdin',
    'tally profiles add acct --provider account-api --base-url https://api.example.com --key-env ACCT_JWT',
    'tally profiles add credits --provider conflux --key-stdin --min 500000 --min-days 14',
  ],
  async parse(raw) {
    const opts: AddOptions = {
      name: raw.args[0] ?? '',
      provider: raw.globals.provider,
      baseUrl: raw.globals.baseUrl,
      ...parseKeySource(raw),
      makeDefault: raw.flags.default === true,
      force: raw.flags.force === true,
      verify: raw.flags.verify !== false,
      thresholds: await parseThresholds(raw, false),
    };
    return opts;
  },
  load: () => import('./add.js'),
};
