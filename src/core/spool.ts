// A temp file of lines written in one order and read back in reverse (or as written), in constant memory.
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
    try {
      // O_EXCL ('wx+'): a file or symlink found in the new directory is never written through
      this.fd = openSync(this.path, 'wx+', 0o600);
    } catch (error) {
      rmSync(this.dir, { recursive: true, force: true });
      throw new WriteError(`a temp file in ${tmpdir()}`, error);
    }
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

  /** The lines as pushed, first first: an --all export holds each profile's read until every one is read. */
  *inOrder(): Generator<string> {
    this.flush();
    const size = fstatSync(this.fd).size;
    const chunk = Buffer.alloc(CHUNK);
    let position = 0;
    let carry = Buffer.alloc(0);
    while (position < size) {
      const length = readSync(this.fd, chunk, 0, Math.min(CHUNK, size - position), position);
      if (length === 0) break;
      position += length;
      const buffer = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, length)]) : chunk.subarray(0, length);
      let start = 0;
      for (let i = buffer.indexOf(0x0a); i >= 0; i = buffer.indexOf(0x0a, start)) {
        if (i > start) yield buffer.toString('utf8', start, i);
        start = i + 1;
      }
      // the part after the last newline continues in the next chunk
      carry = Buffer.from(buffer.subarray(start));
    }
    if (carry.length > 0) yield carry.toString('utf8');
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
