// Export benchmark: `tally ledger export` of a bytespike ledger from the sandbox, timed in the same run
// against (a) curl downloading the same pages and (b) the Python CSV-export example from the seed.
// Also, in the same runs, the lower bounds of bench/floor.mjs (only downloading the pages, and downloading
// and parsing them), and peak RSS of the export at several ledger sizes, to show it stays flat.
//
// Usage: node bench/export.mjs [entries=200000] [runs=3] [rss sizes=10000,200000,1000000]
// Needs: npm run build, curl, python3 with requests, GNU time (/usr/bin/time).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox } from './sandbox.mjs';

const entries = Number(process.argv[2] ?? 200_000);
const runs = Number(process.argv[3] ?? 3);
const rssSizes = (process.argv[4] ?? '10000,200000,1000000').split(',').map(Number);
const bin = fileURLToPath(new URL('../bin/tally.js', import.meta.url));
const python = fileURLToPath(new URL('./bytespike_export.py', import.meta.url));
const floor = fileURLToPath(new URL('./floor.mjs', import.meta.url));
const FLOORS = ['raw-socket', 'node-http', 'tally-http', 'tally-http+parse'];
const work = mkdtempSync(join(tmpdir(), 'tally-bench-'));

/** Wall seconds and peak RSS (KiB) of a command, from GNU time. */
function timed(cmd, args, env = {}) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', cmd, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 1 << 26,
  });
  const lines = r.stderr.toString().trim().split('\n');
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${lines.join(' ')}`);
  const [seconds, kb] = lines.pop().split(' ').map(Number);
  return { seconds, kb };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const sandbox = await startSandbox(bin, entries);
try {
  const env = { TALLY_PROVIDER: 'bytespike', TALLY_BASE_URL: sandbox.baseUrl, TALLY_API_KEY: sandbox.key, TALLY_CONFIG_DIR: work };
  const pages = Math.ceil(entries / 200);
  const curlConfig = join(work, 'curl.cfg');
  writeFileSync(
    curlConfig,
    Array.from(
      { length: pages },
      (_, i) => `url = "${sandbox.baseUrl}/api/v1/me/billing/transactions?page=${i + 1}&page_size=200"\noutput = /dev/null\n`,
    ).join(''),
  );
  const out = join(work, 'export.csv');
  const results = { tally: [], curl: [], python: [], ...Object.fromEntries(FLOORS.map((f) => [f, []])) };
  for (let i = 0; i < runs; i++) {
    results.curl.push(timed('curl', ['-sf', '-H', `Authorization: Bearer ${sandbox.key}`, '-K', curlConfig]).seconds);
    results.tally.push(timed(process.execPath, [bin, 'ledger', 'export', '--out', out], env).seconds);
    results.python.push(timed('python3', [python], { BYTESPIKE_BASE_URL: sandbox.baseUrl, BYTESPIKE_API_KEY: sandbox.key }).seconds);
    for (const mode of FLOORS) results[mode].push(timed(process.execPath, [floor, mode, String(pages)], env).seconds);
  }
  for (const [name, xs] of Object.entries(results)) console.log(`  runs ${name}: ${xs.map((x) => x.toFixed(2)).join(' ')}`);
  const t = median(results.tally);
  const c = median(results.curl);
  const p = median(results.python);
  console.log(`bytespike export of ${entries} entries (${pages} pages), median of ${runs} runs, ${new Date().toISOString().slice(0, 10)}`);
  console.log(`  curl (same pages, one connection)   ${c.toFixed(2)} s`);
  console.log(`  tally ledger export --out file.csv   ${t.toFixed(2)} s   ${(t / c).toFixed(2)}x curl (target <= 1.5x)`);
  console.log(`  python seed example                  ${p.toFixed(2)} s   tally is ${(p / t).toFixed(2)}x faster (target >= 4x)`);
  console.log(
    `lower bounds (bench/floor.mjs: pages downloaded, or downloaded and parsed; nothing mapped or written; 4x Python needs <= ${(p / 4).toFixed(2)} s)`,
  );
  for (const mode of FLOORS) {
    const f = median(results[mode]);
    console.log(`  ${mode.padEnd(36)} ${f.toFixed(2)} s   ${(f / c).toFixed(2)}x curl, ${(p / f).toFixed(2)}x faster than Python`);
  }
} finally {
  sandbox.child.kill();
}

console.log('peak RSS of tally ledger export (target < 150 MiB, flat):');
for (const size of rssSizes) {
  const s = await startSandbox(bin, size);
  try {
    const env = { TALLY_PROVIDER: 'bytespike', TALLY_BASE_URL: s.baseUrl, TALLY_API_KEY: s.key, TALLY_CONFIG_DIR: work };
    const r = timed(process.execPath, [bin, 'ledger', 'export', '--out', join(work, 'rss.csv')], env);
    console.log(`  ${String(size).padStart(8)} entries: ${(r.kb / 1024).toFixed(1)} MiB, ${r.seconds.toFixed(2)} s`);
  } finally {
    s.child.kill();
  }
}
rmSync(work, { recursive: true, force: true });
