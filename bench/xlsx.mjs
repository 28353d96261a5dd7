// The xlsx export against the CSV export of the same ledger, in the same run, alternately: a ratio, not a timing.
//
// Usage: node bench/xlsx.mjs [entries=200000] [runs=5] [checkout=.]
//   times `tally ledger export --out file.csv` and `--format xlsx --out file.xlsx` (newest first, and oldest
//   first through the spool) of one bytespike sandbox ledger; a checkout is a directory with a built tally.
// Needs: GNU time (/usr/bin/time).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSandbox } from './sandbox.mjs';

const [entriesArg = '200000', runsArg = '5', checkout = '.'] = process.argv.slice(2);
const entries = Number(entriesArg);
const runs = Number(runsArg);
const bin = resolve(checkout, 'bin/tally.js');
const work = mkdtempSync(join(tmpdir(), 'tally-xlsx-bench-'));

/** Wall seconds and peak RSS (KiB) of a command, from GNU time; a non-zero exit fails the run. */
function timed(args, env) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, bin, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const lines = r.stderr.toString().trim().split('\n');
  const [seconds, kb] = lines.pop().split(' ').map(Number);
  if (r.status !== 0) throw new Error(`tally ${args.join(' ')} exited ${r.status}: ${lines.join(' ')}`);
  return { seconds, kb };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const tasks = {
  csv: (out) => ['ledger', 'export', '--out', `${out}.csv`],
  xlsx: (out) => ['ledger', 'export', '--format', 'xlsx', '--out', `${out}.xlsx`],
  'csv --order asc': (out) => ['ledger', 'export', '--order', 'asc', '--out', `${out}.csv`],
  'xlsx --order asc': (out) => ['ledger', 'export', '--format', 'xlsx', '--order', 'asc', '--out', `${out}.xlsx`],
};

const sandbox = await startSandbox(bin, entries);
try {
  const env = {
    TALLY_PROVIDER: 'bytespike',
    TALLY_BASE_URL: sandbox.baseUrl,
    TALLY_API_KEY: sandbox.key,
    TALLY_CONFIG_DIR: work,
    NO_COLOR: '1',
  };
  const results = {};
  for (let i = 0; i < runs; i++) {
    // alternate which goes first, so neither always runs on a warmer machine
    const names = Object.keys(tasks);
    for (const task of i % 2 === 0 ? names : names.reverse()) {
      (results[task] ??= []).push(timed(tasks[task](join(work, 'ledger')), env));
    }
  }
  const size = (ext) => (statSync(join(work, `ledger.${ext}`)).size / 1048576).toFixed(1);
  console.log(
    `bytespike ledger of ${entries} entries, median of ${runs} alternating runs, ${new Date().toISOString().slice(0, 10)}, ${bin}`,
  );
  for (const [task, rs] of Object.entries(results)) {
    const s = median(rs.map((r) => r.seconds));
    const mib = Math.max(...rs.map((r) => r.kb)) / 1024;
    const base = median(results[task.replace('xlsx', 'csv')].map((r) => r.seconds));
    const ratio = task.startsWith('xlsx') ? `   xlsx/csv ${(s / base).toFixed(2)}x` : '';
    console.log(`  ${task.padEnd(18)} ${s.toFixed(2)} s  peak ${mib.toFixed(0)} MiB${ratio}`);
  }
  console.log(`  files: ledger.csv ${size('csv')} MiB, ledger.xlsx ${size('xlsx')} MiB`);
} finally {
  sandbox.child.kill();
  rmSync(work, { recursive: true, force: true });
}
