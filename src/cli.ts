// Registers every command's spec with commander and maps every outcome to an exit code; a command's code
// loads only when it runs. `execute` is the whole run short of the process (tests call it in process);
// `main` adds what belongs to the process: signals, a closed stdout, process.exitCode.
import { Argument, Command, CommanderError, Option } from 'commander';
import type { AnySpec, CommandSpec, FlagSpec, GroupSpec } from './core/command.js';
import { type Context, createContext, parseGlobalOptions } from './core/context.js';
import type { Env } from './core/config.js';
import { ExitCode, exitCodeOf, formatError, ReaderGoneError, WriteError } from './core/errors.js';
import { type IOStreams, writeStdout } from './core/io.js';
import { COMMANDS, GLOBAL_FLAGS, HELP_FLAG, loadSpecs, VERSION_FLAG } from './commands/index.js';
import { VERSION } from './version.js';

/** Where commander's own help and errors go, before any command has a context. */
export interface Sink {
  out(text: string): void;
  err(text: string): void;
}

const processSink: Sink = {
  out: (text) => void writeStdout(text),
  err: (text) => void process.stderr.write(text),
};

/** What a command line asked for, parsed and validated, not yet run. */
export interface Parsed {
  /** "ledger export". */
  path: string;
  spec: CommandSpec;
  options: unknown;
  ctx: Context;
}

/** How to run a command line: its environment, streams (the process's unless given) and clock. */
export interface Invocation {
  env: Env;
  io?: IOStreams;
  now?: () => Date;
  /** Called with the context as soon as it exists (main keeps it, to clean up on a signal). */
  onContext?: (ctx: Context) => void;
}

type OnParsed = (parsed: Parsed) => Promise<void>;

// here, not in core/command.ts, which then holds types only and costs no module load at start
export const isGroup = (spec: AnySpec): spec is GroupSpec => 'commands' in spec;

/** Under every command's help: its examples, and where the global flags are (shown once, not in every help). */
function examplesText(examples: readonly string[]): string {
  return (
    `\n${examples.length === 1 ? 'Example' : 'Examples'}:\n${examples.map((e) => `  ${e}`).join('\n')}\n` +
    '\nGlobal flags (--profile, --json, --quiet, --tz and more): tally help options'
  );
}

function optionOf(flag: FlagSpec): Option {
  const option = new Option(flag.flags, flag.help);
  if (flag.choices) option.choices(flag.choices);
  // the default shown as typed (`default: 20`), not as JSON (`default: "20"`)
  if (flag.default !== undefined) option.default(flag.default, flag.default);
  if (flag.repeatable) option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
  return option;
}

function register(parent: Command, spec: AnySpec, path: string, invocation: Invocation, onParsed: OnParsed): void {
  const command = parent.command(spec.name).description(spec.summary).addHelpText('after', examplesText(spec.examples));
  const here = path ? `${path} ${spec.name}` : spec.name;
  if (isGroup(spec)) {
    for (const child of spec.commands) register(command, child, here, invocation, onParsed);
    return;
  }
  for (const alias of spec.aliases ?? []) command.alias(alias);
  for (const arg of spec.args ?? []) {
    const argument = new Argument(arg.syntax, arg.help);
    if (arg.choices) argument.choices(arg.choices);
    command.addArgument(argument);
  }
  for (const flag of spec.flags ?? []) command.addOption(optionOf(flag));
  command.action(async (...params: unknown[]) => {
    const cmd = params[params.length - 1] as Command;
    const args = params.slice(0, cmd.registeredArguments.length).flat() as string[];
    const globals = parseGlobalOptions(cmd.optsWithGlobals());
    const ctx = createContext(globals, invocation.env, invocation.io, invocation.now);
    invocation.onContext?.(ctx);
    const options = await spec.parse({ args, flags: cmd.opts(), globals, now: ctx.now() });
    await onParsed({ path: here, spec, options, ctx });
  });
}

/** The first word of argv that is not a global flag or its value: the command asked for. */
export function commandWord(program: Command, argv: readonly string[]): string | undefined {
  const takesValue = new Set(program.options.filter((o) => o.required || o.optional).flatMap((o) => [o.long, o.short]));
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] as string;
    if (word === '--') return argv[i + 1];
    if (!word.startsWith('-') || word === '-') return word;
    if (takesValue.has(word)) i++;
    // a cluster of short flags (-qp work): a value is the last letter's
    else if (/^-[A-Za-z]{2,}$/.test(word) && takesValue.has(`-${word.slice(-1)}`)) i++;
  }
  return undefined;
}

/** Commander's error in tally's two lines: its "(Did you mean x?)", on a line of its own, becomes the hint. */
function commanderError(text: string): string {
  const message = text.replace(/^error: /, '').trimEnd();
  const guess = /\n\(Did you mean (.+)\?\)$/.exec(message);
  if (!guess) return `tally: ${message}\n  run \`tally --help\` for usage\n`;
  return `tally: ${message.slice(0, guess.index)}\n  did you mean ${guess[1]}? (\`tally --help\` for usage)\n`;
}

