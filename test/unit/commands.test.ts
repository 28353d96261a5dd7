// argv → typed Options for every command, in process: what each flag becomes, and every refusal's exact
// exit code and message. Nothing runs and nothing is fetched.
import { describe, expect, it } from 'vitest';
import { COMMANDS, loadSpecs } from '../../src/commands/index.js';
import { buildProgram, commandWord, isGroup } from '../../src/cli.js';
import { Decimal } from '../../src/core/money.js';
import { parseArgs, parseFailure } from '../helpers/in-process.js';

const now = new Date('2026-12-01T12:00:00Z');
const options = async (argv: string[]) => {
  const parsed = await parseArgs(argv, { now });
  return { path: parsed.path, options: parsed.options };
};
const refusal = (argv: string[]) => parseFailure(argv, { now });
const usage = (message: string, hint?: string) => ({ code: 2, stderr: `tally: ${message}\n${hint ? `  ${hint}\n` : ''}` });

describe('every command parses its command line into typed Options', () => {
  it('covers every command tally registers', async () => {
    const specs = await loadSpecs();
    expect(specs.map((s) => s.name)).toEqual(COMMANDS.map((c) => c.name));
    const paths = specs.flatMap((s) => (isGroup(s) ? s.commands.map((c) => `${s.name} ${c.name}`) : [s.name]));
    expect(paths).toEqual([
      'providers',
      'profiles add',
      'profiles list',
      'profiles show',
      'profiles set',
      'profiles rename',
      'profiles remove',
      'profiles use',
      'balance',
      'ledger list',
      'ledger export',
      'reconcile',
      'statement',
      'usage',
      'account',
      'packs',
      'checkout',
      'completion',
      'help',
      'sandbox',
      'demo',
    ]);
  });

  it.each([['providers'], ['account'], ['packs'], ['demo'], ['profiles', 'list']])('%s %s takes no options of its own', async (...argv) => {
    expect((await options(argv)).options).toEqual({});
  });

  it('balance: --all and --min as an exact amount', async () => {
    expect(await options(['balance'])).toEqual({ path: 'balance', options: { all: false, min: undefined } });
    const { options: o } = await options(['balance', '--all', '--min', '10.50']);
    expect(o).toMatchObject({ all: true });
    expect((o as { min: Decimal }).min.eq(Decimal.parse('10.5'))).toBe(true);
    expect(await refusal(['balance', '--min', 'ten'])).toEqual(
      usage('--min "ten" is not an amount', 'give a decimal such as --min 10 or --min 2.50'),
    );
  });

  it('balance: --min-days as an exact number of days, never negative', async () => {
    const { options: o } = await options(['balance', '--min-days', '2.5']);
    expect((o as { minDays: Decimal }).minDays.eq(Decimal.parse('2.5'))).toBe(true);
    for (const bad of ['-1', 'week', '1e3', '']) {
      expect(await refusal(['balance', '--min-days', bad])).toEqual(
        usage(`--min-days "${bad}" is not a number of days`, 'such as --min-days 7 or --min-days 2.5'),
      );
    }
  });

  it('ledger list: --limit and --offset as numbers, the filter with dates counted back from the clock', async () => {
    expect(await options(['ledger', 'list'])).toEqual({
      path: 'ledger list',
      options: { limit: 20, offset: 0, filter: { since: undefined, until: undefined, types: undefined } },
    });
    expect((await options(['ledger', 'list', '--limit', '500', '--offset', '3', '--type', 'usage', '--since', '7d'])).options).toEqual({
      limit: 500,
      offset: 3,
      filter: { since: new Date('2026-11-24T12:00:00Z'), until: undefined, types: ['usage'] },
    });
    expect(await refusal(['ledger', 'list', '--limit', '0'])).toEqual(
      usage('--limit "0" is not a whole number of at least 1', 'such as --limit 20'),
    );
    expect(await refusal(['ledger', 'list', '--offset', '-1'])).toEqual(
      usage('--offset "-1" is not a whole number', 'such as --offset 20'),
    );
    expect(await refusal(['ledger', 'list', '--since', '2026-12-01', '--until', '2026-11-01'])).toEqual(
      usage('--since (2026-12-01T00:00:00.000Z) must be before --until (2026-11-01T00:00:00.000Z)'),
    );
  });

  it('a --type that names no type (empty, or only commas) is refused, not read as no filter at all', async () => {
    const hint = 'such as --type usage or --type purchase,refund';
    expect(await refusal(['ledger', 'list', '--type', ''])).toEqual(usage('--type "" names no type', hint));
    expect(await refusal(['ledger', 'export', '--type', ','])).toEqual(usage('--type "," names no type', hint));
    expect(await refusal(['ledger', 'list', '--type', 'usage', '--type', ' , '])).toEqual(usage('--type " , " names no type', hint));
    expect((await options(['ledger', 'list', '--type', 'usage,', '--type', 'usage'])).options).toMatchObject({
      filter: { types: ['usage'] },
    });
  });

  it('ledger export: the format from --csv, --json or --ndjson, the order, --out, --bom, --all and --keep-going', async () => {
    expect((await options(['ledger', 'export'])).options).toEqual({
      format: 'csv',
      order: 'desc',
      out: undefined,
      bom: false,
      formulaGuard: true,
      filter: { since: undefined, until: undefined, types: undefined },
      all: false,
      keepGoing: false,
    });
    expect((await options(['--json', 'ledger', 'export', '--order', 'asc', '--out', 'x.json', '--until', '2026-11-01'])).options).toEqual({
      format: 'json',
      order: 'asc',
      out: 'x.json',
      bom: false,
      formulaGuard: true,
      filter: { since: undefined, until: new Date('2026-11-01T00:00:00Z'), types: undefined },
      all: false,
      keepGoing: false,
    });
    expect((await options(['ledger', 'export', '--all', '--keep-going'])).options).toMatchObject({ all: true, keepGoing: true });
    expect((await options(['ledger', 'export', '--ndjson'])).options).toMatchObject({ format: 'ndjson' });
    expect((await options(['ledger', 'export', '--bom'])).options).toMatchObject({ format: 'csv', bom: true });
    expect(await refusal(['ledger', 'export', '--csv', '--ndjson'])).toEqual(usage('choose one format, not --csv and --ndjson'));
    expect(await refusal(['--json', 'ledger', 'export', '--bom'])).toEqual(usage('--bom applies to CSV only'));
    expect((await options(['ledger', 'export', '--no-formula-guard'])).options).toMatchObject({ format: 'csv', formulaGuard: false });
    expect(await refusal(['ledger', 'export', '--json', '--no-formula-guard'])).toEqual(
      usage('--no-formula-guard applies to CSV only', 'JSON and NDJSON carry text exactly as the provider sent it'),
    );
    expect(await refusal(['ledger', 'export', '--keep-going'])).toEqual(
      usage(
        '--keep-going goes with --all',
        'it writes the profiles that could be read when another fails: tally ledger export --all --keep-going',
      ),
    );
    expect(await refusal(['ledger', 'export', '--order', 'up'])).toEqual(
      usage("option '--order <order>' argument 'up' is invalid. Allowed choices are desc, asc.", 'run `tally --help` for usage'),
    );
  });

  it('reconcile: the modes, the tolerance as an exact amount, and the combinations that make no sense', async () => {
    expect((await options(['reconcile'])).options).toEqual({
      all: false,
      file: undefined,
      checkpoint: false,
      resetCheckpoint: false,
      full: false,
      tolerance: Decimal.ZERO,
      since: undefined,
      until: undefined,
    });
    const { options: o } = await options(['reconcile', '--checkpoint', '--full', '--tolerance', '0.01']);
    expect(o).toMatchObject({ checkpoint: true, full: true });
    expect((o as { tolerance: Decimal }).tolerance.toString()).toBe('0.01');
    expect((await options(['reconcile', '--file', 'l.csv', '--since', '30d'])).options).toMatchObject({
      file: 'l.csv',
      since: new Date('2026-11-01T12:00:00Z'),
    });
    expect(await refusal(['reconcile', '--tolerance', 'x'])).toEqual(
      usage('--tolerance "x" is not an amount', 'give a decimal such as --tolerance 0.01'),
    );
    expect(await refusal(['reconcile', '--tolerance', '-1'])).toEqual(usage('--tolerance cannot be negative'));
    expect(await refusal(['reconcile', '--file', 'a', '--all'])).toEqual(usage('--file reconciles one export; it does not go with --all'));
    expect(await refusal(['reconcile', '--file', 'a', '--checkpoint'])).toEqual(
      usage('--checkpoint follows a live ledger; it does not go with --file'),
    );
    expect(await refusal(['reconcile', '--full'])).toEqual(
      usage('--full goes with --checkpoint', 'such as tally reconcile --checkpoint --full'),
    );
    expect(await refusal(['reconcile', '--reset-checkpoint'])).toEqual(
      usage('--reset-checkpoint goes with --checkpoint', 'such as tally reconcile --checkpoint --full'),
    );
    expect(await refusal(['reconcile', '--checkpoint', '--since', '7d'])).toEqual(
      usage('--checkpoint covers the whole ledger; it does not go with --since, --until or --month'),
    );
    expect(await refusal(['reconcile', '--checkpoint', '--month', '2026-11'])).toEqual(
      usage('--checkpoint covers the whole ledger; it does not go with --since, --until or --month'),
    );
  });

  it('usage: the period, the grouping and the dates', async () => {
    expect((await options(['usage', '--since', '30d', '--by', 'day', '--period', 'monthly'])).options).toEqual({
      since: new Date('2026-11-01T12:00:00Z'),
      until: undefined,
      period: 'monthly',
      by: 'day',
    });
    expect(await refusal(['usage', '--by', 'week'])).toEqual(
      usage("option '--by <group>' argument 'week' is invalid. Allowed choices are model, day, product.", 'run `tally --help` for usage'),
    );
    expect(await refusal(['usage', '--since', 'yesterday'])).toMatchObject({ code: 2 });
  });

  it('profiles add: the name, the provider and base URL from the global flags, the key source', async () => {
    expect((await options(['--provider', 'conduit', 'profiles', 'add', 'work', '--key-env', 'CONDUIT_KEY', '--default'])).options).toEqual({
      name: 'work',
      provider: 'conduit',
      baseUrl: undefined,
      keyStdin: false,
      keyEnv: 'CONDUIT_KEY',
      makeDefault: true,
      force: false,
      verify: true,
      thresholds: {},
    });
    expect(await refusal(['profiles', 'add', 'w', '--key-stdin', '--key-env', 'K'])).toEqual(
      usage('give --key-stdin or --key-env, not both'),
    );
    expect(await refusal(['profiles', 'add', 'w', '--key-env', '1KEY'])).toEqual(
      usage('--key-env "1KEY" is not an environment variable name', 'such as --key-env BYTESPIKE_API_KEY'),
    );
    expect(await refusal(['profiles', 'add'])).toEqual(usage("missing required argument 'name'", 'run `tally --help` for usage'));
  });

  it('profiles add: --force, --no-verify and thresholds, a min kept with the decimals given', async () => {
    const { options: o } = await options([
      'profiles',
      'add',
      'w',
      '--key-stdin',
      '--force',
      '--no-verify',
      '--min',
      '2.50',
      '--min-days',
      '14',
    ]);
    expect(o).toMatchObject({ name: 'w', force: true, verify: false, thresholds: { min: '2.50', minDays: 14 } });
    expect(await refusal(['profiles', 'add', 'w', '--min', 'none'])).toEqual(
      usage('--min "none" is not an amount', 'give a decimal such as --min 10 or --min 2.50'),
    );
    expect(await refusal(['profiles', 'add', 'w', '--min-days', '2.25'])).toEqual(
      usage('--min-days "2.25" is not a number of days up to 36500, to a tenth'),
    );
  });

  it('profiles show: the name', async () => {
    expect(await options(['profiles', 'show', 'work'])).toEqual({ path: 'profiles show', options: { name: 'work' } });
    expect(await refusal(['profiles', 'show'])).toEqual(usage("missing required argument 'name'", 'run `tally --help` for usage'));
  });

  it('profiles rename: the old name and the new', async () => {
    expect(await options(['profiles', 'rename', 'a', 'b'])).toEqual({ path: 'profiles rename', options: { from: 'a', to: 'b' } });
    expect(await refusal(['profiles', 'rename', 'a'])).toEqual(usage("missing required argument 'new'", 'run `tally --help` for usage'));
  });

  it('profiles set: the fields to change, none clearing a threshold, and something to change', async () => {
    expect((await options(['--base-url', 'https://x.example', 'profiles', 'set', 'w'])).options).toEqual({
      name: 'w',
      provider: undefined,
      baseUrl: 'https://x.example',
      keyStdin: false,
      keyEnv: undefined,
      verify: true,
      thresholds: {},
    });
    expect((await options(['profiles', 'set', 'w', '--min', 'none', '--min-days', '7', '--no-verify'])).options).toMatchObject({
      verify: false,
      thresholds: { min: null, minDays: 7 },
    });
    expect((await options(['profiles', 'set', 'w', '--min-days', 'none'])).options).toMatchObject({ thresholds: { minDays: null } });
    expect(await refusal(['profiles', 'set', 'w'])).toEqual(
      usage(
        'profiles set w changes nothing',
        'give --base-url <url>, --key-stdin, --key-env <VAR>, --min <amount> or --min-days <n> (none clears a threshold)',
      ),
    );
    expect(await refusal(['profiles', 'set', 'w', '--key-stdin', '--key-env', 'K'])).toEqual(
      usage('give --key-stdin or --key-env, not both'),
    );
    expect(await refusal(['profiles', 'set', 'w', '--min', 'lots'])).toEqual(
      usage('--min "lots" is not an amount', 'give a decimal such as --min 10 or --min 2.50, or none to clear it'),
    );
  });

  it('profiles remove (rm) and use: the name', async () => {
    expect(await options(['profiles', 'remove', 'old'])).toEqual({ path: 'profiles remove', options: { name: 'old' } });
    expect(await options(['profiles', 'rm', 'old'])).toEqual({ path: 'profiles remove', options: { name: 'old' } });
    expect(await options(['profiles', 'use', 'work'])).toEqual({ path: 'profiles use', options: { name: 'work' } });
  });

  it('checkout: the pack and --open', async () => {
    expect((await options(['checkout', 'growth', '--open'])).options).toEqual({ pack: 'growth', open: true });
    expect((await options(['checkout', 'starter'])).options).toEqual({ pack: 'starter', open: false });
  });

  it('completion: one of three shells', async () => {
    expect((await options(['completion', 'fish'])).options).toEqual({ shell: 'fish' });
    expect(await refusal(['completion', 'tcsh'])).toEqual(
      usage(
        "command-argument value 'tcsh' is invalid for argument 'shell'. Allowed choices are bash, zsh, fish.",
        'run `tally --help` for usage',
      ),
    );
  });

  it('help: the words of a command or a topic', async () => {
    expect((await options(['help', 'ledger', 'export'])).options).toEqual({ topic: ['ledger', 'export'] });
    expect((await options(['help'])).options).toEqual({ topic: [] });
  });

  it('sandbox: port, seed and entries as numbers; faults checked before anything starts', async () => {
    expect((await options(['sandbox'])).options).toEqual({ port: 4010, seed: 1, entries: 250, faults: undefined });
    expect((await options(['sandbox', '--port', '0', '--seed', '7', '--entries', '1000', '--faults', '503*2'])).options).toEqual({
      port: 0,
      seed: 7,
      entries: 1000,
      faults: '503*2',
    });
    expect(await refusal(['sandbox', '--port', '70000'])).toEqual(usage('--port "70000" is not a whole number from 0 to 65535'));
    expect(await refusal(['sandbox', '--faults', 'nonsense'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^tally: --faults: /),
    });
  });

  it('refuses a bad global flag before any command parses', async () => {
    expect(await refusal(['--timeout', '0', 'balance'])).toEqual(
      usage('--timeout "0" is not a number of seconds', 'give a number above 0, such as --timeout 30'),
    );
  });
});

