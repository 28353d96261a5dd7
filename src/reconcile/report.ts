// What one reconciliation found, live or from a file: the shape the command prints and `--json` writes.
import type { Decimal } from '../core/money.js';
import type { Issue, Tolerated } from './check.js';

/** One reconciliation's outcome (SPEC §4 `reconcile --json`), plus what the human report also says. */
export interface Report {
  profile: string | null;
  provider: string | null;
  unit: string | null;
  /** The opening's unit, where the ledger's unit changes (a `unit_change`) and it is not `unit`. */
  openingUnit?: string;
  checked: number;
  opening: Decimal | null;
  closing: Decimal | null;
  currentBalance: Decimal | null;
  issues: Issue[];
  issueCount: number;
  from: string | null;
  to: string | null;
  /** The differences --tolerance let pass (chain links, the head, the identities): none counted is count 0. */
  tolerated: Tolerated;
  /** Checks not made and why (offline, no balance endpoint, a filtered period). */
  notes: string[];
  /** The checkpoint the run started from, when it did. */
  resumedFrom?: { id: string; createdAt: string };
  /** On a --checkpoint run: the checkpoint used, or null when there was none (or it was reset). */
  checkpoint?: { id: string; createdAt: string; verifiedAt: string } | null;
}

/** `openingUnit` for a report in `unit` whose oldest entry checked is in another (a ledger whose unit changes). */
export function openingUnitOf(oldest: { unit?: string } | null, unit: string | null): { openingUnit?: string } {
  return oldest?.unit !== undefined && unit !== null && oldest.unit !== unit ? { openingUnit: oldest.unit } : {};
}
