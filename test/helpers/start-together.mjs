// Preloaded (node --import) into processes a test races: loads the CLI's modules first, then waits until
// all of them have, so they reach their first file-system step together instead of spread over their
// start-up. TALLY_TEST_BARRIER is "<directory>:<number of processes>".
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { URL } from 'node:url';

const root = new URL('../../dist/', import.meta.url);
// what a raced `reconcile --checkpoint` loads before it takes its lock, and no more: every module loaded
// here costs each of the hundreds of processes the races start (conf alone ~140 ms of CPU on 2 cores)
await import(new URL('cli.js', root).href);
await import(new URL('commands/reconcile.js', root).href);
await import('proper-lockfile').catch(() => undefined);
const [dir, count] = (process.env.TALLY_TEST_BARRIER ?? '').split(':');
if (dir && count) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, String(process.pid)), '');
  const nap = new Int32Array(new SharedArrayBuffer(4));
  while (readdirSync(dir).length < Number(count)) Atomics.wait(nap, 0, 0, 1);
}
