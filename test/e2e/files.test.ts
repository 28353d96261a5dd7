// Where `ledger export --out` and stdout write, what a local write failure says, and that every way out cleans up.
import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import type { RequestListener } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { withHttpServer } from '../helpers/http.js';
import { BIN, sandboxEnv, tally, TEST_TZ, waitFor } from '../helpers/tally.js';

const ENTRIES = 450;
const CSV_HEADER = 'created_at,id,type,provider_type,amount,balance_after,unit,description,reference';

let sandbox: Sandbox;
let dir: string;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 3, entries: ENTRIES });
  dir = mkdtempSync(join(tmpdir(), 'tally-files-'));
});
afterAll(async () => {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory of the test's own. */
const freshDir = (name: string) => mkdtempSync(join(dir, `${name}-`));
/** CSV records (rows end in CRLF; a description may hold a bare newline). */
const records = (text: string) => text.replace(/\r\n$/, '').split('\r\n');
/**
 * Node 22+ keeps its compile cache (bin/tally.js enables it) in $TMPDIR unless told otherwise: pointed
 * elsewhere, so a test's TMPDIR holds only what tally itself leaves there.
 */
const OWN_COMPILE_CACHE = { NODE_COMPILE_CACHE: join(tmpdir(), 'tally-test-compile-cache') };
const tempFilesIn = (d: string) => readdirSync(d).filter((f) => /^\..*\.tally-.*\.tmp$/.test(f));
const env = (extra: Record<string, string> = {}) => ({ ...sandboxEnv(sandbox, 'bytespike'), ...extra });

/** The same environment as test/helpers/tally.ts, for a child the test drives itself. */
const childEnv = (extra: Record<string, string>) => ({
  PATH: process.env.PATH,
  HOME: tmpdir(),
  TZ: TEST_TZ,
  NO_COLOR: '1',
  COLUMNS: '100',
  TALLY_CONFIG_DIR: join(dir, 'no-config'),
  ...extra,
});

/** The same environment as test/helpers/tally.ts, for a child the test drives itself. */
function spawnTally(args: string[], extra: Record<string, string>) {
  return execa('node', [BIN, ...args], { reject: false, extendEnv: false, timeout: 25_000, stdin: 'ignore', env: childEnv(extra) });
}

/** Runs tally with stdout on a descriptor of the test's own (execa would put a pipe in between). */
function tallyToFd(args: string[], extra: Record<string, string>, fd: number): Promise<{ exitCode: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('node', [BIN, ...args], { stdio: ['ignore', fd, 'pipe'], env: childEnv(extra) });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, stderr: stderr.replace(/\n$/, '') }));
  });
}

