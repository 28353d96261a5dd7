// The provider interface and the normalised models every command works with.
import type { HttpClient } from '../core/http.js';
import type { Decimal } from '../core/money.js';

/** Commands a provider may offer; `tally providers` prints this matrix. */
export const COMMANDS = ['balance', 'ledger', 'usage', 'account', 'packs', 'checkout', 'reconcile'] as const;
export type CommandName = (typeof COMMANDS)[number];

export type AuthKind = 'bearer' | 'x-api-key';

/** What is known about a provider without loading its code. */
export interface ProviderInfo {
  readonly id: string;
  readonly name: string;
  readonly auth: AuthKind;
  /** null: the user must give a base URL. */
  readonly defaultBaseUrl: string | null;
  readonly commands: readonly CommandName[];
  /** 'purchases': the ledger lists purchases only (conflux), so balances drop between entries by consumption. */
  readonly ledgerKind?: 'chain' | 'purchases';
  /** How `usage --by` can group this provider's usage (the first is the default); [] when it cannot. */
  readonly usageGroups?: readonly UsageGroupBy[];
  /** Commands that need no key (conflux packs). */
  readonly keyless?: readonly CommandName[];
  /** The fee added to a pack's price, as a decimal fraction ("0.05": conflux's 5% on purchases). */
  readonly packFee?: string;
  /** 'lifetime': usage is lifetime consumption only (conflux), so --since and --until do not apply. */
  readonly usageScope?: 'period' | 'lifetime';
  /** The provider's own ledger entry types and what each normalises to. */
  readonly entryTypes: Readonly<Record<string, EntryType>>;
  /** Advice shown with a 403. */
  readonly forbiddenHint?: string;
}

export interface Balance {
  unit: string;
  balance: Decimal | null;
  available: Decimal | null;
  reserved: Decimal | null;
  /** ISO 8601 UTC. */
  asOf: string | null;
  /** Where the figure comes from: the balance endpoint, or (indigenius) the newest transaction. */
  source: 'balance endpoint' | 'newest transaction';
  /** Lifetime totals, where the provider reports them (conflux): balance == purchased - consumed. */
  totals?: { purchased: Decimal; consumed: Decimal };
}

/** What an adapter is handed: the HTTP client already carrying base URL, auth and retries. */
export interface ProviderContext {
  http: HttpClient;
  now: () => Date;
}

/** Normalised entry types (SPEC §4); `providerType` keeps the provider's own word. */
export const ENTRY_TYPES = ['purchase', 'usage', 'refund', 'credit', 'debit', 'adjustment', 'subscription'] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];

/** One ledger entry, normalised: amount signed as it moves the balance (a debit is negative). */
export interface LedgerEntry {
  id: string;
  /** ISO 8601 UTC. */
  createdAt: string;
  type: EntryType;
  providerType: string;
  amount: Decimal;
  balanceAfter: Decimal | null;
  unit: string;
  description: string | null;
  reference: string | null;
  metadata: Record<string, unknown> | null;
}

/** What a ledger read asks for; the adapter pushes what its API can filter and says which it did. */
export interface LedgerQuery {
  /** Normalised types or the provider's own words: entries of any of them. */
  types?: readonly string[];
  since?: Date;
  until?: Date;
  /** The instant the read started, by the local clock: never sent as a bound, which the provider's clock may be past. */
  startedAt: Date;
  /** Reports each page as it arrives, with the provider's total where it gives one (progress). */
  onPage?: (entries: number, total?: number) => void;
  /**
   * Hears of an identical entry the provider listed twice — in a row, or far apart in a listing that accounts
   * for itself (providers/shared/paginate.ts) — which the read yields once. Without it such a repeat fails
   * the read (exit 4): it is never dropped unseen.
   */
  onRepeat?: (entry: LedgerEntry) => void;
}

export interface LedgerRead {
  /** Newest first, each entry exactly once, a page at a time (per-entry promises cost more than the work). */
  pages: AsyncIterable<LedgerEntry[]>;
  /** Filters sent to the provider (applied locally all the same: providers/shared/filter.ts); progress counts by them. */
  applied: { type: boolean; since: boolean; until: boolean };
}

export const USAGE_GROUPS = ['model', 'day', 'product'] as const;
export type UsageGroupBy = (typeof USAGE_GROUPS)[number];
export const USAGE_PERIODS = ['daily', 'monthly', 'yearly'] as const;
export type UsagePeriod = (typeof USAGE_PERIODS)[number];

export interface UsageQuery {
  since?: Date;
  until?: Date;
  period?: UsagePeriod;
  by?: UsageGroupBy;
  /** Zone for grouping by day (--tz). */
  zone: string;
  startedAt: Date;
  /** Reports each page of records read, with the provider's total where it gives one (progress). */
  onPage?: (records: number, total?: number) => void;
}

/** Counts and spend; a figure the provider does not give is null. */
export interface UsageFigures {
  requests: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  /** Total tokens, where the provider counts them without splitting input and output (conduit). */
  tokens: number | null;
  /** Seconds (indigenius duration). */
  duration: number | null;
  cost: Decimal | null;
}

export interface UsageGroup extends UsageFigures {
  key: string;
}

export interface UsageReport {
  unit: string;
  from: string | null;
  to: string | null;
  by: UsageGroupBy | 'endpoint' | null;
  totals: UsageFigures & { successful?: number | null; failed?: number | null };
  groups: UsageGroup[];
  /** conflux: credits per 1K tokens by model tier. */
  rates?: Array<{ tier: string; inputPer1k: Decimal; outputPer1k: Decimal; models: string[] }>;
}

/** An account overview: labelled figures, and tables where the provider has lists (keys, currencies). */
export interface AccountOverview {
  /** `time`: the value is a timestamp, shown in the --tz zone (the label then names the zone). */
  fields: Array<{ label: string; value: string | null; time?: boolean }>;
  tables: Array<{ title: string; columns: string[]; rows: string[][] }>;
  /** The same, as JSON (decimals as strings). */
  json: Record<string, unknown>;
}

export interface Pack {
  key: string;
  name: string;
  price: string;
  creditsAfterFee: string;
  note: string | null;
  /** Parsed: "$9.99" is 9.99 USD, "~950,000" is 950000 credits; null when it does not parse. */
  priceUsd: Decimal | null;
  credits: Decimal | null;
  raw: Record<string, unknown>;
}

export interface ProviderAdapter {
  readonly info: ProviderInfo;
  /** Pulls the provider's own message out of an error body: of an error status, or a 2xx body that says it failed. */
  errorMessage?(body: unknown): string | undefined;
  balance?(ctx: ProviderContext): Promise<Balance>;
  ledger?(ctx: ProviderContext, query: LedgerQuery): LedgerRead;
  usage?(ctx: ProviderContext, query: UsageQuery): Promise<UsageReport>;
  account?(ctx: ProviderContext): Promise<AccountOverview>;
  packs?(ctx: ProviderContext): Promise<Pack[]>;
  checkout?(ctx: ProviderContext, pack: string): Promise<string>;
}

export interface ProviderEntry extends ProviderInfo {
  load(): Promise<ProviderAdapter>;
}