describe('only the command asked for is loaded', () => {
  it.each([
    [['balance'], 'balance'],
    [['--json', 'balance', '--all'], 'balance'],
    [['-p', 'balance', 'ledger', 'list'], 'ledger'],
    [['--profile', 'reconcile', 'usage'], 'usage'],
    [['--profile=balance', 'usage'], 'usage'],
    [['-qp', 'balance', 'ledger', 'export'], 'ledger'],
    [['-pwork', 'account'], 'account'],
    [['--tz', 'UTC', '--timeout', '5', '--retries', '1', '--response-limit', '9', '--base-url', 'u', '--provider', 'x', 'packs'], 'packs'],
    [['--', 'demo'], 'demo'],
    [['--help'], undefined],
    [[], undefined],
  ])('the command word of %j is %s', async (argv, word) => {
    expect(commandWord(await buildProgram(), argv)).toBe(word);
  });

  it('lists each command in the root help as its spec makes it, though the root help loads no spec', async () => {
    const program = await buildProgram();
    const help = program.createHelp();
    const fromSpecs = program.commands.map((c) => [c.name(), help.subcommandTerm(c), c.description()]);
    expect(COMMANDS.map((c) => [c.name, c.term, c.summary])).toEqual(fromSpecs);
  });

  it('a profile named like a command is not taken for the command', async () => {
    expect(await options(['-p', 'balance', 'ledger', 'list', '--limit', '2'])).toMatchObject({
      path: 'ledger list',
      options: { limit: 2 },
    });
    expect(await options(['-qp', 'balance', 'ledger', 'export'])).toMatchObject({ path: 'ledger export' });
  });

  it('a word that is no command still gets a suggestion from every command, in two lines like every error', async () => {
    expect(await refusal(['balanse'])).toEqual({
      code: 2,
      stderr: "tally: unknown command 'balanse'\n  did you mean balance? (`tally --help` for usage)\n",
    });
    expect(await refusal(['ledger', 'exprot'])).toEqual({
      code: 2,
      stderr: "tally: unknown command 'exprot'\n  did you mean export? (`tally --help` for usage)\n",
    });
    expect(await refusal(['ledger', 'list', '--sinc', '7d'])).toEqual({
      code: 2,
      stderr: "tally: unknown option '--sinc'\n  did you mean --since? (`tally --help` for usage)\n",
    });
    expect(await refusal(['ledger', 'list', '--zzz'])).toEqual({
      code: 2,
      stderr: "tally: unknown option '--zzz'\n  run `tally --help` for usage\n",
    });
  });
});
