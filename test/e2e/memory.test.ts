// Memory in fresh Node processes: the young-generation cap of streaming commands (it changes a V8 flag for the
// whole process: without it, an allocation pattern like an export's grows new space past the cap), and the
// export's budget of 150 MiB peak RSS, held by the built binary.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/server.js';
import { BIN, runEnv, sandboxEnv } from '../helpers/tally.js';

const MEMORY = pathToFileURL(resolve(import.meta.dirname, '../../dist/core/memory.js')).href;

/** Largest new-space size (MiB) seen while allocating 600k short-lived entries beside 20k live ones. */
async function peakNewSpace(cap: number | null): Promise<number> {
  const script = `
    import v8 from 'node:v8';
    const { capYoungGeneration } = await import(${JSON.stringify(MEMORY)});
    ${cap === null ? '' : `capYoungGeneration(${cap});`}
    const live = new Array(20000);
    let peak = 0;
    for (let i = 0; i < 600000; i++) {
      live[i % live.length] = { id: String(i), amount: i / 100, metadata: { note: 'n' + i } };
      if (i % 1000 === 0) await new Promise((r) => setImmediate(r));
      if (i % 10000 === 0) peak = Math.max(peak, v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);
    }
    process.stdout.write(String(peak / 1048576));`;
  const r = await execa('node', ['--input-type=module', '-e', script], { reject: false });
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  return Number(r.stdout);
}

describe('young-generation cap', () => {
  it('stops new space growing at the cap (one doubling past it at most)', async () => {
    const [free, capped] = await Promise.all([peakNewSpace(null), peakNewSpace(4 << 20)]);
    expect(free).toBeGreaterThan(8);
    expect(capped).toBeGreaterThanOrEqual(4);
    expect(capped).toBeLessThanOrEqual(8);
  });
});

describe('the export budget', () => {
  it('writes a 200,000-entry ledger as xlsx within 150 MiB of peak RSS', async () => {
    const sandbox = await startSandbox({ port: 0, seed: 3, entries: 200_000 });
    const dir = mkdtempSync(join(tmpdir(), 'tally-memory-'));
    try {
      const report = join(dir, 'max-rss');
      const preload = resolve(import.meta.dirname, '../helpers/report-max-rss.mjs');
      const r = await execa('node', ['--import', preload, BIN, 'ledger', 'export', '--format', 'xlsx', '--out', join(dir, 'ledger.xlsx')], {
        reject: false,
        extendEnv: false,
        timeout: 240_000,
        env: runEnv({ env: { ...sandboxEnv(sandbox, 'bytespike'), TALLY_TEST_MAX_RSS: report } }),
      });
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      const peakMiB = Number(readFileSync(report, 'utf8')) / 1024;
      expect(peakMiB).toBeGreaterThan(50); // the report is the process's, not empty
      expect(peakMiB).toBeLessThan(150);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await sandbox.close();
    }
  }, 300_000);
});
