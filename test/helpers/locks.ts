// Locks as tests plant them: a lock directory with its owner inside, renewed some time ago.
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A lock as a run leaves it: the directory, its owner inside, renewed `age` ms ago. */
export function plantLock(lockPath: string, owner: { pid: number; host: string }, ageMs: number): void {
  mkdirSync(lockPath);
  writeFileSync(join(lockPath, 'owner.json'), JSON.stringify({ ...owner, startedAt: '2026-03-01T10:00:00.000Z' }));
  const at = new Date(Date.now() - ageMs);
  utimesSync(lockPath, at, at);
}
