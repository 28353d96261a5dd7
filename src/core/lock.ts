// Exclusive lock files shared by processes (config writes, reconcile checkpoints), on proper-lockfile.
//
// The lock is a directory made with mkdir (atomic: exactly one process wins a race), holding owner.json
// written before the lock is considered taken, so a lock is never seen empty and mistaken for stale.
// Its holder renews the directory's mtime (the lease) every few seconds. A lock is stale, and taken over,
// only when its lease has run out (whatever host wrote it) or its holder is provably gone: same host,
// and no process with its pid.
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as fs from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

/** A lock nobody could take: held by `owner` (null when its owner.json could not be read yet). */
export class LockBusy extends Error {
  constructor(readonly owner: LockOwner | null) {
    super('lock is held');
  }
}

/** How long a lock lives without its holder renewing it. */
export const LEASE_MS = 10_000;
const RENEW_MS = 2_000;
/** A takeover guard older than this was left by a killed taker. */
const GUARD_STALE_MS = 5_000;

export interface HeldLock {
  /** Why the lock is no longer this process's (its lease ran out unrenewed, another took it), if so. */
  readonly lost: () => Error | undefined;
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readOwner(lockPath: string): LockOwner | null {
  try {
    const raw = JSON.parse(readFileSync(join(lockPath, 'owner.json'), 'utf8')) as Partial<LockOwner>;
    if (typeof raw.pid === 'number' && typeof raw.host === 'string' && typeof raw.startedAt === 'string') {
      return { pid: raw.pid, host: raw.host, startedAt: raw.startedAt };
    }
  } catch {
    // not written yet, or not a lock of ours
  }
  return null;
}

/**
 * The file system proper-lockfile works through: the lock directory gets its owner.json inside mkdir
 * (before proper-lockfile reads the mtime it renews, so the write does not look like a takeover), and
 * removal removes the directory with what is in it (also an older tally's plain lock file).
 *
 * proper-lockfile removes a stale lock by path, so two processes that both found it stale could each
 * remove it, the second removing the lock the first had just made: two holders. Here a stale lock is
 * removed under the takeover guard, and only if it is still stale when looked at there.
 */
function lockFs(owner: LockOwner, releasing: () => boolean): Record<string, unknown> {
  return {
    ...fs,
    mkdirSync(path: string) {
      mkdirSync(path, { mode: 0o700 });
      try {
        // O_EXCL ('wx'): a file or symlink found in the new directory is never written through
        writeFileSync(join(path, 'owner.json'), JSON.stringify(owner), { mode: 0o600, flag: 'wx' });
      } catch (error) {
        rmSync(path, { recursive: true, force: true });
        throw error;
      }
    },
    rmdirSync(path: string) {
      if (releasing()) {
        statSync(path); // ENOENT passes through as proper-lockfile expects
        rmSync(path, { recursive: true, force: true });
        return;
      }
      const removed = underGuard(path, () => {
        // ENOENT passes through: another process removed it; proper-lockfile tries mkdir again
        if (statSync(path).mtimeMs >= Date.now() - LEASE_MS) return false; // renewed, or replaced: held
        rmSync(path, { recursive: true, force: true });
        return true;
      });
      if (removed) return;
      throw Object.assign(new Error('Lock file is already being held'), { code: 'ELOCKED' });
    },
  };
}

/**
 * Runs `fn` while this process alone may remove the lock at `lockPath`, or returns false at once when
 * another is at it. Takers race to remove a stale lock, and one that looked at it before another replaced
 * it would otherwise remove (or move) that fresh lock: two holders. So removals go one at a time, through
 * a guard directory (mkdir is atomic), and what is removed is looked at again under it. A guard left by a
 * killed taker is cleared after a few seconds.
 */
function underGuard(lockPath: string, fn: () => boolean): boolean {
  const guard = `${lockPath}.takeover`;
  try {
    mkdirSync(guard, { mode: 0o700 });
  } catch {
    try {
      if (statSync(guard).mtimeMs < Date.now() - GUARD_STALE_MS) rmSync(guard, { recursive: true, force: true });
    } catch {
      // removed meanwhile
    }
    return false;
  }
  try {
    return fn();
  } finally {
    rmSync(guard, { recursive: true, force: true });
  }
}

/** Removes a lock whose holder is gone, if it is still that holder's. */
function takeOverFrom(lockPath: string, gone: LockOwner): void {
  const done = underGuard(lockPath, () => {
    const now = readOwner(lockPath);
    if (now && now.pid === gone.pid && now.host === gone.host && now.startedAt === gone.startedAt) {
      rmSync(lockPath, { recursive: true, force: true });
    }
    return true;
  });
  if (!done) sleep(5); // another taker is at it: look at the lock again
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Takes the lock at `lockPath` (a directory; its parent must exist), waiting up to `waitMs` for a holder
 * to finish; throws LockBusy when it is still held then.
 */
export async function acquireLock(lockPath: string, now: Date, waitMs = 0): Promise<HeldLock> {
  const lockfile = await import('proper-lockfile');
  const owner: LockOwner = { pid: process.pid, host: hostname(), startedAt: now.toISOString() };
  let lost: Error | undefined;
  let released = false;
  const options = {
    realpath: false,
    lockfilePath: lockPath,
    stale: LEASE_MS,
    update: RENEW_MS,
    fs: lockFs(owner, () => released),
    onCompromised: (error: Error) => {
      lost = error;
    },
  };
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      lockfile.lockSync(lockPath, options);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    }
    const holder = readOwner(lockPath);
    if (holder && holder.host === hostname() && holder.pid !== process.pid && !alive(holder.pid)) {
      takeOverFrom(lockPath, holder);
      continue;
    }
    if (Date.now() >= deadline) throw new LockBusy(holder);
    sleep(10 + Math.floor(Math.random() * 40));
  }
  return {
    lost() {
      if (lost) return lost;
      const now = readOwner(lockPath);
      const ours = now?.pid === owner.pid && now.host === owner.host && now.startedAt === owner.startedAt;
      return ours ? undefined : new Error(now ? `pid ${now.pid} on ${now.host} holds it now` : 'it was removed');
    },
    release() {
      if (released) return;
      released = true;
      try {
        lockfile.unlockSync(lockPath, options);
      } catch {
        // already gone (lost, or removed by hand)
      }
    },
  };
}
