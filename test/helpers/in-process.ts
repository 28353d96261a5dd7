// Runs a tally command line in this process, through the same parsing and error mapping as the binary,
// with the io twin: exit code, stdout and stderr without spawning a process.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execute, failure, parseCommandLine, type Parsed } from '../../src/cli.js';
import { testIO, type TestIOOptions } from './io.js';
import { type RunOptions, runEnv } from './tally.js';

export interface InProcessOptions extends TestIOOptions {
  env?: Record<string, string | undefined>;
  now?: Date;
}

const baseEnv = (env: Record<string, string | undefined> = {}) => ({
  TALLY_CONFIG_DIR: join(tmpdir(), 'tally-test-no-config'),
  NO_COLOR: '1',
  ...env,
});

/** The environment, the io twin and the clock a command line runs with in process. */
function invocation(options: InProcessOptions) {
  const env = baseEnv(options.env);
  const io = testIO({ ...options, env });
  const now = options.now;
  return { env, io, now: now ? () => now : undefined };
}

export async function runInProcess(argv: string[], options: InProcessOptions = {}) {
  const { env, io, now } = invocation(options);
  const code = await execute(argv, { env, io, now });
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

/** The command and typed Options a command line parses to; a usage error rejects with its exit code and text. */
export async function parseArgs(argv: string[], options: InProcessOptions = {}): Promise<Parsed> {
  return parseCommandLine(argv, invocation(options));
}

/** What a command line that does not parse says: its exit code and stderr. Nothing runs. */
export async function parseFailure(argv: string[], options: InProcessOptions = {}): Promise<{ code: number; stderr: string }> {
  const run = invocation(options);
  const { io } = run;
  try {
    await parseCommandLine(argv, run);
  } catch (error) {
    return { code: failure(error, io, false), stderr: io.stderrText() };
  }
  throw new Error(`${argv.join(' ')} parsed`);
}

function setZone(zone: string | undefined): void {
  if (process.env.TZ === zone) return;
  // assigning undefined would set the zone "undefined"
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
}

/** What tally() in test/helpers/tally.ts returns, as far as tests of output and exit codes read it. */
export interface InProcessResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * The in-process twin of tally() (test/helpers/tally.ts): the same arguments, environment (nothing
 * inherited, the same defaults) and result fields, without spawning node — for tests of what a command
 * prints and exits with; `now` pins the clock (what `7d` and the burn window count back from). Tests of the process (signals, pipes, a full disk, startup) use the binary.
 */
export async function tallyInProcess(args: string[], options: RunOptions & { now?: Date } = {}): Promise<InProcessResult> {
  const env = runEnv(options);
  const columns = Number.parseInt(env.COLUMNS ?? '', 10);
  const io = testIO({ env, stdin: options.input, columns: columns > 0 ? columns : 80 });
  // a zone given for the run is the process's while it runs (Node reads TZ again when it is set)
  const zone = process.env.TZ;
  setZone(env.TZ);
  let exitCode: number;
  try {
    const pinned = options.now;
    const run = execute(args, { env, io, now: pinned ? () => pinned : undefined });
    let timer: NodeJS.Timeout | undefined;
    // the binary would be killed at the timeout; in process the test fails there instead
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`tally ${args.join(' ')} ran past ${options.timeoutMs ?? 25_000} ms`)),
        options.timeoutMs ?? 25_000,
      );
    });
    try {
      exitCode = await Promise.race([run, timeout]);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    setZone(zone);
  }
  const strip = (text: string) => (options.stripFinalNewline === false ? text : text.replace(/\r?\n$/, ''));
  return { exitCode, stdout: strip(io.stdoutText()), stderr: strip(io.stderrText()) };
}
