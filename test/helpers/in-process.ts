// Runs a tally command line in this process, through the same parsing and error mapping as the binary,
// with the io twin: exit code, stdout and stderr without spawning a process.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execute, failure, parseCommandLine, type Parsed } from '../../src/cli.js';
import { testIO, type TestIOOptions } from './io.js';

export interface InProcessOptions extends TestIOOptions {
  env?: Record<string, string | undefined>;
  now?: Date;
}

const baseEnv = (env: Record<string, string | undefined> = {}) => ({
  TALLY_CONFIG_DIR: join(tmpdir(), 'tally-test-no-config'),
  NO_COLOR: '1',
  ...env,
});

export async function runInProcess(argv: string[], options: InProcessOptions = {}) {
  const env = baseEnv(options.env);
  const io = testIO({ ...options, env });
  const code = await execute(argv, { env, io, now: options.now ? () => options.now as Date : undefined });
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

/** The command and typed Options a command line parses to; a usage error rejects with its exit code and text. */
export async function parseArgs(argv: string[], options: InProcessOptions = {}): Promise<Parsed> {
  const env = baseEnv(options.env);
  const io = testIO({ ...options, env });
  return parseCommandLine(argv, { env, io, now: options.now ? () => options.now as Date : undefined });
}

/** What a command line that does not parse says: its exit code and stderr. Nothing runs. */
export async function parseFailure(argv: string[], options: InProcessOptions = {}): Promise<{ code: number; stderr: string }> {
  const env = baseEnv(options.env);
  const io = testIO({ ...options, env });
  try {
    await parseCommandLine(argv, { env, io, now: options.now ? () => options.now as Date : undefined });
  } catch (error) {
    return { code: failure(error, io, false), stderr: io.stderrText() };
  }
  throw new Error(`${argv.join(' ')} parsed`);
}