describe('--out to what is not a regular file', () => {
  it('writes into a FIFO for its reader instead of replacing it', async () => {
    const d = freshDir('fifo');
    const fifo = join(d, 'ledger.pipe');
    execFileSync('mkfifo', [fifo]);
    const reader = execa('cat', [fifo], { reject: false, timeout: 20_000 });
    const r = await tally(['ledger', 'export', '--out', fifo], { env: env(), timeoutMs: 20_000 });
    const read = await reader;
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(read.exitCode).toBe(0);
    expect(records(read.stdout)[0]).toBe(CSV_HEADER);
    expect(records(read.stdout)).toHaveLength(ENTRIES + 1);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(d)).toEqual(['ledger.pipe']);
  });

  it('fails with exit 2 naming the FIFO when its reader closes it before the export is complete, and leaves the FIFO', async () => {
    const big = await startSandbox({ port: 0, seed: 3, entries: 3000 });
    try {
      const d = freshDir('fifo-head');
      const fifo = join(d, 'ledger.pipe');
      execFileSync('mkfifo', [fifo]);
      const reader = execa('head', ['-c', '100', fifo], { reject: false, timeout: 20_000 });
      const r = await tally(['ledger', 'export', '--out', fifo], { env: sandboxEnv(big, 'bytespike'), timeoutMs: 20_000 });
      const read = await reader;
      // a script reading the FIFO (gzip < fifo > ledger.csv.gz) that dies must not pass for a whole export
      expect(r.stderr).toBe(`tally: cannot write ${fifo}: its reader closed it before the export was complete`);
      expect(r.exitCode).toBe(2);
      expect(read.stdout.startsWith(CSV_HEADER)).toBe(true);
      expect(lstatSync(fifo).isFIFO()).toBe(true);
      expect(readdirSync(d)).toEqual(['ledger.pipe']);
    } finally {
      await big.close();
    }
  });

  it('waits for a FIFO to get a reader without making a request, and still exits 143 on SIGTERM', async () => {
    const d = freshDir('fifo-wait');
    const fifo = join(d, 'ledger.pipe');
    execFileSync('mkfifo', [fifo]);
    let requests = 0;
    await withHttpServer(
      (_req, res) => {
        requests++;
        res.writeHead(500).end();
      },
      async (baseUrl) => {
        const waiting = join(freshDir('fifo-wait-marker'), 'waiting');
        const child = spawnTally(
          ['ledger', 'export', '--out', fifo, '--base-url', baseUrl],
          env({
            NODE_OPTIONS: `--import=${pathToFileURL(join(import.meta.dirname, '../helpers/report-fifo-wait.mjs')).href}`,
            TALLY_TEST_FIFO_WAITING: waiting,
          }),
        );
        await waitFor('tally to find the FIFO without a reader', () => existsSync(waiting));
        child.kill('SIGTERM');
        const r = await child;
        expect(r.exitCode).toBe(143);
        expect(r.stderr).toBe('tally: terminated');
        expect(requests).toBe(0);
        expect(lstatSync(fifo).isFIFO()).toBe(true);
      },
    );
  });

  it('writes through a symlink to a character device and leaves the link and the device as they were', async () => {
    const d = freshDir('dev');
    const link = join(d, 'discard');
    symlinkSync('/dev/null', link);
    const r = await tally(['ledger', 'export', '--out', link], { env: env() });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    expect(readdirSync(d)).toEqual(['discard']);
  });

  it('writes to standard output through /dev/fd/1 instead of creating a file', async () => {
    const r = await tally(['ledger', 'export', '--out', '/dev/fd/1'], { env: env() });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(records(r.stdout)[0]).toBe(CSV_HEADER);
    expect(records(r.stdout)).toHaveLength(ENTRIES + 1);
  });

  it('takes --out - as standard output and creates no file named -', async () => {
    const d = freshDir('dash');
    const r = await execa('node', [BIN, 'ledger', 'export', '--out', '-'], {
      reject: false,
      cwd: d,
      extendEnv: false,
      env: { PATH: process.env.PATH, TZ: TEST_TZ, NO_COLOR: '1', TALLY_CONFIG_DIR: join(dir, 'no-config'), ...env() },
    });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(records(r.stdout)[0]).toBe(CSV_HEADER);
    expect(readdirSync(d)).toEqual([]);
  });

  it('refuses an empty --out with exit 2 before any request', async () => {
    const r = await tally(['ledger', 'export', '--out', ''], { env: env({ TALLY_BASE_URL: 'http://127.0.0.1:9/bytespike' }) });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('tally: --out needs a file name\n  give a path, or - for standard output');
    expect(r.stdout).toBe('');
  });

  it('keeps the mode of the file it replaces: a 0600 export stays 0600', async () => {
    const d = freshDir('mode');
    const out = join(d, 'ledger.csv');
    writeFileSync(out, 'previous export');
    chmodSync(out, 0o600);
    const r = await tally(['ledger', 'export', '--out', out], { env: env() });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(statSync(out).mode & 0o7777).toBe(0o600);
    expect(records(readFileSync(out, 'utf8'))[0]).toBe(CSV_HEADER);
    expect(readdirSync(d)).toEqual(['ledger.csv']);
  });

  it('replaces the file a symlink points to and leaves the link a link', async () => {
    const d = freshDir('link');
    mkdirSync(join(d, 'real'));
    const real = join(d, 'real', 'ledger.csv');
    writeFileSync(real, 'previous export');
    chmodSync(real, 0o640);
    const link = join(d, 'latest.csv');
    symlinkSync(join('real', 'ledger.csv'), link);
    const r = await tally(['ledger', 'export', '--out', link], { env: env() });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(records(readFileSync(real, 'utf8'))).toHaveLength(ENTRIES + 1);
    expect(statSync(real).mode & 0o7777).toBe(0o640);
    expect(readdirSync(join(d, 'real'))).toEqual(['ledger.csv']);
  });
});

