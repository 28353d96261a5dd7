// The one way tally writes a file: a regular file atomically (temp + rename), a FIFO or device directly, `-` as stdout.
import {
  accessSync,
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fdatasync,
  fsyncSync,
  lstatSync,
  openSync,
  readlinkSync,
  realpathSync,
  renameSync,
  type Stats,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { isatty } from 'node:tty';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError, WriteError } from './errors.js';

/** Bytes written between flushes to disk started while writing, so the flush at commit has little left. */
const FLUSH_EVERY = 4 << 20;
/** Random temp names tried before giving up: one is taken only if planted there (or by a 1 in 2^96 chance). */
const TEMP_NAME_ATTEMPTS = 8;
/** How often to look for a FIFO's reader while none has opened it. */
const FIFO_POLL_MS = 50;
/** A descriptor already open in some process, reached through procfs: written where it points, never replaced. */
const FD_LINK = /^\/(?:proc\/(self|thread-self|\d+)\/fd|dev\/fd)\/(\d+)$/;
const errnoOf = (error: unknown) => (error as NodeJS.ErrnoException).code;

/** Where a path given to `--out` leads, links followed. */
export type OutputTarget =
  | { kind: 'stdout' }
  /** A regular file, replaced atomically (its mode and owner kept), or a new path, created. */
  | { kind: 'file'; path: string; existing?: Stats }
  /** A FIFO (or a pipe behind /dev/fd/N): written as a stream, waiting for its reader. */
  | { kind: 'stream'; path: string }
  /** A character or block device, or an open descriptor's file: opened and written in place. */
  | { kind: 'device'; path: string };

/**
 * Follows the path's symlinks to what it names. A link to a regular file stays a link: the file it points to is
 * replaced. `/dev/stdout` and the like are standard output itself.
 */
export function resolveOutputTarget(target: string, label = `--out ${target}`): OutputTarget {
  if (target === '') throw new UsageError('--out needs a file name', 'give a path, or - for standard output');
  if (target === '-') return { kind: 'stdout' };
  let path = resolve(target);
  for (let hops = 0; hops <= 40; hops++) {
    const fdLink = FD_LINK.exec(path);
    if (fdLink) {
      const self = fdLink[1] === undefined || fdLink[1] === 'self' || fdLink[1] === 'thread-self' || fdLink[1] === String(process.pid);
      if (self && fdLink[2] === '1') return { kind: 'stdout' };
      let stat: Stats;
      try {
        stat = statSync(path);
      } catch {
        throw new UsageError(`${label} is not an open file`);
      }
      return stat.isFIFO() || stat.isSocket() ? { kind: 'stream', path } : { kind: 'device', path };
    }
    let stat: Stats;
    try {
      stat = lstatSync(path);
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return { kind: 'file', path };
      if (errnoOf(error) === 'ENOTDIR') throw new UsageError(`${label}: ${dirname(path)} is not a directory`);
      throw new UsageError(`${label}: cannot look at ${path} (${errnoOf(error) ?? 'error'})`);
    }
    if (stat.isSymbolicLink()) {
      try {
        // a relative link is relative to the directory the link is really in
        path = resolve(realpathSync(dirname(path)), readlinkSync(path));
      } catch (error) {
        throw new UsageError(`${label}: cannot follow the link ${path} (${errnoOf(error) ?? 'error'})`);
      }
      continue;
    }
    if (stat.isFile()) return { kind: 'file', path, existing: stat };
    if (stat.isDirectory()) throw new UsageError(`${label} is a directory`, 'give a file name');
    if (stat.isFIFO()) return { kind: 'stream', path };
    if (stat.isSocket()) throw new UsageError(`${label} is a socket`, 'give a file, a FIFO or a device');
    return { kind: 'device', path };
  }
  throw new UsageError(`${label}: too many symbolic links`);
}

