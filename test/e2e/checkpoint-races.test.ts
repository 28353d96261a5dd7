// `reconcile --checkpoint` runs racing for one lock: exactly one of ten started at once holds it, on a free
// lock, on one whose lease ran out, and on one whose holder is gone. Ten real processes each round.
import { mkdirSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { withHttpServer } from '../helpers/http.js';
import { plantLock } from '../helpers/locks.js';
import { tally, tempConfigDir } from '../helpers/tally.js';

const KEY = 'sk-conduit-test-0001';
const env = (baseUrl: string, key = KEY) => ({ TALLY_PROVIDER: 'conduit', TALLY_BASE_URL: baseUrl, TALLY_API_KEY: key });

/** Environment that makes `count` processes wait for each other before they run (see the helper). */
const together = (dir: string, count: number) => ({
  NODE_OPTIONS: `--import=${pathToFileURL(join(import.meta.dirname, '../helpers/start-together.mjs')).href}`,
  TALLY_TEST_BARRIER: `${join(dir, 'barrier')}:${count}`,
});
/**
 * Starts ten `reconcile --checkpoint` runs together on one account and returns their exit codes. Every
 * request is held until each run has either exited or is waiting on the server, then answered 401: the
 * runs that got the lock are those that reached the server (exit 3), the others exit 2.
 */
async function race(dir: string, before?: (lockPath: string) => void): Promise<number[]> {
  const held: ServerResponse[] = [];
  let exited = 0;
  const release = () => {
    if (exited + held.length < 10) return;
    for (const res of held.splice(0)) {
      res.statusCode = 401;
      res.end(JSON.stringify({ error: 'Invalid API key' }));
    }
  };
  return withHttpServer(
    (_req, res) => {
      held.push(res);
      release();
    },
    async (baseUrl) => {
      if (before) {
        mkdirSync(join(dir, 'checkpoints'), { recursive: true });
        const { checkpointKey } = await import('../../src/reconcile/checkpoint.js');
        before(join(dir, 'checkpoints', `${checkpointKey('conduit', new URL(baseUrl).href, KEY)}.lock`));
      }
      const start = together(dir, 10);
      return Promise.all(
        Array.from({ length: 10 }, () =>
          tally(['reconcile', '--checkpoint', '-q'], { env: { ...env(baseUrl), ...start }, configDir: dir }).then((r) => {
            exited++;
            release();
            return r.exitCode ?? -1;
          }),
        ),
      );
    },
  );
}

/**
 * Races per test: a few in `npm test` (each is ten processes, ~4 s of CPU), all of them in
 * `npm run test:races`, which CI runs too: a lost race shows in some rounds only.
 */
const ALL_RACES = process.env.TALLY_TEST_RACES === 'all';
const RACES = ALL_RACES ? { free: 15, lease: 10, gone: 10 } : { free: 3, lease: 2, gone: 2 };

describe('the checkpoint lock', () => {
  it(`admits exactly one of ten runs started at once, in every one of ${RACES.free} races`, async () => {
    for (let round = 0; round < RACES.free; round++) {
      const cfg = tempConfigDir();
      try {
        expect((await race(cfg.dir)).sort(), `round ${round + 1}`).toEqual([2, 2, 2, 2, 2, 2, 2, 2, 2, 3]);
      } finally {
        cfg.cleanup();
      }
    }
  }, 180_000);

  it(`admits exactly one of ten runs started at once on a lock whose lease has run out, in every one of ${RACES.lease} races`, async () => {
    for (let round = 0; round < RACES.lease; round++) {
      const cfg = tempConfigDir();
      try {
        const codes = await race(cfg.dir, (lockPath) => plantLock(lockPath, { pid: 4242, host: 'build-server-2' }, 60_000));
        expect(codes.sort(), `round ${round + 1}`).toEqual([2, 2, 2, 2, 2, 2, 2, 2, 2, 3]);
      } finally {
        cfg.cleanup();
      }
    }
  }, 180_000);

  it(`admits exactly one of ten runs started at once on a lock whose holder on this host is gone, in every one of ${RACES.gone} races`, async () => {
    const host = (await import('node:os')).hostname();
    for (let round = 0; round < RACES.gone; round++) {
      const cfg = tempConfigDir();
      try {
        const codes = await race(cfg.dir, (lockPath) => plantLock(lockPath, { pid: 999_999, host }, 0));
        expect(codes.sort(), `round ${round + 1}`).toEqual([2, 2, 2, 2, 2, 2, 2, 2, 2, 3]);
      } finally {
        cfg.cleanup();
      }
    }
  }, 180_000);
});
