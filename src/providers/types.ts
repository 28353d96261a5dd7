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
}

/** What an adapter is handed: the HTTP client already carrying base URL, auth and retries. */
export interface ProviderContext {
  http: HttpClient;
  now: () => Date;
}

export interface ProviderAdapter {
  readonly info: ProviderInfo;
  /** Pulls the provider's own message out of an error body. */
  errorMessage?(body: unknown): string | undefined;
  balance?(ctx: ProviderContext): Promise<Balance>;
}

export interface ProviderEntry extends ProviderInfo {
  load(): Promise<ProviderAdapter>;
}
