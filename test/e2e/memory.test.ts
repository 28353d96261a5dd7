// The young-generation cap of streaming commands, in fresh Node processes (it changes a V8 flag for the
// whole process): without it, an allocation pattern like an export's grows new space past the cap.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

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