describe('local write failures', () => {
  const toDevFull = async (args: string[]) => {
    const fd = openSync('/dev/full', 'w');
    try {
      return await tallyToFd(args, env(), fd);
    } finally {
      closeSync(fd);
    }
  };

  it('says standard output cannot be written, in one line with exit 2, when ledger export goes to a full device', async () => {
    const r = await toDevFull(['ledger', 'export']);
    expect(r.stderr).toBe('tally: cannot write standard output: no space left on device');
    expect(r.exitCode).toBe(2);
  });

  it('says standard output cannot be written, in one line with exit 2, when reconcile --json goes to a full device', async () => {
    const r = await toDevFull(['reconcile', '--json']);
    expect(r.stderr).toBe('tally: cannot write standard output: no space left on device');
    expect(r.exitCode).toBe(2);
  });

  it.each([['help', 'exit-codes'], ['--help'], ['ledger', 'export', '--help']])(
    'says standard output cannot be written when tally %s goes to a full device',
    async (...args) => {
      const r = await toDevFull(args);
      expect(r.stderr).toBe('tally: cannot write standard output: no space left on device');
      expect(r.exitCode).toBe(2);
    },
  );

  /** Runs fn with a 64 KiB tmpfs mounted on a fresh directory and a ledger larger than it; skips, saying why, where mounting is refused. */
  async function withSmallDisk(context: { skip: () => void }, fn: (disk: string, big: Sandbox) => Promise<void>) {
    const disk = freshDir('full');
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', disk], { stdio: 'pipe' });
    } catch (error) {
      const reason = (error as { stderr?: Buffer }).stderr?.toString().trim() || (error as Error).message;
      console.log(`skipped: cannot mount a small tmpfs here to fill a disk (${reason})`);
      context.skip();
      return;
    }
    const big = await startSandbox({ port: 0, seed: 3, entries: 2000 });
    try {
      await fn(disk, big);
    } finally {
      await big.close();
      execFileSync('umount', [disk]);
    }
  }

  it('names the file and the reason with exit 2, and leaves no file, when the disk under --out fills up', async (context) => {
    await withSmallDisk(context, async (disk, big) => {
      const out = join(disk, 'ledger.csv');
      const r = await tally(['ledger', 'export', '--out', out], { env: sandboxEnv(big, 'bytespike') });
      expect(r.stderr).toBe(`tally: cannot write ${out}: no space left on device`);
      expect(r.exitCode).toBe(2);
      expect(readdirSync(disk)).toEqual([]);
    });
  });

  it('says the temp file cannot be written, with exit 2, when TMPDIR fills up under an --order asc export', async (context) => {
    await withSmallDisk(context, async (disk, big) => {
      const r = await tally(['ledger', 'export', '--order', 'asc'], {
        env: { ...sandboxEnv(big, 'bytespike'), TMPDIR: disk, ...OWN_COMPILE_CACHE },
      });
      expect(r.stderr).toBe(`tally: cannot write a temp file in ${disk}: no space left on device`);
      expect(r.exitCode).toBe(2);
      expect(r.stdout).toBe('');
      expect(readdirSync(disk)).toEqual([]);
    });
  });
});

/** bytespike's listing of 400 entries: page 1 answers at once, every later page never does. */
function stallingAfterPageOne(onStall: () => void): RequestListener {
  const entry = (id: number) => ({
    id,
    created_at: new Date(Date.UTC(2026, 0, 1) + id * 60_000).toISOString(),
    kind: 'topup',
    amount_usd: 1,
    balance_after_usd: id,
    source: {},
    note: null,
  });
  return (req, res) => {
    const page = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('page') ?? '1');
    if (page !== 1) {
      onStall();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => entry(400 - i)), page: 1, page_size: 200, total: 400 }));
  };
}

const SIGNALS = [
  { signal: 'SIGINT', code: 130, line: 'tally: interrupted' },
  { signal: 'SIGTERM', code: 143, line: 'tally: terminated' },
  { signal: 'SIGHUP', code: 129, line: 'tally: hung up' },
] as const;

