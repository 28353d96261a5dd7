// Builds the commander tree and maps every outcome to an exit code; each command's code loads only when it runs.
import { Argument, Command, CommanderError, Option } from 'commander';
import { type Context, createContext, parseGlobalOptions } from './core/context.js';
import { ExitCode, exitCodeOf, formatError, ReaderGoneError, UsageError, WriteError } from './core/errors.js';
import { writeStdout } from './core/io.js';
import { VERSION } from './version.js';

type RunResult = number | undefined;
type Action = (ctx: Context, args: string[], options: Record<string, unknown>) => Promise<RunResult | undefined>;

let activeContext: Context | undefined;
let verbose = false;

/** Wraps a lazily imported command so that parsing, context and errors are handled in one place. */
function action(load: () => Promise<Action>) {
  return async (...params: unknown[]) => {
    const command = params[params.length - 1] as Command;
    const options = command.opts();
    const args = params.slice(0, command.registeredArguments.length) as string[];
    const globals = parseGlobalOptions(command.optsWithGlobals());
    const ctx = createContext(globals, process.env);
    activeContext = ctx;
    const run = await load();
    const code = await run(ctx, args, options);
    if (typeof code === 'number') process.exitCode = code;
  };
}

export function buildProgram(): Command {
  const program = new Command('tally');
  program
    .description('Balances, ledgers, exports and reconciliation for LLM API gateway credits.')
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('-p, --profile <name>', 'profile to use (default: TALLY_PROFILE, then the default profile)')
    .option('--provider <id>', 'provider id, overriding the profile (see `tally providers`)')
    .option('--base-url <url>', "provider API base URL, overriding the profile's")
    .option('--json', 'print JSON instead of a table')
    .option('--no-color', 'never colour the output')
    .option('-q, --quiet', 'print nothing but errors; the exit code tells')
    .option('-v, --verbose', 'trace requests on stderr (keys redacted) and show stack traces')
    .option('--timeout <seconds>', 'per-request timeout in seconds', '30')
    .option('--retries <n>', 'retries on 429, 5xx and dropped connections', '4')
    .option('--response-limit <MiB>', 'largest response body to accept, in MiB (1 to 500)', '64')
    .option('--tz <zone>', 'time zone for tables and for grouping by day (default: the system zone; CSV and JSON stay UTC)')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void writeStdout(text),
      outputError: (text, write) => write(`tally: ${text.replace(/^error: /, '').trimEnd()}\n  run \`tally --help\` for usage\n`),
    })
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .helpCommand(false)
    .addHelpText('after', '\nMore: tally help <command>, tally help exit-codes, tally help environment');

  program
    .command('providers')
    .description('list the providers tally knows, their auth, default base URL and the commands each supports')
    .addHelpText('after', '\nExamples:\n  tally providers\n  tally providers --json')
    .action(action(async () => (await import('./commands/providers.js')).run));

  const profiles = program
    .command('profiles')
    .description('manage saved profiles (provider, base URL and key source)')
    .addHelpText('after', '\nExamples:\n  tally profiles add work --provider bytespike --key-env BYTESPIKE_API_KEY\n  tally profiles list');
  profiles
    .command('add <name>')
    .description('add or replace a profile; with no key flag on a TTY, asks for the key without echo')
    .option('--key-stdin', 'read the key from standard input')
    .option('--key-env <VAR>', 'read the key at run time from this environment variable (nothing secret is stored)')
    .option('--default', 'make it the default profile')
    .addHelpText(
      'after',
      '\nExamples:\n  printf %s "$KEY" | tally profiles add work --provider conduit --key-stdin\n  tally profiles add acct --provider account-api --base-url https://api.example.com --key-env ACCT_JWT',
    )
    .action(action(async () => (await import('./commands/profiles/add.js')).run));
  profiles
    .command('list')
    .description('list profiles: provider, base URL, key source and last four characters (never the key)')
    .addHelpText('after', '\nExamples:\n  tally profiles list\n  tally profiles list --json')
    .action(action(async () => (await import('./commands/profiles/list.js')).run));
  profiles
    .command('remove <name>')
    .alias('rm')
    .description('remove a profile')
    .addHelpText('after', '\nExample:\n  tally profiles remove old-account')
    .action(action(async () => (await import('./commands/profiles/remove.js')).run));
  profiles
    .command('use <name>')
    .description('make a profile the default')
    .addHelpText('after', '\nExample:\n  tally profiles use work')
    .action(action(async () => (await import('./commands/profiles/use.js')).run));

  program
    .command('balance')
    .description('show the balance of one profile, or of every profile with --all')
    .option('--all', 'query every profile concurrently and print one table')
    .option('--min <amount>', 'exit 1 when an available balance is below this amount (in its own unit)')
    .addHelpText(
      'after',
      '\nExamples:\n  tally balance\n  tally balance --all --json\n  tally -p work balance --min 10 -q || echo "top up"',
    )
    .action(action(async () => (await import('./commands/balance.js')).run));

  const ledger = program
    .command('ledger')
    .description('list and export ledger entries (newest first)')
    .addHelpText('after', '\nExamples:\n  tally ledger list --limit 50\n  tally ledger export --out ledger.csv');
  const dateFlags = (cmd: Command) =>
    cmd
      .option('--since <date>', 'from this instant, inclusive: 2026-03-01, 2026-03-01T10:00:00Z, 7d, 12h (UTC unless an offset is given)')
      .option('--until <date>', 'before this instant, exclusive (same forms as --since)');
  const filterFlags = (cmd: Command) =>
    dateFlags(
      cmd.option(
        '--type <type>',
        "only this type: purchase, usage, refund, credit, debit, adjustment, subscription, or the provider's own word",
      ),
    );
  filterFlags(
    ledger
      .command('list')
      .description('list entries newest first; a table on a terminal, tab-separated on a pipe, or --json')
      .option('--limit <n>', 'entries to show (more than a page fetches as many as needed)', '20')
      .option('--offset <n>', 'entries to skip first', '0'),
  )
    .addHelpText('after', '\nExamples:\n  tally ledger list\n  tally ledger list --limit 500 --type usage --since 7d --json')
    .action(action(async () => (await import('./commands/ledger/list.js')).run));
  filterFlags(
    ledger
      .command('export')
      .description('export every entry, streamed in constant memory: CSV (default), --json or --ndjson')
      .option('--csv', 'CSV with the columns accountants expect (the default)')
      .option('--ndjson', 'one JSON entry per line')
      .option('--out <file>', 'write to this file atomically (temp file + rename); a FIFO or device is written in place; - is stdout')
      .addOption(new Option('--order <order>', 'desc (newest first) or asc').choices(['desc', 'asc']).default('desc'))
      .option('--bom', 'start the CSV with a UTF-8 byte-order mark, for Excel'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  tally ledger export --out ledger.csv\n  tally ledger export --ndjson --since 2026-01-01 --until 2026-04-01 | jq .amount\n  tally ledger export --order asc --bom --out for-excel.csv',
    )
    .action(action(async () => (await import('./commands/ledger/export.js')).run));

  dateFlags(
    program
      .command('reconcile')
      .description('prove the ledger adds up: every balance_after follows from the one before, and the newest meets the live balance')
      .option('--all', 'reconcile every profile concurrently and print a summary table')
      .option('--file <path>', 'reconcile an earlier `ledger export` (CSV, JSON or NDJSON) offline')
      .option('--checkpoint', 'remember the newest verified entry and read only newer entries next time')
      .option('--reset-checkpoint', 'with --checkpoint: forget the checkpoint, verify the whole history and store a new one')
      .option('--full', 'with --checkpoint: read the whole history again and report any verified entry that changed')
      .option('--tolerance <amount>', 'accept differences up to this amount', '0'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  tally reconcile\n  tally reconcile --all --json\n  tally reconcile --file ledger.csv\n  tally -p work reconcile --checkpoint -q || echo "ledger does not add up"\n  tally reconcile --checkpoint --full',
    )
    .action(action(async () => (await import('./commands/reconcile.js')).run));

  dateFlags(
    program
      .command('usage')
      .description('usage and spend for a period; where a provider has no usage endpoint it is derived from the ledger')
      .addOption(
        new Option('--period <period>', 'the API period (account-api), or the bucket for --by day').choices(['daily', 'monthly', 'yearly']),
      )
      .addOption(
        new Option('--by <group>', 'group by model, day or product (as the provider allows)').choices(['model', 'day', 'product']),
      ),
  )
    .addHelpText('after', '\nExamples:\n  tally usage --since 30d\n  tally usage --by day --period monthly --json')
    .action(action(async () => (await import('./commands/usage.js')).run));

  program
    .command('account')
    .description('account overview: summary, plan, totals and per-key spend, from what the provider offers')
    .addHelpText('after', '\nExamples:\n  tally account\n  tally -p work account --json')
    .action(action(async () => (await import('./commands/account.js')).run));

  program
    .command('packs')
    .description('credit packs on sale (conflux; no key needed): price, credits after fee, the 5% fee')
    .addHelpText('after', '\nExamples:\n  tally packs\n  tally packs --json')
    .action(action(async () => (await import('./commands/packs.js')).run));

  program
    .command('checkout <pack>')
    .description('start a checkout for a pack and print its URL')
    .option('--open', 'also open it in a browser (only when run at a terminal)')
    .addHelpText('after', '\nExamples:\n  tally checkout growth\n  tally checkout starter --open')
    .action(action(async () => (await import('./commands/checkout.js')).run));

  program
    .command('completion')
    .description('print a shell completion script for bash, zsh or fish')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(['bash', 'zsh', 'fish']))
    .addHelpText(
      'after',
      '\nExamples:\n  tally completion bash > ~/.local/share/bash-completion/completions/tally\n  tally completion zsh > "${fpath[1]}/_tally"\n  tally completion fish > ~/.config/fish/completions/tally.fish',
    )
    .action(action(async () => (await import('./commands/completion.js')).run));

  program
    .command('help [topic...]')
    .description('help for a command, or a topic: exit-codes, environment')
    .addHelpText('after', '\nExamples:\n  tally help ledger export\n  tally help exit-codes')
    .action(async (topic: string[]) => {
      const { HELP_TOPICS } = await import('./commands/help-topics.js');
      const text = topic.length === 1 ? HELP_TOPICS[topic[0] as string] : undefined;
      if (text) {
        writeStdout(text);
        return;
      }
      let target: Command = program;
      for (const word of topic) {
        const next = target.commands.find((c) => c.name() === word || c.aliases().includes(word));
        if (!next) {
          throw new UsageError(
            `no help for "${topic.join(' ')}"`,
            `run \`tally --help\` for the commands; topics: ${Object.keys(HELP_TOPICS).join(', ')}`,
          );
        }
        target = next;
      }
      target.outputHelp();
    });

  program
    .command('sandbox')
    .description('serve all five provider APIs on loopback with generated accounts, for trying tally safely')
    .option('--port <n>', 'port to listen on (0 picks a free one)', '4010')
    .option('--seed <n>', 'seed for the generated accounts', '1')
    .option('--entries <n>', 'ledger length of the large accounts', '250')
    .addOption(new Option('--faults <spec>', 'inject faults, e.g. "503*2,429*1=1,reset%5" (see README)'))
    .addHelpText('after', '\nExamples:\n  tally sandbox --port 4010\n  tally sandbox --port 0 --json')
    .action(action(async () => (await import('./commands/sandbox.js')).run));

  program
    .command('demo')
    .description('start the sandbox in-process and show tally working on it (no config, no network)')
    .addHelpText('after', '\nExample:\n  tally demo')
    .action(action(async () => (await import('./commands/demo.js')).run));

  return program;
}

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
  verbose = argv.includes('-v') || argv.includes('--verbose');
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
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    process.exitCode = handleError(error);
  } finally {
    if (process.exitCode && process.exitCode !== 0) activeContext?.runCleanups();
  }
}

function handleError(error: unknown): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.ok;
    // `tally help` exits 0; help shown because no command was given is a usage error
    if (error.code === 'commander.help') return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    // commander already printed its message through outputError
    return ExitCode.usage;
  }
  if (error instanceof ReaderGoneError) return quietCode();
  process.stderr.write(formatError(error, verbose));
  return exitCodeOf(error);
}
