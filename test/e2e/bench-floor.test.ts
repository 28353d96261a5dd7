// bench/floor.mjs, the export benchmark's lower bounds: each mode must download every page the export
// asks for, and fail rather than count an error response, or a bound would look faster than it is.
import { resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';

const FLOOR = resolve(import.meta.dirname, '../../bench/floor.mjs');
const MODES = ['tally-http', 'tally-http+parse', 'node-http', 'raw-socket'] as const;
const ENTRIES = 1000;
const PAGES = ENTRIES / 200;

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 3, entries: ENTRIES });
});
afterAll(() => sandbox.close());

function floor(args: string[], key = sandbox.key('bytespike', 'ok')) {
  return execa('node', [FLOOR, ...args], {
    reject: false,
    extendEnv: false,
    timeout: 25_000,
    env: { PATH: process.env.PATH, TALLY_BASE_URL: sandbox.baseUrl('bytespike'), TALLY_API_KEY: key },
  });
}

describe('bench/floor.mjs', () => {
  it('downloads every page in every mode, the same bytes, and parses every entry', async () => {
    const results = await Promise.all(MODES.map((mode) => floor([mode, String(PAGES)])));
    const received = results.map((r, i) => {
      expect(r.stderr, MODES[i]).toBe('');
      expect(r.exitCode, MODES[i]).toBe(0);
      return JSON.parse(r.stdout) as { pages: number; bytes?: number; entries?: number };
    });
    for (const r of received) expect(r.pages).toBe(PAGES);
    expect(received[1]?.entries).toBe(ENTRIES);
    // the two that see bytes saw the same ones: the whole of every page
    expect(received[2]?.bytes).toBeGreaterThan(ENTRIES * 100);
    expect(received[3]?.bytes).toBe(received[2]?.bytes);
  });

  it.each(MODES)('%s fails on a refused key instead of counting the error page', async (mode) => {
    const r = await floor([mode, String(PAGES)], 'sbx_bytespike_wrong_00000000');
    expect(r.exitCode).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/401|unauthori[sz]ed|rejected|key/i);
  });

  it('refuses an unknown mode and missing arguments with exit 2', async () => {
    const unknown = await floor(['bogus', '5']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('unknown mode "bogus": one of tally-http, tally-http+parse, node-http, raw-socket');
    const noPages = await floor(['raw-socket']);
    expect(noPages.exitCode).toBe(2);
    expect(noPages.stderr).toContain('usage: TALLY_BASE_URL=… TALLY_API_KEY=… node bench/floor.mjs <mode> <pages>');
  });
});
