// The --faults spec: which requests get a 429, a 5xx, a dropped connection, a slow or truncated body, and
// how many entries a listing serves a page at most.
import { sequence } from './rng.js';

export const FAULT_KINDS = ['429', '500', '502', '503', '504', 'reset', 'truncate', 'slow', 'nonjson', 'badshape', 'shift', 'cap'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  kind: FaultKind;
  /** Retry-After seconds for 429/503, delay in ms for slow, entries a page for cap. */
  arg?: number;
}

interface FaultRule extends Fault {
  /** remaining count for `kind*N`; undefined = not count-limited */
  remaining?: number;
  /** probability for `kind%P` */
  probability?: number;
  /** `kind@N`: only the N-th request (1-based) */
  at?: number;
}

/**
 * Grammar: item[,item…]; item = kind [*N | %P | @N] [=ARG].
 * `503*2` the next two requests; `reset%5` five per cent of requests; `503@3` the third request only;
 * `slow=3000` every request, 3 s late; `429*1=3600` one 429 with Retry-After: 3600;
 * `shift%20` an entry posts before one request in five is answered; `cap=50` every paginated listing serves at
 * most 50 entries a page, whatever is asked (echoing that size where its API echoes one), on every request.
 */
export function parseFaults(spec: string): FaultRule[] {
  const rules: FaultRule[] = [];
  for (const raw of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([a-z0-9]+)(?:\*(\d+)|%(\d+(?:\.\d+)?)|@(\d+))?(?:=(\d+))?$/.exec(raw);
    const kind = m?.[1] as FaultKind | undefined;
    if (!m || !kind || !FAULT_KINDS.includes(kind)) {
      throw new RangeError(`bad fault "${raw}": expected kind[*count|%percent|@request][=arg] with kind one of ${FAULT_KINDS.join(', ')}`);
    }
    if (kind === 'cap' && (m[2] !== undefined || m[3] !== undefined || m[4] !== undefined || !(Number(m[5]) >= 1))) {
      throw new RangeError(`bad fault "${raw}": cap takes the most entries a page, as cap=50, and applies to every page`);
    }
    rules.push({
      kind,
      ...(m[2] !== undefined ? { remaining: Number(m[2]) } : {}),
      ...(m[3] !== undefined ? { probability: Number(m[3]) / 100 } : {}),
      ...(m[4] !== undefined ? { at: Number(m[4]) } : {}),
      ...(m[5] !== undefined ? { arg: Number(m[5]) } : {}),
    });
  }
  return rules;
}

export class FaultInjector {
  private readonly rules: FaultRule[];
  private readonly random: () => number;
  private served = 0;

  constructor(spec: string | undefined, seed: number) {
    this.rules = spec ? parseFaults(spec) : [];
    this.random = sequence(seed);
  }

  /** The most entries a page of any listing serves (`cap=N`), or undefined: no cap but each API's own. */
  get pageCap(): number | undefined {
    return this.rules.find((rule) => rule.kind === 'cap')?.arg;
  }

  /** The fault for the next request, if any. Count-limited rules are used up in the order given. */
  next(): Fault | undefined {
    this.served++;
    for (const rule of this.rules) {
      if (rule.kind === 'cap') continue; // not a fault of one request: see pageCap
      if (rule.at !== undefined) {
        if (rule.at === this.served) return rule;
        continue;
      }
      if (rule.remaining !== undefined) {
        if (rule.remaining > 0) {
          rule.remaining--;
          return rule;
        }
        continue;
      }
      if (rule.probability !== undefined) {
        if (this.random() < rule.probability) return rule;
        continue;
      }
      return rule;
    }
    return undefined;
  }

  /** Replaces the rules (tests reconfigure a running sandbox). */
  set(spec: string | undefined): void {
    this.rules.splice(0, this.rules.length, ...(spec ? parseFaults(spec) : []));
    this.served = 0;
  }
}