/** Whether a target is a terminal: standard output on one, or a terminal named as a device (/dev/tty, /dev/fd/2). */
export function isTerminal(where: OutputTarget, stdoutIsTTY: boolean): boolean {
  if (where.kind === 'stdout') return stdoutIsTTY;
  if (where.kind !== 'device') return false;
  let fd: number | undefined;
  try {
    fd = openSync(where.path, constants.O_WRONLY | constants.O_NOCTTY | constants.O_NONBLOCK);
    return isatty(fd);
  } catch {
    // what cannot be opened is no terminal; opening it to write says why, in its own words
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** What the commands write to: text in, then commit (complete) or abort (nothing left behind). */
export interface OutputFile {
  /** Takes the text (or bytes: a workbook); returns a promise, to be awaited before the next write, when the reader is behind. */
  write(text: string | Uint8Array): Promise<void> | undefined;
  /** Makes the output complete: renamed into place, or flushed to the reader. */
  commit(): Promise<void>;
  /** Removes what was written where it can (a temp file); the target is left as it was. Safe to call twice. */
  abort(): void;
}

/**
 * Opens `--out`'s target before any request, so a bad path costs nothing; undefined means standard output.
 * Only a FIFO takes time here: it waits for its reader, as a shell's `>` would.
 */
export async function openOutput(target: string, label = `--out ${target}`): Promise<OutputFile | undefined> {
  const where = resolveOutputTarget(target, label);
  if (where.kind === 'stdout') return undefined;
  if (where.kind === 'stream') return StreamFile.open(where.path, target, label);
  return new AtomicFile(target, label, where);
}

/**
 * An --out target's reader that leaves before the end got part of the ledger: unlike `| head` on standard
 * output, where stopping early is the reader's choice, a named target was asked for the whole export.
 */
const READER_LEFT = 'its reader closed it before the export was complete';

/** Writes the whole buffer (writeSync may write less than asked), turning a failure into one line. */
function writeAll(fd: number, buffer: Buffer, name: string): void {
  let offset = 0;
  try {
    while (offset < buffer.length) offset += writeSync(fd, buffer, offset);
  } catch (error) {
    throw new WriteError(name, errnoOf(error) === 'EPIPE' ? READER_LEFT : error);
  }
}

/** A directory is synced after a rename so that the rename itself survives a crash. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // some file systems cannot sync a directory; the rename is done either way
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A regular file written through a temp file in its directory, or a device written in place. */
export class AtomicFile implements OutputFile {
  private fd: number | undefined;
  private unflushed = 0;
  private flushing = false;
  /** The temp file, or undefined when the target is a device written in place. */
  readonly tempPath: string | undefined;
  /** The file replaced on commit (links followed), or the device written. */
  readonly path: string;
  /** The target as the user gave it, for messages. */
  private readonly name: string;

  /**
   * Checks the target and creates the temp file (or opens the device); fails with exit 2 before any request is made.
   * `mode` is the file's mode (default: the mode of the file replaced, or 0644 for a new one).
   */
  constructor(
    target: string,
    label = `--out ${target}`,
    where: OutputTarget = resolveOutputTarget(target, label),
    options: { mode?: number } = {},
  ) {
    this.name = target;
    if (where.kind === 'stdout' || where.kind === 'stream') throw new Error(`${label} needs openOutput`);
    this.path = where.path;
    if (where.kind === 'device') {
      this.tempPath = undefined;
      try {
        // O_APPEND: a file behind /dev/fd/N is added to, as its opener meant; devices ignore it
        this.fd = openSync(this.path, constants.O_WRONLY | constants.O_APPEND | constants.O_NOCTTY);
      } catch (error) {
        throw new UsageError(`${label}: cannot open ${this.path} (${errnoOf(error) ?? 'error'})`);
      }
      return;
    }
    const dir = dirname(this.path);
    let dirStat: Stats;
    try {
      dirStat = statSync(dir);
    } catch {
      throw new UsageError(`${label}: directory ${dir} does not exist`, 'create it first, or pick another path');
    }
    if (!dirStat.isDirectory()) throw new UsageError(`${label}: ${dir} is not a directory`);
    try {
      accessSync(dir, constants.W_OK);
    } catch {
      throw new UsageError(`${label}: cannot write in ${dir} (permission denied)`, 'pick a directory you can write to');
    }
    // O_EXCL ('wx') never opens what is there already, so a file or symlink planted at the name is never written
    // through; the name is 96 random bits, so none can be planted ahead of it, and one taken anyway is passed over
    let temp: { path: string; fd: number } | undefined;
    let failure: unknown;
    for (let attempt = 0; attempt < TEMP_NAME_ATTEMPTS && !temp; attempt++) {
      const path = join(dir, `.${basename(this.path)}.tally-${randomBytes(12).toString('base64url')}.tmp`);
      try {
        temp = { path, fd: openSync(path, 'wx', options.mode ?? 0o644) };
      } catch (error) {
        failure = error;
        if (errnoOf(error) !== 'EEXIST') break;
      }
    }
    if (!temp) throw new UsageError(`${label}: cannot create a file in ${dir} (${errnoOf(failure) ?? 'error'})`);
    this.tempPath = temp.path;
    this.fd = temp.fd;
    const existing = where.existing;
    if (options.mode !== undefined) {
      // a mode asked for (a config file's 0600) whatever the file had, and whatever the umask left of it
      fchmodSync(this.fd, options.mode);
    } else if (existing) {
      // the replacement is the same file to whoever reads it: a 0600 export stays 0600, root keeps the owner
      try {
        fchmodSync(this.fd, existing.mode & 0o7777);
        if (existing.uid !== process.getuid?.() || existing.gid !== process.getgid?.()) fchownSync(this.fd, existing.uid, existing.gid);
      } catch {
        // only root may give a file away; the mode is set before this can fail
      }
    }
  }

  write(text: string | Uint8Array): undefined {
    if (this.fd === undefined) throw new Error('write after close');
    // encoded once; a failure removes the temp file, so no partial file is ever left
    const buffer = typeof text === 'string' ? Buffer.from(text, 'utf8') : Buffer.from(text.buffer, text.byteOffset, text.byteLength);
    try {
      writeAll(this.fd, buffer, this.name);
    } catch (error) {
      this.abort();
      throw error;
    }
    this.unflushed += buffer.length;
    if (this.tempPath !== undefined && this.unflushed >= FLUSH_EVERY && !this.flushing) {
      // the disk writes what has been written so far while the export goes on (the fsync at commit
      // still makes the whole file durable before the rename); a failure here shows again at commit
      this.unflushed = 0;
      this.flushing = true;
      fdatasync(this.fd, () => {
        this.flushing = false;
      });
    }
    return undefined;
  }

  /** Flushes, closes and renames over the target: the target is only ever replaced by a complete file. */
  async commit(): Promise<void> {
    this.commitSync();
  }

  /** commit(), for a caller that cannot wait (a checkpoint, the config): its failure is thrown here, not lost in a promise. */
  commitSync(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    try {
      if (this.tempPath === undefined) {
        this.fd = undefined;
        closeSync(fd);
        return;
      }
      fsyncSync(fd);
      this.fd = undefined;
      closeSync(fd);
      renameSync(this.tempPath, this.path);
    } catch (error) {
      this.abort();
      throw new WriteError(this.name, error);
    }
    syncDirectory(dirname(this.path));
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
    if (this.tempPath === undefined) return;
    try {
      unlinkSync(this.tempPath);
    } catch {
      // already gone
    }
  }
}

/**
 * A FIFO, written without blocking the process: opened non-blocking once a reader has it open, then written
 * as a stream with backpressure, so a signal is still answered while the reader is slow or absent.
 */
class StreamFile implements OutputFile {
  private failure: Error | undefined;
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    name: string,
  ) {
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.failure ??= new WriteError(name, error.code === 'EPIPE' ? READER_LEFT : error);
    });
  }

  static async open(path: string, name: string, label: string): Promise<StreamFile> {
    // a blocking open would hold a thread until a reader comes, and the process could not exit meanwhile
    for (;;) {
      try {
        const fd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
        const { Socket } = await import('node:net');
        return new StreamFile(new Socket({ fd, readable: false, writable: true }), name);
      } catch (error) {
        if (errnoOf(error) !== 'ENXIO') throw new UsageError(`${label}: cannot open ${path} (${errnoOf(error) ?? 'error'})`);
      }
      await new Promise((resolve) => setTimeout(resolve, FIFO_POLL_MS));
    }
  }

  write(text: string | Uint8Array): Promise<void> | undefined {
    if (this.failure) throw this.failure;
    if (this.socket.write(text)) return undefined;
    return this.settled('drain');
  }

  async commit(): Promise<void> {
    if (this.failure) throw this.failure;
    this.closed = true;
    this.socket.end();
    await this.settled('finish');
  }

  abort(): void {
    if (this.closed && this.socket.destroyed) return;
    this.closed = true;
    this.socket.destroy();
  }

  /** Waits for the event, or rejects with the write's failure. */
  private settled(event: 'drain' | 'finish'): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = () => {
        this.socket.off('error', failed);
        resolve();
      };
      const failed = () => {
        this.socket.off(event, done);
        reject(this.failure);
      };
      this.socket.once(event, done);
      this.socket.once('error', failed);
    });
  }
}
