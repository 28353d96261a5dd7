// What every sandbox provider shares: the request/response shapes, keys, parameter parsing.
import { hash32, saltOf } from './rng.js';

export interface SandboxRequest {
  method: string;
  /** The path after the provider prefix, e.g. /api/billing/ledger. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  /** The most entries a page serves (the `cap` fault), whatever the request asks for. */
  pageCap?: number;
}

export interface SandboxResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface SandboxAccount {
  /** Printed label: ok, bad, revoked, noscope… */
  name: string;
  key: string;
  /** What the account is for, printed by `tally sandbox`. */
  purpose: string;
  /** 401 or 403 for every request. */
  refuse?: 401 | 403;
}

export interface SandboxProvider {
  id: string;
  accounts: SandboxAccount[];
  /** The key the request carries, in this provider's header. */
  keyOf(req: SandboxRequest): string | undefined;
  /** Paths answered without a key. */
  isPublic?(req: SandboxRequest): boolean;
  handle(req: SandboxRequest, account: SandboxAccount | undefined): SandboxResponse;
  /** Posts a new entry on the account's ledger now (the `shift` fault). */
  post(account: SandboxAccount): void;
  /** An error body in the provider's own shape. */
  error(status: number, message: string, type?: string): SandboxResponse;
}

export interface SandboxOptions {
  seed: number;
  /** Ledger length of the large accounts. */
  entries: number;
  /** When the newest entries were made (ms): the moment the sandbox started, unless pinned with --end. */
  endMs: number;
}

export function makeKey(provider: string, account: string): string {
  const tag = hash32(saltOf(provider), saltOf(account)).toString(16).padStart(8, '0');
  return `sbx_${provider.replace('-', '')}_${account}_${tag}`;
}

export function bearerKey(req: SandboxRequest): string | undefined {
  const h = req.headers.authorization;
  const value = Array.isArray(h) ? h[0] : h;
  const m = value ? /^Bearer\s+(.+)$/i.exec(value) : null;
  return m?.[1];
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The first day of the month after `ms`, in UTC: when a plan bought before it renews. */
export function nextMonthStart(ms: number): string {
  const d = new Date(ms);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toISOString();
}

export class BadParam extends Error {}

/** An integer query parameter within [min, max], or the default when absent; BadParam otherwise. */
export function intParam(query: URLSearchParams, name: string, def: number, min: number, max: number): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return def;
  if (!/^-?\d+$/.test(raw)) throw new BadParam(`${name} must be an integer`);
  const n = Number(raw);
  if (n < min || n > max) throw new BadParam(`${name} must be between ${min} and ${max}`);
  return n;
}

/** The page size a listing serves: the size asked, or the sandbox's cap (`--faults cap=N`) when that is less. */
export function servedSize(req: SandboxRequest, asked: number): number {
  return req.pageCap === undefined ? asked : Math.min(asked, req.pageCap);
}

/** An ISO timestamp query parameter as ms, or undefined; BadParam when it does not parse. */
export function timeParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  const t = Date.parse(raw);
  if (Number.isNaN(t)) throw new BadParam(`${name} is not parseable`);
  return t;
}
