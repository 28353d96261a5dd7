// Per-profile reconcile checkpoints in the config directory, written atomically, guarded by a lock file.
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { AtomicFile } from '../core/atomic-file.js';
import { UsageError } from '../core/errors.js';

/** The newest verified entry, and the running purchase sums a purchases-only ledger needs next time. */
export interface Checkpoint {
  id: string;
  createdAt: string;
  balanceAfter: string | null;
  unit: string;
  verifiedAt: string;
  /** conflux: Σ purchases and Σ consumption between them, over everything verified so far. */
  purchased?: string;
  consumedBetween?: string;
}

interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
}

/** A file-name-safe key: the profile name, or provider and base URL for a target without one. */
export function checkpointKey(profile: string | null, provider: string, baseUrl: string): string {
  if (profile) return `profile-${profile}`;
  const digest = createHash('sha256').update(`${provider} ${baseUrl}`).digest('hex').slice(0, 16);
  return `${provider}-${digest}`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class CheckpointStore {
  private readonly dir: string;
  readonly path: string;
  readonly lockPath: string;
  private locked = false;

  constructor(
    configDir: string,
    key: string,
    private readonly label: string,
  ) {
    this.dir = join(configDir, 'checkpoints');
    this.path = join(this.dir, `${key}.json`);
    this.lockPath = join(this.dir, `${key}.lock`);
  }

  /** Takes the lock, or exits 2 naming who holds it; a lock left by a process that is gone is taken over. */
  lock(now: Date): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(this.lockPath, 'wx', 0o600);
        const info: LockInfo = { pid: process.pid, host: hostname(), startedAt: now.toISOString() };
        writeSync(fd, JSON.stringify(info));
        closeSync(fd);
        this.locked = true;
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      let holder: LockInfo | undefined;
      try {
        holder = JSON.parse(readFileSync(this.lockPath, 'utf8')) as LockInfo;
      } catch {
        holder = undefined; // half-written or unreadable: treat as stale
      }
      if (holder && holder.host === hostname() && holder.pid !== process.pid && alive(holder.pid)) {
        throw new UsageError(
          `another reconcile of ${this.label} is running (pid ${holder.pid}, since ${holder.startedAt})`,
          `wait for it to finish; if it is gone, remove ${this.lockPath}`,
        );
      }
      if (holder && holder.host !== hostname()) {
        throw new UsageError(
          `${this.label} is locked by a reconcile on ${holder.host} (pid ${holder.pid}, since ${holder.startedAt})`,
          `if that run is gone, remove ${this.lockPath}`,
        );
      }
      // stale: the process that took it is gone
      try {
        unlinkSync(this.lockPath);
      } catch {
        // someone else recovered it first; try again
      }
    }
    throw new UsageError(`could not take the lock ${this.lockPath}`, 'try again');
  }

  unlock(): void {
    if (!this.locked) return;
    this.locked = false;
    try {
      unlinkSync(this.lockPath);
    } catch {
      // already gone
    }
  }

  read(): Checkpoint | null {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    try {
      const c = JSON.parse(text) as Checkpoint;
      if (typeof c.id !== 'string' || typeof c.createdAt !== 'string') throw new Error('missing id or createdAt');
      return c;
    } catch (error) {
      throw new UsageError(
        `checkpoint ${this.path} is not valid (${(error as Error).message})`,
        'remove it to start over from a full reconcile',
      );
    }
  }

  /** Replaces the checkpoint atomically. */
  write(checkpoint: Checkpoint): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const file = new AtomicFile(this.path, `checkpoint ${this.path}`);
    try {
      file.write(`${JSON.stringify(checkpoint, null, 2)}\n`);
      file.commit();
    } catch (error) {
      file.abort();
      throw error;
    }
  }
}
