// `tally profiles set <name> [--base-url] [--key-stdin | --key-env VAR] [--min] [--min-days] [--no-verify]`: what it takes.
import type { CommandSpec } from '../../core/command.js';
import { UsageError } from '../../core/errors.js';
import { parseThresholds, THRESHOLD_FLAGS, type ThresholdChange } from '../flags.js';
import { parseKeySource } from './add.command.js';

export interface SetOptions {
  name: string;
  /** The global --provider, refused: a profile's provider is what its key and history belong to. */
  provider?: string;
  baseUrl?: string;
  keyStdin: boolean;
  keyEnv?: string;
  verify: boolean;
  thresholds: ThresholdChange;
}

export const setCommand: CommandSpec<SetOptions> = {
  name: 'set',
  summary: 'change the base URL, key source or thresholds of a profile, keeping the rest (a new key or URL is checked)',
  args: [{ syntax: '<name>', help: 'a saved profile (see `tally profiles list`)', complete: 'profile' }],
  flags: [
    { flags: '--key-stdin', help: 'a new key, from standard input' },
    { flags: '--key-env <VAR>', help: 'read the key at run time from this environment variable instead' },
    { flags: '--no-verify', help: 'save a new key or base URL without checking it with the provider' },
    ...THRESHOLD_FLAGS.map((f) => ({ ...f, help: `${f.help}; none clears it` })),
  ],
  examples: [
    'tally profiles set work --base-url https://conduit.example.com',
    'printf %s "$NEW_KEY" | tally profiles set work --key-stdin',
    'tally profiles set credits --min 500000 --min-days 14',
    'tally profiles set credits --min none',
  ],
  async parse(raw) {
    const opts: SetOptions = {
      name: raw.args[0] ?? '',
      provider: raw.globals.provider,
      baseUrl: raw.globals.baseUrl,
      ...parseKeySource(raw),
      verify: raw.flags.verify !== false,
      thresholds: await parseThresholds(raw, true),
    };
    const t = opts.thresholds;
    if (opts.baseUrl === undefined && !opts.keyStdin && !opts.keyEnv && t.min === undefined && t.minDays === undefined) {
      throw new UsageError(
        `profiles set ${opts.name} changes nothing`,
        'give --base-url <url>, --key-stdin, --key-env <VAR>, --min <amount> or --min-days <n> (none clears a threshold)',
      );
    }
    return opts;
  },
  load: () => import('./set.js'),
};
