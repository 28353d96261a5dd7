// Runs the built binary in a real pseudo-terminal (node-pty) of a given size, as a user at a terminal would:
// stdin, stdout and stderr are the terminal, and Ctrl-C is the byte 0x03 typed into it.
import { spawn, type IPty } from 'node-pty';
import { BIN, runEnv, waitFor, type RunOptions } from './tally.js';

export interface PtyRun {
  /** Everything the terminal has shown so far (stdout and stderr interleaved, as on screen). */
  output(): string;
  /** The output with colour and cursor sequences removed and CRLF as LF. */
  text(): string;
  /** Types into the terminal: `'\x03'` is Ctrl-C. */
  write(data: string): void;
  /** Resolves once the shown text matches. */
  waitForText(pattern: RegExp | string, timeoutMs?: number): Promise<void>;
  /** The exit code (128 + n for a signal n), once tally has exited. */
  exited: Promise<{ exitCode: number; signal: number | undefined }>;
  pid: number;
  kill(signal?: string): void;
}

export interface PtyOptions extends RunOptions {
  columns?: number;
  rows?: number;
}

// eslint-disable-next-line no-control-regex -- escape sequences are what is being removed
const ESCAPES = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][0-9A-B]/g;

/** Removes colour and cursor sequences and turns the terminal's CRLF into LF. */
export function plain(screen: string): string {
  return screen.replace(ESCAPES, '').replace(/\r\n/g, '\n');
}

export function tallyInPty(args: string[], options: PtyOptions = {}): PtyRun {
  const env = runEnv({ ...options, env: { COLUMNS: undefined, ...options.env } });
  const defined = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<string, string>;
  const child: IPty = spawn(process.execPath, [BIN, ...args], {
    name: 'xterm-256color',
    cols: options.columns ?? 80,
    rows: options.rows ?? 30,
    cwd: process.cwd(),
    env: { TERM: 'xterm-256color', ...defined },
  });
  let screen = '';
  child.onData((d) => {
    screen += d;
  });
  const exited = new Promise<{ exitCode: number; signal: number | undefined }>((resolve) => {
    child.onExit(({ exitCode, signal }) => {
      // node-pty reports a death by signal as signal n with exit code 0: give it the shell's 128 + n
      resolve({ exitCode: signal ? 128 + signal : exitCode, signal: signal || undefined });
    });
  });
  const timeout = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 25_000);
  void exited.then(() => clearTimeout(timeout));
  return {
    output: () => screen,
    text: () => plain(screen),
    write: (data) => child.write(data),
    waitForText: (pattern, timeoutMs) =>
      waitFor(
        `the terminal to show ${String(pattern)}; it shows ${JSON.stringify(plain(screen).slice(-400))}`,
        () => (typeof pattern === 'string' ? plain(screen).includes(pattern) : pattern.test(plain(screen))),
        timeoutMs,
      ),
    exited,
    pid: child.pid,
    kill: (signal) => child.kill(signal),
  };
}
