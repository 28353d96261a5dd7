// Asks for a secret on the terminal without echoing it.

import { InterruptedError } from '../../core/errors.js';
import type { IOStreams } from '../../core/io.js';

export function readHiddenLine(io: IOStreams, prompt: string): Promise<string> {
  const stdin = io.stdin;
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (fn: () => void) => {
      stdin.setRawMode?.(false);
      stdin.pause();
      stdin.off('data', onData);
      io.err('\n');
      fn();
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        // Ctrl-D ends the input, as it does at a shell's prompt (raw mode would otherwise swallow it)
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish(() => resolve(value));
        if (ch === '\u0003') return finish(() => reject(new InterruptedError()));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    // echo goes off before the prompt shows, so nothing typed after it can be echoed
    stdin.setRawMode?.(true);
    io.err(prompt);
    stdin.resume();
    stdin.on('data', onData);
  });
}
