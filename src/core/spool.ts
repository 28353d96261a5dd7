// A temp file of lines written in one order and read back in reverse, in constant memory.
import { closeSync, fstatSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WriteError } from './errors.js';

const CHUNK = 1 << 16;

export class ReverseSpool {
  private readonly dir: string;
  private readonly path: string;
  private readonly fd: number;
  private pending: string[] = [];
  private pendingBytes = 0;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'tally-spool-'));
    this.path = join(this.dir, 'lines');
    this.fd = openSync(this.path, 'w+', 0o600);
    // the open descriptor is all the spool needs: with no name left, no way out (not even SIGKILL) leaves it behind
    try {
      rmSync(this.dir, { recursive: true, force: true });
    } catch {
      // a system that cannot remove an open file: dispose() removes it
    }
  }

  push(line: string): void {
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (this.pendingBytes > CHUNK) this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const buffer = Buffer.from(`${this.pending.join('\n')}\n`, 'utf8');
    let offset = 0;
    try {
      while (offset < buffer.length) offset += writeSync(this.fd, buffer, offset);
    } catch (error) {
      throw new WriteError(`a temp file in ${tmpdir()}`, error);
    }
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** The lines, last pushed first. */
  *reversed(): Generator<string> {
    this.flush();
    let position = fstatSync(this.fd).size;
    const chunk = Buffer.alloc(CHUNK);
    let carry = Buffer.alloc(0);
    while (position > 0) {
      const length = Math.min(CHUNK, position);
      position -= length;
      readSync(this.fd, chunk, 0, length, position);
      const buffer = Buffer.concat([chunk.subarray(0, length), carry]);
      let end = buffer.length;
      for (let i = buffer.length - 1; i >= 0; i--) {
        if (buffer[i] === 0x0a) {
          if (i + 1 < end) yield buffer.toString('utf8', i + 1, end);
          end = i;
        }
      }
      // the part before the first newline continues in the previous chunk
      carry = Buffer.from(buffer.subarray(0, end));
    }
    if (carry.length > 0) yield carry.toString('utf8');
  }

  dispose(): void {
    try {
      closeSync(this.fd);
    } catch {
      // closed already
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
