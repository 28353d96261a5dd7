// `tally profiles add <name> --provider <id> [--base-url] [--key-stdin | --key-env VAR] [--default]`.
import type { CommandSpec } from '../../core/command.js';
import { UsageError } from '../../core/errors.js';

export interface AddOptions {
  name: string;
  provider?: string;
  baseUrl?: string;
  keyStdin: boolean;
  keyEnv?: string;
  makeDefault: boolean;
}

export const addCommand: CommandSpec<AddOptions> = {
  name: 'add',
  summary: 'add or replace a profile; with no key flag on a TTY, asks for the key without echo',
  args: [{ syntax: '<name>', help: 'the profile name' }],
  flags: [
    { flags: '--key-stdin', help: 'read the key from standard input' },
    { flags: '--key-env <VAR>', help: 'read the key at run time from this environment variable (nothing secret is stored)' },
    { flags: '--default', help: 'make it the default profile' },
  ],
  examples: [
    'printf %s "$KEY" | tally profiles add work --provider conduit --key-stdin',
    'tally profiles add acct --provider account-api --base-url https://api.example.com --key-env ACCT_JWT',
  ],
  parse(raw) {
    const opts: AddOptions = {
      name: raw.args[0] ?? '',
      provider: raw.globals.provider,
      baseUrl: raw.globals.baseUrl,
      keyStdin: raw.flags.keyStdin === true,
      keyEnv: typeof raw.flags.keyEnv === 'string' ? raw.flags.keyEnv : undefined,
      makeDefault: raw.flags.default === true,
    };
    if (opts.keyStdin && opts.keyEnv) throw new UsageError('give --key-stdin or --key-env, not both');
    if (opts.keyEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(opts.keyEnv)) {
      throw new UsageError(`--key-env "${opts.keyEnv}" is not an environment variable name`, 'such as --key-env BYTESPIKE_API_KEY');
    }
    return opts;
  },
  load: () => import('./add.js'),
};
