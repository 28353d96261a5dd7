// Where output goes and how it looks: TTY detection, colour decision, width. One place for all of it.
import { once } from 'node:events';
import { isatty } from 'node:tty';
import type { Env } from './config.js';
import { ReaderGoneError, WriteError } from './errors.js';

/** A stream output goes to: process.stdout or stderr, or a test's buffer. */
export type OutputStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export interface IOStreams {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** setRawMode exists on a terminal only: the key prompt turns echo off with it. */
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
  /** Colour on stdout (tables). */
  readonly color: boolean;
  /** Colour on stderr (messages). */
  readonly colorStderr: boolean;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  readonly stdinIsTTY: boolean;
  /** Width to fit tables in on a TTY. */
  readonly columns: number;
  /** The width of the terminal stderr is on; 0 when it reports none (a 0x0 pty). */
  readonly stderrColumns: number;
  /** Writes to stdout; false when it is full and the writer should wait for drained(). */
  out(text: string): boolean;
  /** Resolves when stdout has taken what it was given. */
  drained(): Promise<void>;
  err(text: string): void;
}

/**
 * Colour is decided once, per stream. --no-color (this run's own word) wins; then FORCE_COLOR, present and
 * not empty, turns it on even off a TTY and over NO_COLOR (force-color.org: a standing NO_COLOR in a profile
 * gives way to a FORCE_COLOR set for one command), except FORCE_COLOR=0 or false, which turn it off (as Node
 * and chalk read them); then NO_COLOR turns it off; CLICOLOR_FORCE turns it on; CLICOLOR=0 and TERM=dumb off;
 * otherwise it follows the TTY.
 */
export function colorEnabled(isTTY: boolean, env: Env, noColorFlag: boolean): boolean {
  if (noColorFlag) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.CLICOLOR_FORCE !== undefined && env.CLICOLOR_FORCE !== '' && env.CLICOLOR_FORCE !== '0') return true;
  if (env.CLICOLOR === '0') return false;
  if (env.TERM === 'dumb') return false;
  return isTTY;
}

/**
 * Writes to stdout. A file or device takes the write at once and fails here (a full disk, /dev/full); a pipe
 * fails later, on stdout's 'error' event, which cli.ts turns into the same message.
 */
export function writeStdout(text: string): boolean {
  try {
    return process.stdout.write(text);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') throw new ReaderGoneError();
    throw new WriteError('standard output', error);
  }
}

export function systemIO(env: Env, noColorFlag: boolean): IOStreams {
  const stdoutIsTTY = process.stdout.isTTY === true;
  const stderrIsTTY = process.stderr.isTTY === true;
  const envColumns = Number.parseInt(env.COLUMNS ?? '', 10);
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    // process.stdin builds a stream on first touch: only commands that read it pay for it
    get stdin() {
      return process.stdin;
    },
    color: colorEnabled(stdoutIsTTY, env, noColorFlag),
    colorStderr: colorEnabled(stderrIsTTY, env, noColorFlag),
    stdoutIsTTY,
    stderrIsTTY,
    stdinIsTTY: isatty(0),
    columns: envColumns > 0 ? envColumns : (process.stdout.columns ?? 80),
    get stderrColumns() {
      return process.stderr.columns ?? 0;
    },
    out: (text) => writeStdout(text),
    drained: () => once(process.stdout, 'drain').then(() => undefined),
    err: (text) => {
      process.stderr.write(text);
    },
  };
}

/** Line breaks and tabs (one cell, one line), then every other C0 and C1 control character and DEL. */
const BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]+/g;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * Remote text as it may meet a terminal: line breaks and tabs become one space and every other control
 * character is dropped, so nothing a provider sends can start an escape sequence (OSC 52 writing the
 * clipboard, ESC[2J clearing the screen) or forge a line of output. The one place this is done: tables,
 * tab-separated output and error messages all come through here. Exports keep the text as sent.
 */
export function terminalSafe(text: string): string {
  if (!UNSAFE.test(text)) return text;
  return text.replace(BREAKS, ' ').replace(CONTROLS, '');
}

/** Longest stretch of a provider's text echoed in a message. */
export const ECHO_LIMIT = 300;

/** Remote text cut to `limit` characters for a message, saying so and how large the whole was. */
export function clipEcho(text: string, whole = `${text.length} characters in all`, limit = ECHO_LIMIT): string {
  if (text.length <= limit) return text;
  // never end on the first half of a surrogate pair
  const end = /[\uD800-\uDBFF]/.test(text.charAt(limit - 1)) ? limit - 1 : limit;
  return `${text.slice(0, end)}… (cut; ${whole})`;
}
