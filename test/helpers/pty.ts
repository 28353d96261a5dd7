// Runs the built binary in a real pseudo-terminal (node-pty) of a given size, as a user at a terminal would:
// stdin, stdout and stderr are the terminal, and Ctrl-C is the byte 0x03 typed into it.
import { spawn, type IPty } from 'node-pty';
import { BIN, runEnv, waitFor, type RunOptions } from './tally.js';

export interface PtyRun {
  /** Everything the terminal has shown so far (stdout and stderr interleaved, as on screen). */
  output(): string;
  /** The output with colour and cursor sequences removed and CRLF as LF. */
  text(): string;
  /** What the screen shows: the output played onto lines, so a spinner drawn and cleared leaves nothing. */
  screen(): string;
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
    screen: () => screenOf(screen),
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

/**
 * What the terminal shows once tally is done: its output played onto a screen of lines, so that a spinner
 * drawn and cleared on stderr (ora: cursor to column 1, erase the line) leaves nothing, as on a real one.
 */
export function screenOf(raw: string): string {
  const lines: string[][] = [[]];
  let row = 0;
  let col = 0;
  for (let i = 0; i < raw.length;) {
    const ch = raw[i] as string;
    if (ch === '\u001b') {
      // CSI: parameters, then one final byte; other escapes (OSC, charset) have nothing to show
      // eslint-disable-next-line no-control-regex -- escape sequences are what is being read
      const csi = /^\u001b\[([0-9;?]*)[ -/]*([@-~])/.exec(raw.slice(i, i + 32));
      // eslint-disable-next-line no-control-regex -- as above
      const other = /^\u001b(\][^\u0007]*\u0007|[()][0-9A-B]|.)/.exec(raw.slice(i));
      const match = csi ?? other;
      if (csi?.[2] === 'G') col = Math.max(0, Number(csi[1] || '1') - 1);
      if (csi?.[2] === 'K') {
        const line = lines[row] as string[];
        if (csi[1] === '2') line.length = 0;
        else if (csi[1] === '1') line.fill(' ', 0, col + 1);
        else line.length = Math.min(line.length, col);
      }
      i += match ? match[0].length : 1;
      continue;
    }
    const cp = raw.codePointAt(i) as number;
    const char = String.fromCodePoint(cp);
    i += char.length;
    if (char === '\r') col = 0;
    else if (char === '\n') {
      row += 1;
      col = 0;
      lines[row] ??= [];
    } else if (cp >= 0x20) {
      const line = lines[row] as string[];
      while (line.length < col) line.push(' ');
      line[col] = char;
      col += 1;
    }
  }
  return lines.map((l) => l.join('').trimEnd()).join('\n');
}
