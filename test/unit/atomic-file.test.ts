// AtomicFile and --out targets: what each kind of path becomes, and a write that fails leaving nothing behind.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { AtomicFile, openOutput, resolveOutputTarget } from '../../src/core/atomic-file.js';
import { ExitCode, UsageError } from '../../src/core/errors.js';

/** A failure the next writeSync raises, as the disk would. */
let failNextWrite: NodeJS.ErrnoException | undefined;
/** What reached the disk, in order: `fsync <path>` and `rename <to>`. */
const diskLog: string[] = [];
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const paths = new Map<number, string>();
  return {
    ...real,
    writeSync: (...args: Parameters<typeof real.writeSync>) => {
      const failure = failNextWrite;
      failNextWrite = undefined;
      if (failure) throw failure;
      return real.writeSync(...args);
    },
    openSync: (...args: Parameters<typeof real.openSync>) => {
      const fd = real.openSync(...args);
      paths.set(fd, String(args[0]));
      return fd;
    },
    fsyncSync: (fd: number) => {
      diskLog.push(`fsync ${paths.get(fd) ?? fd}`);
      real.fsyncSync(fd);
    },
    renameSync: (from: string, to: string) => {
      diskLog.push(`rename ${to}`);
      real.renameSync(from, to);
    },
  };
});

/** Bytes the next randomBytes calls return (then the real ones): the temp names AtomicFile picks, chosen by a test. */
const forcedRandom: Buffer[] = [];
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return { ...real, randomBytes: (size: number) => forcedRandom.shift() ?? real.randomBytes(size) };
});

const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });

const dir = mkdtempSync(join(tmpdir(), 'tally-atomic-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  failNextWrite = undefined;
  forcedRandom.length = 0;
  vi.useRealTimers();
});

describe('what an --out path leads to', () => {
  it('takes - and the links to its own stdout as standard output', () => {
    expect(resolveOutputTarget('-')).toEqual({ kind: 'stdout' });
    expect(resolveOutputTarget('/dev/stdout')).toEqual({ kind: 'stdout' });
    expect(resolveOutputTarget('/dev/fd/1')).toEqual({ kind: 'stdout' });
    expect(resolveOutputTarget(`/proc/${process.pid}/fd/1`)).toEqual({ kind: 'stdout' });
  });

  it('refuses an empty path as a usage error', () => {
    expect(() => resolveOutputTarget('')).toThrow(new UsageError('--out needs a file name', 'give a path, or - for standard output'));
  });

  it('writes a device in place, through a symlink too, and a FIFO as a stream', () => {
    const link = join(dir, 'null-link');
    symlinkSync('/dev/null', link);
    expect(resolveOutputTarget('/dev/null')).toEqual({ kind: 'device', path: '/dev/null' });
    expect(resolveOutputTarget(link)).toEqual({ kind: 'device', path: '/dev/null' });
    const fifo = join(dir, 'a.pipe');
    execFileSync('mkfifo', [fifo]);
    expect(resolveOutputTarget(fifo)).toEqual({ kind: 'stream', path: fifo });
  });

  it('replaces the file at the end of a chain of relative links, and creates a new path', () => {
    fs.mkdirSync(join(dir, 'real'));
    writeFileSync(join(dir, 'real', 'ledger.csv'), 'old');
    symlinkSync('real/ledger.csv', join(dir, 'one'));
    symlinkSync('one', join(dir, 'two'));
    const target = resolveOutputTarget(join(dir, 'two'));
    expect(target).toMatchObject({ kind: 'file', path: join(dir, 'real', 'ledger.csv') });
    expect(resolveOutputTarget(join(dir, 'new.csv'))).toEqual({ kind: 'file', path: join(dir, 'new.csv') });
  });

  it('refuses a directory and a loop of links', () => {
    expect(() => resolveOutputTarget(dir)).toThrow(`--out ${dir} is a directory`);
    symlinkSync('loop-b', join(dir, 'loop-a'));
    symlinkSync('loop-a', join(dir, 'loop-b'));
    expect(() => resolveOutputTarget(join(dir, 'loop-a'))).toThrow('too many symbolic links');
  });
});

