// Before/after benchmark: two builds of tally timed in the same run, alternately, against one sandbox —
// `ledger export --out` of a bytespike ledger (newest first, and oldest first through the spool) and
// `reconcile` of it (live, and --file of the export).
//
// Usage: node bench/ab.mjs <before-checkout> [after-checkout=.] [entries=200000] [runs=5]
//   a checkout is a directory with a built tally (bin/tally.js and dist/), e.g. a `git worktree` of the
//   commit before a change, built with `npm run build`.
// Needs: GNU time (/usr/bin/time).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSandbox } from './sandbox.mjs';

const [beforeDir, afterDir = '.', entriesArg = '200000', runsArg = '5'] = process.argv.slice(2);
if (!beforeDir) {
  console.error('usage: node bench/ab.mjs <before-checkout> [after-checkout=.] [entries=200000] [runs=5]');
  process.exit(2);
}
const entries = Number(entriesArg);
const runs = Number(runsArg);
const builds = { before: resolve(beforeDir, 'bin/tally.js'), after: resolve(afterDir, 'bin/tally.js') };
const work = mkdtempSync(join(tmpdir(), 'tally-ab-'));

/** Wall seconds and peak RSS (KiB) of a command, from GNU time; exit codes other than `ok` fail the run. */
function timed(args, env, ok = [0]) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const lines = r.stderr.toString().trim().split('\n');
  const [seconds, kb] = lines.pop().split(' ').map(Number);
  if (!ok.includes(r.status)) throw new Error(`${args.join(' ')} exited ${r.status}: ${lines.join(' ')}`);
  return { seconds, kb };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const tasks = {
  'ledger export --out file.csv': (bin, out) => [bin, 'ledger', 'export', '--out', out],
  'ledger export --order asc': (bin, out) => [bin, 'ledger', 'export', '--order', 'asc', '--out', out],
  reconcile: (bin) => [bin, 'reconcile'],
  'reconcile --file file.csv': (bin, out) => [bin, 'reconcile', '--file', out],
};

const sandbox = await startSandbox(builds.after, entries);
try {
  const env = { TALLY_PROVIDER: 'bytespike', TALLY_BASE_URL: sandbox.baseUrl, TALLY_API_KEY: sandbox.key, TALLY_CONFIG_DIR: work };
  const results = {};
  for (let i = 0; i < runs; i++) {
    // alternate which build goes first, so neither always runs on a warmer machine
    const order = i % 2 === 0 ? ['before', 'after'] : ['after', 'before'];
    for (const [task, argsOf] of Object.entries(tasks)) {
      for (const build of order) {
        const out = join(work, `${build}.csv`);
        const r = timed(argsOf(builds[build], out), env);
        ((results[task] ??= { before: [], after: [] })[build] ??= []).push(r);
      }
    }
  }
  console.log(`bytespike ledger of ${entries} entries, median of ${runs} alternating runs, ${new Date().toISOString().slice(0, 10)}`);
  console.log(`  before: ${builds.before}\n  after:  ${builds.after}`);
  for (const [task, { before, after }] of Object.entries(results)) {
    const b = median(before.map((r) => r.seconds));
    const a = median(after.map((r) => r.seconds));
    const bm = Math.max(...before.map((r) => r.kb)) / 1024;
    const am = Math.max(...after.map((r) => r.kb)) / 1024;
    console.log(
      `  ${task.padEnd(30)} before ${b.toFixed(2)} s ${bm.toFixed(0)} MiB   after ${a.toFixed(2)} s ${am.toFixed(0)} MiB   after/before ${(a / b).toFixed(2)}x`,
    );
  }
} finally {
  sandbox.child.kill();
  rmSync(work, { recursive: true, force: true });
}
