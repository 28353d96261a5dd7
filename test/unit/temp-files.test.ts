// The temp files beside AtomicFile's (the spool of an export, a lock's owner record): each is created with O_EXCL, so
// a file or symlink planted where it goes is never written through.
import * as fs from 'node:fs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { acquireLock } from '../../src/core/lock.js';
import { ReverseSpool } from '../../src/core/spool.js';

/** What the next directory made gets planted in it, as someone racing tally into it would: [name, link target]. */
let plantInNextDir: [string, string] | undefined;
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const plant = (dir: string) => {
    const planted = plantInNextDir;
    plantInNextDir = undefined;
    if (planted) real.symlinkSync(planted[1], join(dir, planted[0]));
  };
  return {
    ...real,
    mkdtempSync: (...args: Parameters<typeof real.mkdtempSync>) => {
      const dir = real.mkdtempSync(...args);
      plant(String(dir));
      return dir;
    },
    mkdirSync: (...args: Parameters<typeof real.mkdirSync>) => {
      const made = real.mkdirSync(...args);
      plant(String(args[0]));
      return made;
    },
  };
});

const dir = mkdtempSync(join(tmpdir(), 'tally-temp-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  plantInNextDir = undefined;
});

describe('temp files opened exclusively', () => {
  it("never writes an export's spool through a symlink planted where its file goes: exit 2 naming the temp directory", () => {
    const victim = join(dir, 'spool-victim');
    writeFileSync(victim, 'not yours');
    plantInNextDir = ['lines', victim];
    let spool: ReverseSpool | undefined;
    expect(() => {
      spool = new ReverseSpool();
      spool.push('created_at,id');
      return [...spool.reversed()];
    }).toThrow(`cannot write a temp file in ${tmpdir()}: file already exists`);
    spool?.dispose();
    expect(readFileSync(victim, 'utf8')).toBe('not yours');
  });

  it("never writes a lock's owner record through a symlink planted in the lock directory, and takes the lock afresh", async () => {
    const victim = join(dir, 'lock-victim');
    writeFileSync(victim, 'not yours');
    const lockPath = join(dir, 'config.json.lock');
    plantInNextDir = ['owner.json', victim];
    // the directory with the planted link is removed, and the lock taken in one of its own making
    const lock = await acquireLock(lockPath, new Date());
    expect(readFileSync(victim, 'utf8')).toBe('not yours');
    expect(fs.lstatSync(join(lockPath, 'owner.json')).isFile()).toBe(true);
    lock.release();
  });
});
