// The one shape of a command: a spec (name, arguments, flags, help, examples), parse(raw) → typed Options,
// and run(ctx, options) in a module loaded only when the command runs.
import type { Context, GlobalOptions } from './context.js';

/** A flag, in commander's syntax: `--limit <n>`, `-o, --out <file>`, `--all`. */
export interface FlagSpec {
  readonly flags: string;
  readonly help: string;
  /** Shown in help and handed to parse when the flag is not given. */
  readonly default?: string;
  /** The only values accepted: commander refuses others (exit 2) before parse runs, so parse need not. */
  readonly choices?: readonly string[];
  /** Given more than once, every value is kept, in order (the raw flag is then a string array). */
  readonly repeatable?: boolean;
  /** What the shell offers for its value where commander checks none (a comma list stays allowed): saved
   *  profile names, provider ids, entry types. */
  readonly complete?: 'profile' | 'provider' | 'entry-type';
}

/** A positional argument: `<name>`, `[topic...]`. */
export interface ArgSpec {
  readonly syntax: string;
  readonly help: string;
  readonly choices?: readonly string[];
  /** What the shell offers for it beyond `choices`: saved profile names, help topics. */
  readonly complete?: 'profile' | 'topic';
}

/** What the command line gave a command, before its parse makes typed Options of it. */
export interface RawInput {
  readonly args: readonly string[];
  /** Flags by commander's camel-cased name (`--key-env` → `keyEnv`); defaults already filled in. */
  readonly flags: Readonly<Record<string, unknown>>;
  readonly globals: GlobalOptions;
  /** The instant relative dates (`--since 7d`) count back from. */
  readonly now: Date;
}

/** The code of a command, imported only when it runs. */
export interface CommandModule<O> {
  run(ctx: Context, options: O): Promise<number | undefined>;
}

export interface CommandSpec<O = unknown> {
  readonly name: string;
  readonly aliases?: readonly string[];
  /** One line for the command list and the top of its help. */
  readonly summary: string;
  readonly args?: readonly ArgSpec[];
  readonly flags?: readonly FlagSpec[];
  /** Command lines a user can paste, shown under "Examples:". */
  readonly examples: readonly string[];
  /** Every check of the flags' values, in one place; throws UsageError (exit 2). A parse that needs a
   *  module few runs need (the sandbox's fault grammar) imports it and returns a promise. */
  parse(raw: RawInput): O | Promise<O>;
  load(): Promise<CommandModule<O>>;
}

/** A command that only groups others (`tally ledger`, `tally profiles`). */
export interface GroupSpec {
  readonly name: string;
  readonly summary: string;
  readonly examples: readonly string[];
  readonly commands: readonly CommandSpec[];
}

// a CommandSpec<BalanceOptions> is a CommandSpec: parse's result widens, and run is a method (bivariant)
export type AnySpec = CommandSpec | GroupSpec;
