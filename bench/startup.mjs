// Startup benchmark: median wall time and CPU time (user + system) of `tally <args>` beside `node -e 0`,
// run in the same script. CPU time moves far less than wall time when the machine is busy.
// Usage: node bench/startup.mjs [runs] [before-checkout]   (build first: npm run build; needs bash)
//   with a before-checkout (a built `git worktree` of an earlier commit), both builds are timed alternately.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 21);
const before = process.argv[3];
const builds = { after: fileURLToPath(new URL('../bin/tally.js', import.meta.url)) };
if (before) builds.before = resolve(before, 'bin/tally.js');

/** [wall ms, cpu ms] of one run. */
function once(args) {
  const t0 = performance.now();
  // bash's own `time` reports CPU to the millisecond (GNU time to 10 ms)
  const r = spawnSync('bash', ['-c', 'time "$@" > /dev/null 2>&1', 'bash', process.execPath, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, TALLY_CONFIG_DIR: '/nonexistent-tally', TIMEFORMAT: '%3U %3S' },
  });
  const wall = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const [user, sys] = r.stderr.toString().trim().split('\n').at(-1).split(' ').map(Number);
  return [wall, (user + sys) * 1000];
}

const median = (times, i) => times.map((t) => t[i]).sort((a, b) => a - b)[Math.floor(times.length / 2)];

const cases = [['--version'], ['--help'], ['providers'], ['ledger', 'export', '--help']];
const times = new Map();
const add = (key, t) => times.set(key, [...(times.get(key) ?? []), t]);
for (let i = 0; i < runs; i++) {
  add('baseline', once(['-e', '0']));
  for (const args of cases) for (const [name, bin] of Object.entries(builds)) add(`${name} ${args.join(' ')}`, once([bin, ...args]));
}
const figure = (t, base) => `${t.toFixed(1)} ms (${(t / base).toFixed(2)}x, +${(t - base).toFixed(1)} ms)`;
const [baseWall, baseCpu] = [0, 1].map((i) => median(times.get('baseline'), i));
console.log(`${''.padEnd(33)} ${'wall'.padEnd(28)} cpu`);
console.log(`${'node -e 0'.padEnd(33)} ${`${baseWall.toFixed(1)} ms (baseline)`.padEnd(28)} ${baseCpu.toFixed(1)} ms (baseline)`);
for (const args of cases) {
  for (const name of Object.keys(builds)) {
    const runs = times.get(`${name} ${args.join(' ')}`);
    const label = `${before ? `${name} ` : ''}tally ${args.join(' ')}`;
    console.log(`${label.padEnd(33)} ${figure(median(runs, 0), baseWall).padEnd(28)} ${figure(median(runs, 1), baseCpu)}`);
  }
}
