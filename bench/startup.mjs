// Startup benchmark: median wall time of `tally <args>` beside `node -e 0`, run in the same script.
// Usage: node bench/startup.mjs [runs]   (build first: npm run build)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 21);
const bin = fileURLToPath(new URL('../bin/tally.js', import.meta.url));

function median(args) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { stdio: 'ignore', env: { ...process.env, TALLY_CONFIG_DIR: '/nonexistent-tally' } });
    times.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const baseline = median(['-e', '0']);
console.log(`node -e 0            ${baseline.toFixed(1)} ms  (baseline)`);
for (const args of [['--version'], ['--help'], ['providers']]) {
  const t = median([bin, ...args]);
  console.log(`tally ${args.join(' ').padEnd(14)} ${t.toFixed(1)} ms  (${(t / baseline).toFixed(2)}x, +${(t - baseline).toFixed(1)} ms)`);
}
