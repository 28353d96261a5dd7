// The test twin of core/io: stdout and stderr into buffers, a chosen width and TTY flags, stdin from a string.
import { Readable, Writable } from 'node:stream';
import { colorEnabled, type IOStreams, type OutputStream } from '../../src/core/io.js';

export interface TestIOOptions {
  columns?: number;
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
  stdinIsTTY?: boolean;
  stdin?: string | Uint8Array;
  /** The environment colour is decided from (NO_COLOR, FORCE_COLOR); none means no colour. */
  env?: Record<string, string | undefined>;
}

export interface TestIO extends IOStreams {
  stdoutText(): string;
  stderrText(): string;
}

function buffer(isTTY: boolean, columns: number): { stream: OutputStream; text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  }) as OutputStream;
  stream.isTTY = isTTY;
  stream.columns = isTTY ? columns : undefined;
  if (isTTY) {
    // what a tty.WriteStream adds, as the escape sequences it would write (ora moves the cursor)
    const tty = stream as OutputStream & Record<string, (...a: number[]) => boolean>;
    tty.cursorTo = (x: number) => stream.write(`\x1b[${x + 1}G`);
    tty.moveCursor = (dx: number, dy: number) => stream.write(`${dy < 0 ? `\x1b[${-dy}A` : ''}${dx === 0 ? '' : `\x1b[${dx}C`}`);
    tty.clearLine = () => stream.write('\x1b[2K');
  }
  return { stream, text: () => chunks.join('') };
}

export function testIO(options: TestIOOptions = {}): TestIO {
  const columns = options.columns ?? 100;
  const out = buffer(options.stdoutIsTTY ?? false, columns);
  const err = buffer(options.stderrIsTTY ?? false, columns);
  const env = options.env ?? { NO_COLOR: '1' };
  const stdin = Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]);
  return {
    stdout: out.stream,
    stderr: err.stream,
    stdin,
    color: colorEnabled(options.stdoutIsTTY ?? false, env, false),
    colorStderr: colorEnabled(options.stderrIsTTY ?? false, env, false),
    stdoutIsTTY: options.stdoutIsTTY ?? false,
    stderrIsTTY: options.stderrIsTTY ?? false,
    stdinIsTTY: options.stdinIsTTY ?? false,
    columns,
    stderrColumns: options.stderrIsTTY ? columns : 0,
    out: (text) => out.stream.write(text),
    drained: async () => undefined,
    err: (text) => void err.stream.write(text),
    stdoutText: out.text,
    stderrText: err.text,
  };
}
