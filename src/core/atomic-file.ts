// Writes a file atomically: a temp file in the same directory, renamed over the target only when complete.
import { accessSync, closeSync, constants, fdatasync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from './errors.js';

/** Bytes written between flushes to disk started while writing, so the flush at commit has little left. */
const FLUSH_EVERY = 4 << 20;

export class AtomicFile {
  private fd: number | undefined;
  private unflushed = 0;
  private flushing = false;
  readonly tempPath: string;
  readonly path: string;

  /** Checks the target and creates the temp file; fails with exit 2 before any request is made. */
  constructor(target: string, label = `--out ${target}`) {
    this.path = resolve(target);
    const dir = dirname(this.path);
    let dirStat: ReturnType<typeof statSync>;
    try {
      dirStat = statSync(dir);
    } catch {
      throw new UsageError(`${label}: directory ${dir} does not exist`, 'create it first, or pick another path');
    }
    if (!dirStat.isDirectory()) throw new UsageError(`${label}: ${dir} is not a directory`);
    try {
      if (statSync(this.path).isDirectory()) throw new UsageError(`${label} is a directory`, 'give a file name');
    } catch (error) {
      if (error instanceof UsageError) throw error;
    }
    try {
      accessSync(dir, constants.W_OK);
    } catch {
      throw new UsageError(`${label}: cannot write in ${dir} (permission denied)`, 'pick a directory you can write to');
    }
    this.tempPath = join(dir, `.${basename(this.path)}.tally-${process.pid}-${Date.now().toString(36)}.tmp`);
    try {
      this.fd = openSync(this.tempPath, 'wx', 0o644);
    } catch (error) {
      throw new UsageError(`${label}: cannot create a file in ${dir} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }

  write(text: string): void {
    if (this.fd === undefined) throw new Error('write after close');
    // encoded once; writeSync may write less than all of it, so the rest is written until done
    const buffer = Buffer.from(text, 'utf8');
    let offset = 0;
    while (offset < buffer.length) offset += writeSync(this.fd, buffer, offset);
    this.unflushed += buffer.length;
    if (this.unflushed >= FLUSH_EVERY && !this.flushing) {
      // the disk writes what has been written so far while the export goes on (the fsync at commit
      // still makes the whole file durable before the rename); a failure here shows again at commit
      this.unflushed = 0;
      this.flushing = true;
      fdatasync(this.fd, () => {
        this.flushing = false;
      });
    }
  }

  /** Flushes, closes and renames over the target: the target is only ever replaced by a complete file. */
  commit(): void {
    if (this.fd === undefined) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = undefined;
    renameSync(this.tempPath, this.path);
  }

  /** Removes the temp file; the target is left as it was. Safe to call more than once. */
  abort(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // already closed
      }
      this.fd = undefined;
    }
    try {
      unlinkSync(this.tempPath);
    } catch {
      // already gone
    }
  }
}