/**
 * The commander tree: the global flags and, for a command line (`argv`), the command it asks for, or only
 * the names and summaries of all when it asks for none (`tally --help`, a typo to suggest a name for);
 * without `argv` (help, completion), every command. `onParsed` is what happens once a command line has
 * been parsed.
 */
export async function buildProgram(
  sink: Sink = processSink,
  invocation: Invocation = { env: process.env },
  onParsed: OnParsed = async () => {},
  argv?: readonly string[],
): Promise<Command> {
  const program = new Command('tally');
  program
    .description('Balances, ledgers, exports and reconciliation for LLM API gateway credits.')
    .version(VERSION, VERSION_FLAG.flags, VERSION_FLAG.help)
    .helpOption(HELP_FLAG.flags, HELP_FLAG.help)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => sink.out(text),
      writeErr: (text) => sink.err(text),
      outputError: (text, write) => write(commanderError(text)),
    })
    .configureHelp({ sortSubcommands: false })
    .helpCommand(false)
    .addHelpText('after', '\nMore: tally help <command>, tally help options, tally help exit-codes, tally help environment');
  for (const flag of GLOBAL_FLAGS) program.addOption(optionOf(flag));
  const word = argv && commandWord(program, argv);
  if (argv && !COMMANDS.some((c) => c.name === word)) {
    // no command named (`tally --help`, a typo): the listing and the names for a suggestion, and no spec
    for (const entry of COMMANDS) program.command(entry.name).description(entry.summary);
    const terms = new Map(COMMANDS.map((c) => [c.name, c.term]));
    program.configureHelp({ subcommandTerm: (cmd) => terms.get(cmd.name()) ?? cmd.name() });
    return program;
  }
  for (const spec of await loadSpecs(word)) register(program, spec, '', invocation, onParsed);
  return program;
}

/** The exit code of a failure, after telling the user (commander has already told its own). */
export function failure(error: unknown, sink: Sink, verbose: boolean): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.ok;
    // `tally help` exits 0; help shown because no command was given is a usage error
    if (error.code === 'commander.help') return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    return ExitCode.usage;
  }
  if (error instanceof ReaderGoneError) return ExitCode.ok;
  sink.err(formatError(error, verbose));
  return exitCodeOf(error);
}

const isVerbose = (argv: readonly string[]) => argv.includes('-v') || argv.includes('--verbose');

/** Parses a command line (the words after `tally`) into its command and typed Options, running nothing. */
export async function parseCommandLine(argv: readonly string[], invocation: Invocation): Promise<Parsed> {
  let parsed: Parsed | undefined;
  const sink = invocation.io ?? processSink;
  const program = await buildProgram(
    sink,
    invocation,
    async (p) => {
      parsed = p;
    },
    argv,
  );
  await program.parseAsync([...argv], { from: 'user' });
  if (!parsed) throw new Error(`no command ran for: ${argv.join(' ')}`);
  return parsed;
}

/** Runs a command line (the words after `tally`) to its exit code; every failure is told on the sink. */
export async function execute(argv: readonly string[], invocation: Invocation): Promise<number> {
  const sink = invocation.io ?? processSink;
  let code: number = ExitCode.ok;
  let ctx: Context | undefined;
  try {
    const onContext = (c: Context) => {
      ctx = c;
      invocation.onContext?.(c);
    };
    const program = await buildProgram(
      sink,
      { ...invocation, onContext },
      async (p) => {
        const module = await p.spec.load();
        code = (await module.run(p.ctx, p.options)) ?? ExitCode.ok;
      },
      argv,
    );
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    code = failure(error, sink, isVerbose(argv));
  } finally {
    if (code !== ExitCode.ok) ctx?.runCleanups();
  }
  return code;
}

let activeContext: Context | undefined;

/** The signals tally stops on, with their exit codes (128 + the signal's number) and what it says. */
const SIGNALS = {
  SIGINT: [ExitCode.interrupted, 'interrupted'],
  SIGTERM: [ExitCode.terminated, 'terminated'],
  SIGHUP: [ExitCode.hungUp, 'hung up'],
} as const;

/** The one way out before a command has finished: every cleanup runs (temp and spool files), then one line. */
function leave(code: number, message?: string): never {
  activeContext?.runCleanups();
  if (message) {
    try {
      process.stderr.write(message);
    } catch {
      // a hung-up terminal cannot be told
    }
  }
  process.exit(code);
}

const quietCode = () => (typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok);

export async function main(argv: string[]): Promise<void> {
  const verbose = isVerbose(argv);
  for (const [signal, [code, word]] of Object.entries(SIGNALS)) process.once(signal, () => leave(code, `tally: ${word}\n`));
  // whatever else ends the process (an uncaught error included) still removes what a command left registered
  process.once('exit', () => activeContext?.runCleanups());
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    // the reader went away (`tally ... | head`): stop quietly
    if (error.code === 'EPIPE') leave(quietCode());
    leave(ExitCode.usage, formatError(new WriteError('standard output', error), verbose));
  });
  // stderr closed under us: nothing left to tell, and no crash for it
  process.stderr.on('error', () => undefined);
  process.exitCode = await execute(argv.slice(2), {
    env: process.env,
    onContext: (ctx) => {
      activeContext = ctx;
    },
  });
}