describe('a write that fails', () => {
  it('names the file and the reason, exits 2, and removes the temp file when the disk is full', () => {
    const d = mkdtempSync(join(dir, 'full-'));
    const target = join(d, 'ledger.csv');
    writeFileSync(target, 'previous export');
    const file = new AtomicFile(target);
    file.write('header\n');
    failNextWrite = enospc();
    let thrown: unknown;
    try {
      file.write('row\n');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UsageError);
    expect((thrown as UsageError).message).toBe(`cannot write ${target}: no space left on device`);
    expect((thrown as UsageError).exitCode).toBe(ExitCode.usage);
    expect(readdirSync(d)).toEqual(['ledger.csv']);
    expect(readFileSync(target, 'utf8')).toBe('previous export');
    file.abort();
  });

  it('says /dev/full has no space left, writing the device in place instead of replacing it', async () => {
    const file = await openOutput('/dev/full');
    expect(file).toBeInstanceOf(AtomicFile);
    expect(() => file?.write('row\n')).toThrow('cannot write /dev/full: no space left on device');
    file?.abort();
    expect(statSync('/dev/full').isCharacterDevice()).toBe(true);
  });

  it('syncs the temp file before the rename and the directory after it', async () => {
    const d = mkdtempSync(join(dir, 'sync-'));
    const target = join(d, 'ledger.csv');
    const file = new AtomicFile(target);
    file.write('row\n');
    diskLog.length = 0;
    await file.commit();
    expect(diskLog).toEqual([`fsync ${file.tempPath}`, `rename ${target}`, `fsync ${d}`]);
  });

  it('keeps the mode of the file it replaces', async () => {
    const target = join(dir, 'private.csv');
    writeFileSync(target, 'old', { mode: 0o600 });
    fs.chmodSync(target, 0o600);
    const file = new AtomicFile(target);
    file.write('new');
    await file.commit();
    expect(statSync(target).mode & 0o7777).toBe(0o600);
    expect(readFileSync(target, 'utf8')).toBe('new');
  });
});

describe('the temp file', () => {
  it('never writes through a symlink planted at the name it picks: it picks another, and the file is written', async () => {
    const d = mkdtempSync(join(dir, 'planted-'));
    const target = join(d, 'ledger.csv');
    const victim = join(d, 'victim');
    writeFileSync(victim, 'not yours');
    // the name a first try picks, at a moment held still (as a guesser would predict it)
    vi.useFakeTimers({ now: new Date('2026-03-01T00:00:00Z'), toFake: ['Date'] });
    const same = Buffer.alloc(12, 7);
    forcedRandom.push(Buffer.from(same));
    const probe = new AtomicFile(target);
    const predicted = probe.tempPath as string;
    probe.abort();
    symlinkSync(victim, predicted);
    forcedRandom.push(Buffer.from(same));
    const file = new AtomicFile(target);
    expect(file.tempPath).not.toBe(predicted);
    file.write('entries\n');
    await file.commit();
    expect(readFileSync(target, 'utf8')).toBe('entries\n');
    expect(readFileSync(victim, 'utf8')).toBe('not yours');
    expect(fs.lstatSync(predicted).isSymbolicLink()).toBe(true);
  });

  it('names it with random bits, never the pid and the clock, so two at one moment differ', () => {
    vi.useFakeTimers({ now: new Date('2026-03-01T00:00:00Z'), toFake: ['Date'] });
    const d = mkdtempSync(join(dir, 'names-'));
    const files = [new AtomicFile(join(d, 'a.csv')), new AtomicFile(join(d, 'a.csv'))];
    const names = files.map((f) => (f.tempPath as string).slice(d.length + 1));
    for (const f of files) f.abort();
    expect(names[0]).not.toBe(names[1]);
    for (const name of names) {
      expect(name).toMatch(/^\.a\.csv\.tally-[A-Za-z0-9_-]{16}\.tmp$/);
      expect(name).not.toContain(String(process.pid));
    }
  });

  it('gives up with exit 2 naming the directory when every name it tries is taken', () => {
    const d = mkdtempSync(join(dir, 'taken-'));
    const same = Buffer.alloc(12, 9);
    forcedRandom.push(Buffer.from(same));
    const probe = new AtomicFile(join(d, 'a.csv'));
    const taken = probe.tempPath as string;
    probe.abort();
    writeFileSync(taken, 'planted');
    for (let i = 0; i < 20; i++) forcedRandom.push(Buffer.from(same));
    expect(() => new AtomicFile(join(d, 'a.csv'))).toThrow(
      new UsageError(`--out ${join(d, 'a.csv')}: cannot create a file in ${d} (EEXIST)`),
    );
    expect(readFileSync(taken, 'utf8')).toBe('planted');
  });
});