describe('every way out cleans up', () => {
  it('finishes an export on a terminal that reports no width (a 0x0 pty), instead of spinning for ever', async () => {
    const d = freshDir('no-width');
    const out = join(d, 'ledger.csv');
    // util-linux script(1) gives tally a real terminal; `stty cols 0 rows 0` makes it one of no size
    const r = await execa('script', ['-qec', `stty cols 0 rows 0; node "${BIN}" ledger export --out "${out}"`, '/dev/null'], {
      reject: false,
      extendEnv: false,
      timeout: 20_000,
      env: {
        PATH: process.env.PATH,
        TZ: TEST_TZ,
        NO_COLOR: '1',
        TERM: 'xterm',
        TALLY_CONFIG_DIR: join(dir, 'no-config'),
        ...sandboxEnv(sandbox, 'conduit'),
      },
    });
    expect(r.timedOut).toBe(false);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(readFileSync(out, 'utf8').split('\r\n').length).toBe(ENTRIES + 2);
    expect(readdirSync(d)).toEqual(['ledger.csv']);
  });

  it.each(SIGNALS)(
    'exits $code on $signal during an --out export, leaving the old file and no temp file',
    async ({ signal, code, line }) => {
      const d = freshDir('signal-out');
      const spool = freshDir('signal-out-tmp');
      const out = join(d, 'ledger.csv');
      writeFileSync(out, 'previous export');
      let stalled!: () => void;
      const reached = new Promise<void>((resolve) => (stalled = resolve));
      await withHttpServer(
        stallingAfterPageOne(() => stalled()),
        async (baseUrl) => {
          const child = spawnTally(['ledger', 'export', '--out', out, '--base-url', baseUrl], env({ TMPDIR: spool, ...OWN_COMPILE_CACHE }));
          await reached;
          // page 1 is in the temp file once it has more than the header
          const deadline = Date.now() + 10_000;
          while (Date.now() < deadline && !tempFilesIn(d).some((f) => statSync(join(d, f)).size > CSV_HEADER.length + 1)) {
            await new Promise((r) => setTimeout(r, 20));
          }
          expect(tempFilesIn(d)).toHaveLength(1);
          child.kill(signal);
          const r = await child;
          expect(r.exitCode).toBe(code);
          expect(r.stderr).toBe(line);
          expect(readdirSync(d)).toEqual(['ledger.csv']);
          expect(readFileSync(out, 'utf8')).toBe('previous export');
          expect(readdirSync(spool)).toEqual([]);
        },
      );
    },
  );

  it.each(SIGNALS)('exits $code on $signal during an --order asc export, leaving no spool file', async ({ signal, code, line }) => {
    const spool = freshDir('signal-asc-tmp');
    let stalled!: () => void;
    const reached = new Promise<void>((resolve) => (stalled = resolve));
    await withHttpServer(
      stallingAfterPageOne(() => stalled()),
      async (baseUrl) => {
        const child = spawnTally(
          ['ledger', 'export', '--order', 'asc', '--base-url', baseUrl],
          env({ TMPDIR: spool, ...OWN_COMPILE_CACHE }),
        );
        await reached;
        // page 1 was answered before page 2 was asked for; give tally a moment to spool it
        await new Promise((r) => setTimeout(r, 300));
        child.kill(signal);
        const r = await child;
        expect(r.exitCode).toBe(code);
        expect(r.stderr).toBe(line);
        expect(r.stdout).toBe('');
        expect(readdirSync(spool)).toEqual([]);
      },
    );
  });

  it('leaves no spool file when the reader of an --order asc export closes early (| head -1)', async () => {
    const big = await startSandbox({ port: 0, seed: 3, entries: 3000 });
    try {
      const spool = freshDir('head-tmp');
      const r = await execa('bash', ['-c', `node "${BIN}" ledger export --order asc | head -1; echo "tally exit \${PIPESTATUS[0]}" >&2`], {
        reject: false,
        extendEnv: false,
        // a socket on stdin makes bash read ~/.bashrc
        stdin: 'ignore',
        env: {
          PATH: process.env.PATH,
          TZ: TEST_TZ,
          NO_COLOR: '1',
          TALLY_CONFIG_DIR: join(dir, 'no-config'),
          TMPDIR: spool,
          ...OWN_COMPILE_CACHE,
          ...sandboxEnv(big, 'bytespike'),
        },
      });
      expect(r.stdout).toBe(CSV_HEADER);
      expect(r.stderr).toBe('tally exit 0');
      expect(readdirSync(spool)).toEqual([]);
    } finally {
      await big.close();
    }
  });

  it('lists 143 and 129 among the exit codes', async () => {
    const r = await tally(['help', 'exit-codes']);
    expect(r.stdout).toContain('  143  terminated (SIGTERM); the same clean-up\n  129  hung up (SIGHUP); the same clean-up');
  });

  it('exits 143 with one line when tally sandbox is sent SIGTERM', async () => {
    const child = spawnTally(['sandbox', '--port', '0', '--json', '--entries', '10'], {});
    await new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
    child.kill('SIGTERM');
    const r = await child;
    expect(r.exitCode).toBe(143);
    expect(r.stderr).toBe('tally: terminated');
  });
});
