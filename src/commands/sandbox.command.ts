// `tally sandbox [--port] [--seed] [--entries] [--end] [--faults]`: what the command takes.
import type { CommandSpec } from '../core/command.js';
import { parseDateFlag } from '../core/dates.js';
import { UsageError } from '../core/errors.js';
import { wholeNumber } from './flags.js';
import { summaryOf } from './index.js';

export interface SandboxOptions {
  port: number;
  seed: number;
  entries: number;
  /** When the newest entries were made; the moment the sandbox starts when not given. */
  end?: Date;
  faults?: string;
}

export const sandboxCommand: CommandSpec<SandboxOptions> = {
  name: 'sandbox',
  summary: summaryOf('sandbox'),
  flags: [
    { flags: '--port <n>', help: 'port to listen on (0 picks a free one)', default: '4010' },
    { flags: '--seed <n>', help: 'seed for the generated accounts', default: '1' },
    { flags: '--entries <n>', help: 'ledger length of the large accounts', default: '250' },
    {
      flags: '--end <date>',
      help: 'when the newest entries were made (default: now); the same --seed and --end give the same data (forms as --since)',
    },
    { flags: '--faults <spec>', help: 'inject faults, e.g. "503*2,429*1=1,reset%5" (see README)' },
  ],
  examples: [
    'tally sandbox --port 4010',
    'tally sandbox --port 0 --json',
    'tally sandbox --seed 7 --end 2026-03-01   # the same data every run',
  ],
  async parse(raw) {
    const faults = typeof raw.flags.faults === 'string' ? raw.flags.faults : undefined;
    if (faults) {
      const { parseFaults } = await import('../sandbox/faults.js');
      try {
        parseFaults(faults);
      } catch (error) {
        throw new UsageError(`--faults: ${(error as Error).message}`);
      }
    }
    return {
      port: wholeNumber(raw.flags.port, '--port', 0, 65535),
      seed: wholeNumber(raw.flags.seed, '--seed', 0, 2 ** 31),
      entries: wholeNumber(raw.flags.entries, '--entries', 0, 50_000_000),
      end: typeof raw.flags.end === 'string' ? parseDateFlag(raw.flags.end, '--end', raw.now) : undefined,
      faults,
    };
  },
  load: () => import('./sandbox.js'),
};
