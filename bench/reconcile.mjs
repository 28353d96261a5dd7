// Reconcile benchmark. (1) The pure chain check over N entries, against a baseline in the same process
// that only sums the amounts exactly. (2) `tally reconcile --file` of an N-row NDJSON and CSV export made by
// `tally ledger export` from the sandbox: wall time and peak RSS, beside `wc -l` reading the same file.
//
// Usage: node bench/reconcile.mjs [entries=1000000] [skip-files]
// Needs: npm run build, GNU time (/usr/bin/time).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Decimal } from '../dist/core/money.js';
import { ChainChecker } from '../dist/reconcile/check.js';

const entries = Number(process.argv[2] ?? 1_000_000);
const skipFiles = process.argv[3] === 'skip-files';
const bin = fileURLToPath(new URL('../bin/tally.js', import.meta.url));

/** Entries as an adapter makes them: decimals read from JSON floats, newest first. */
function makeEntries(n) {
  const list = new Array(n);
  let balanceCents = 5000;
  const t0 = Date.parse('2024-01-01T00:00:00Z');
  const oldestFirst = [];
  for (let i = 0; i < n; i++) {
    const cents = i % 40 === 0 ? 5000 : -((i * 7919) % 300) - 1;
    balanceCents += cents;
    oldestFirst.push([i, cents, balanceCents]);
  }
  for (let k = 0; k < n; k++) {
    const [i, cents, bal] = oldestFirst[n - 1 - k];
    list[k] = {
      id: `e${i}`,
      createdAt: new Date(t0 + i * 60_000).toISOString(),
      type: cents > 0 ? 'purchase' : 'usage',
      amount: Decimal.fromNumber(cents / 100),
      balanceAfter: Decimal.fromNumber(bal / 100),
      unit: 'USD',
    };
  }
  return list;
}

function time(label, fn) {
  const list = makeEntries(entries); // fresh decimals each time: the lazy bigint is part of the work
  const t = performance.now();
  const out = fn(list);
  const s = (performance.now() - t) / 1000;
  return { label, s, rate: entries / s, out };
}

const baseline = time('baseline: sum amounts exactly', (list) => {
  let sum = Decimal.ZERO;
  for (const e of list) sum = sum.add(e.amount);
  return sum;
});
// live: the paging already passed each id once; --file: the checker remembers every id itself
const check = time('chain check, live (ids unique)', (list) => {
  const c = new ChainChecker({ direction: 'desc', idsUnique: true });
  for (const e of list) c.push(e);
  return c.finish();
});
const checkIds = time('chain check, --file (every id)', (list) => {
  const c = new ChainChecker({ direction: 'desc' });
  for (const e of list) c.push(e);
  return c.finish();
});
if (check.out.issueCount !== 0 || checkIds.out.issueCount !== 0) throw new Error('the generated ledger should reconcile');
console.log(`pure check over ${entries} entries, ${new Date().toISOString().slice(0, 10)}:`);
for (const r of [baseline, check, checkIds]) {
  console.log(`  ${r.label.padEnd(32)} ${r.s.toFixed(3)} s  ${Math.round(r.rate).toLocaleString('en-US')} entries/s`);
}
console.log(
  `  check / baseline: ${(check.s / baseline.s).toFixed(2)}x live, ${(checkIds.s / baseline.s).toFixed(2)}x --file   (target >= 1,000,000 entries/s)`,
);

if (!skipFiles) {
  const work = mkdtempSync(join(tmpdir(), 'tally-bench-rec-'));
  const sandbox = spawn(process.execPath, [bin, 'sandbox', '--port', '0', '--json', '--entries', String(entries)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let text = '';
  let info;
  for await (const chunk of sandbox.stdout) {
    text += chunk;
    try {
      info = JSON.parse(text);
      break;
    } catch {
      // not all of it yet
    }
  }
  const spike = info.providers.find((p) => p.id === 'bytespike');
  const env = {
    ...process.env,
    TALLY_PROVIDER: 'bytespike',
    TALLY_BASE_URL: spike.baseUrl,
    TALLY_API_KEY: spike.accounts.find((a) => a.name === 'ok').key,
    TALLY_CONFIG_DIR: work,
  };
  const timed = (cmd, args) => {
    const r = spawnSync('/usr/bin/time', ['-f', '%e %M', cmd, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const [s, kb] = r.stderr.toString().trim().split('\n').pop().split(' ').map(Number);
    return { s, mib: kb / 1024, status: r.status };
  };
  console.log(`reconcile --file of a ${entries}-entry export (target: peak RSS < 150 MiB):`);
  try {
    for (const format of ['ndjson', 'csv']) {
      const file = join(work, `ledger.${format}`);
      const made = timed(process.execPath, [bin, 'ledger', 'export', `--${format}`, '--out', file]);
      if (made.status !== 0) throw new Error(`export failed (${made.status})`);
      const wc = timed('wc', ['-l', file]);
      const r = timed(process.execPath, [bin, 'reconcile', '--file', file, '-q']);
      if (r.status !== 0) throw new Error(`reconcile --file exited ${r.status}`);
      const mb = statSync(file).size / 1048576;
      console.log(
        `  ${format.padEnd(6)} ${mb.toFixed(0)} MiB file: ${r.s.toFixed(2)} s (${Math.round(entries / r.s).toLocaleString('en-US')} entries/s, wc -l ${wc.s.toFixed(2)} s), peak RSS ${r.mib.toFixed(1)} MiB`,
      );
    }
  } finally {
    sandbox.kill();
    rmSync(work, { recursive: true, force: true });
  }
}
