// The command tree, declared once (cli.ts registers it with commander, completion generates scripts from it):
// the global flags, and every command tally has in the order `tally --help` lists them, by name. A spec module
// is imported only when its command is the one run, or when all are needed (help, completion, a word that is
// no command): each module loaded costs ~0.5 ms at every start.
import type { AnySpec, FlagSpec } from '../core/command.js';

/** The flags every command takes (and the program's own two). */
export const VERSION_FLAG: FlagSpec = { flags: '-V, --version', help: 'print the version' };
export const HELP_FLAG: FlagSpec = { flags: '-h, --help', help: 'show help' };

export const GLOBAL_FLAGS: readonly FlagSpec[] = [
  { flags: '-p, --profile <name>', help: 'profile to use (default: TALLY_PROFILE, then the default profile)', complete: 'profile' },
  { flags: '--provider <id>', help: 'provider id, overriding the profile (see `tally providers`)', complete: 'provider' },
  { flags: '--base-url <url>', help: "provider API base URL, overriding the profile's" },
  { flags: '--json', help: 'print JSON instead of a table' },
  { flags: '--no-color', help: 'never colour the output' },
  { flags: '-q, --quiet', help: 'print only data and errors: no summaries, notes, hints or progress, nothing when there is no data' },
  { flags: '-v, --verbose', help: 'trace requests on stderr (keys redacted) and show stack traces' },
  { flags: '--timeout <seconds>', help: 'per-request timeout in seconds', default: '30' },
  {
    flags: '--retries <n>',
    help: 'retries of a read on 429, 5xx, refused and dropped connections (a checkout only when it was never sent)',
    default: '4',
  },
  { flags: '--response-limit <MiB>', help: 'largest response body to accept, in MiB (1 to 500), decompressed', default: '64' },
  {
    flags: '--tz <zone>',
    help: 'time zone for tables and grouping by day (default: the system zone), and for reading --since/--until without an offset, --month and statement periods (default: UTC); CSV and JSON stay UTC',
  },
];

export interface CommandEntry {
  /** The command's first word: its spec's name. */
  readonly name: string;
  /** How `tally --help` lists it (name, `[options]`, arguments), so the root help loads no spec; a unit
   *  test holds it to the spec's flags and arguments. */
  readonly term: string;
  /** The one line the root help and the command's own help show. */
  readonly summary: string;
  load(): Promise<AnySpec>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'providers',
    term: 'providers',
    summary: 'list the providers tally knows, their auth, default base URL and the commands each supports',
    load: async () => (await import('./providers.command.js')).providersCommand,
  },
  {
    name: 'profiles',
    term: 'profiles',
    summary: 'manage saved profiles (provider, base URL, key source and balance thresholds)',
    load: async () => (await import('./profiles/profiles.command.js')).profilesGroup,
  },
  {
    name: 'balance',
    term: 'balance [options]',
    summary: 'show the balance of one profile, or of every profile with --all, with the burn over the last 7 days and the runway it leaves',
    load: async () => (await import('./balance.command.js')).balanceCommand,
  },
  {
    name: 'ledger',
    term: 'ledger',
    summary: 'list and export ledger entries (newest first)',
    load: async () => (await import('./ledger/ledger.command.js')).ledgerGroup,
  },
  {
    name: 'reconcile',
    term: 'reconcile [options]',
    summary: 'prove the ledger adds up: every balance_after follows from the one before, and the newest meets the live balance',
    load: async () => (await import('./reconcile.command.js')).reconcileCommand,
  },
  {
    name: 'statement',
    term: 'statement [options]',
    summary: "a period's statement per profile: the opening balance, the movements by type, the closing, and whether they add up",
    load: async () => (await import('./statement.command.js')).statementCommand,
  },
  {
    name: 'usage',
    term: 'usage [options]',
    summary: 'usage and spend for a period; where a provider has no usage endpoint it is derived from the ledger',
    load: async () => (await import('./usage.command.js')).usageCommand,
  },
  {
    name: 'account',
    term: 'account',
    summary: 'account overview: summary, plan, totals and per-key spend, from what the provider offers',
    load: async () => (await import('./account.command.js')).accountCommand,
  },
  {
    name: 'packs',
    term: 'packs',
    summary: 'credit packs on sale (conflux; no key needed): price, credits after fee, the 5% fee',
    load: async () => (await import('./packs.command.js')).packsCommand,
  },
  {
    name: 'checkout',
    term: 'checkout [options] <pack>',
    summary: 'start a checkout for a pack and print its URL',
    load: async () => (await import('./checkout.command.js')).checkoutCommand,
  },
  {
    name: 'completion',
    term: 'completion <shell>',
    summary: 'print a shell completion script for bash, zsh or fish',
    load: async () => (await import('./completion.command.js')).completionCommand,
  },
  {
    name: 'help',
    term: 'help [topic...]',
    summary: 'help for a command, or a topic: options, exit-codes, environment',
    load: async () => (await import('./help.command.js')).helpCommand,
  },
  {
    name: 'sandbox',
    term: 'sandbox [options]',
    summary: 'serve all five provider APIs on loopback with generated accounts, for trying tally safely',
    load: async () => (await import('./sandbox.command.js')).sandboxCommand,
  },
  {
    name: 'demo',
    term: 'demo',
    summary: 'start the sandbox in-process and show tally working on it (no config, no network)',
    load: async () => (await import('./demo.command.js')).demoCommand,
  },
];

/** A command's one-line summary, declared once, here: its spec and the root help both read it. */
export function summaryOf(name: string): string {
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) throw new Error(`no command ${name}`);
  return entry.summary;
}

/** The specs of the named command, or of every command. */
export function loadSpecs(name?: string): Promise<AnySpec[]> {
  const one = COMMANDS.find((c) => c.name === name);
  return Promise.all((one ? [one] : COMMANDS).map((c) => c.load()));
}
