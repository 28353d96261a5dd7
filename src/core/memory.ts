// A bound on V8's young generation for the commands that stream millions of entries.
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * New-space size (both semi-spaces) at which it stops growing: 16 MiB. A streaming export keeps ~10 MB
 * alive, but V8 grows the young generation with the allocation rate, up to a size that depends on the
 * Node version and the machine: 32 MiB on Node 20 and 22, 128 MiB on Node 24 with 24 GB of RAM. There
 * a 1,000,000-entry export peaked at 234 MiB of RSS; held at 16 MiB it peaks at ~134 MiB on Node 24 and
 * ~106 MiB on Node 20, for a few per cent more CPU in scavenges.
 */
export const YOUNG_GENERATION_CAP = 16 << 20;

/**
 * reconcile's cap: it holds a table of every id it has read (its own for --file, paging's when live), ~25 MB at
 * a million, beside what it parses. At 8 MiB a 1,000,000-entry `reconcile --file` of an NDJSON export peaks at
 * ~134-141 MiB on Node 20 instead of ~151-158 (bench/README.md), for no CPU that could be measured.
 */
export const RECONCILE_YOUNG_GENERATION_CAP = 8 << 20;

/**
 * The xlsx export's cap: exceljs makes several short-lived strings and buffers of every row's XML, which a
 * larger young generation lets pile up: on Node 24 a 200,000-entry workbook peaked at 160-186 MiB with the
 * export's 16 MiB cap and a full collection every 16,384 rows; at 8 MiB and every 4,096 rows, below 150.
 */
export const WORKBOOK_YOUNG_GENERATION_CAP = 8 << 20;

function newSpaceSize(): number {
  return v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
}

/**
 * Stops the young generation growing once it reaches `cap` bytes. V8 reads its growth factor each time it
 * grows new space (its maximum is fixed at start-up, too late to set from here), so after each collection
 * the size is checked, and the factor set to 1 once the cap is reached.
 */
export function capYoungGeneration(cap = YOUNG_GENERATION_CAP): void {
  const reached = () => {
    if (newSpaceSize() < cap) return false;
    v8.setFlagsFromString('--semi-space-growth-factor=1');
    return true;
  };
  if (reached()) return;
  const observer = new PerformanceObserver(() => {
    if (reached()) observer.disconnect();
  });
  observer.observe({ entryTypes: ['gc'] });
}

let collect: (() => void) | undefined;

/**
 * A full garbage collection, now. Buffers a stream has let go of are freed by a full collection only, which V8
 * starts by itself once some 64 MiB of them have piled up: past the 150 MiB budget in the xlsx export, where
 * exceljs copies each row's XML into fresh buffers on its way into the zip (a 200,000-entry export peaked at
 * 115-148 MiB of RSS, run to run, on Node 20; collected every 16,384 rows, at 108-109 MiB, for ~10 ms a collection;
 * Node 24 needs one every 4,096 rows and WORKBOOK_YOUNG_GENERATION_CAP).
 */
export function collectGarbage(): void {
  if (!collect) {
    // V8's own gc(), exposed by its flag and fetched from a fresh context, where the flag gives it
    v8.setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
}
