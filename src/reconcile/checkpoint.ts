// Reconcile checkpoints in the config directory, one per account (provider + base URL + key fingerprint),
// written atomically, guarded by a lock (core/lock), with a digest of all history they verified.
//
// The digest, and how `--full` names the first entry that changed. History is cut into blocks of at
// most BLOCK entries; a block is named by its newest and oldest entry ids and holds its entry count and
// the sum, mod 2^128, of a 128-bit SHA-256 of each entry's accounting fields. A sum does not depend on
// the order the entries are read in, so blocks are built in one newest-first pass in constant memory,
// and a checkpoint run adds its new entries to the newest block until it is full, then starts new ones:
// older blocks are never rewritten. `--full` reads everything again and starts a block where it meets
// a block's newest id, so an entry changed, inserted or removed in a block changes that block alone
// (a removed newest id folds the block into the newer one, and the older of the two is still named).
// The oldest block that differs holds the first change. Within it the entries are not kept, so the
// report names that block's entries (its oldest and newest id, at most BLOCK of them); this keeps the
// checkpoint at about 100 bytes per BLOCK entries instead of a record per entry.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { AtomicFile } from '../core/atomic-file.js';
import { UsageError } from '../core/errors.js';
import { acquireLock, type HeldLock, LEASE_MS, LockBusy } from '../core/lock.js';
import { toIsoUtc } from '../core/dates.js';
import { describeJsonError } from '../core/json-position.js';
import { Decimal, formatAmount } from '../core/money.js';
import type { CheckEntry } from './check.js';

/** Entries per digest block. */
export const BLOCK = 256;
const MOD = 1n << 128n;

/** [oldest id, newest id, entries, sum as 32 hex digits], oldest block first. */
export type DigestBlock = [from: string, to: string, count: number, sum: string];

/**
 * The checkpoint file's version: what its digest hashes (entryHash) and how its blocks are cut. A file without one
 * was written before files carried it, with the same digest: version 1. A later version is a newer tally's, refused.
 */
export const CHECKPOINT_VERSION = 1;

/** The newest verified entry, and the running purchase sums a purchases-only ledger needs next time. */
export interface Checkpoint {
  version?: number;
  id: string;
  createdAt: string;
  balanceAfter: string | null;
  unit: string;
  verifiedAt: string;
  /** conflux: Σ purchases and Σ consumption between them, over everything verified so far. */
  purchased?: string;
  consumedBetween?: string;
  /** Which account it is for (never the key) and the profile that wrote it, for `profiles remove`. */
  provider: string;
  baseUrl: string;
  profile: string | null;
  /** Every entry verified, in blocks. */
  blocks: DigestBlock[];
}

/** A file-name-safe key for one account: provider, base URL and a fingerprint of the key, never the key. */
export function checkpointKey(provider: string, baseUrl: string, key: string): string {
  const fingerprint = createHash('sha256').update(key).digest('hex').slice(0, 16);
  const digest = createHash('sha256').update(`${provider}\n${baseUrl}\n${fingerprint}`).digest('hex').slice(0, 16);
  return `${provider}-${digest}`;
}

function entryHash(e: CheckEntry): bigint {
  const balance = e.balanceAfter === null ? '' : e.balanceAfter.toString();
  const line = `${e.id}\t${e.createdAt}\t${e.type}\t${e.amount.toString()}\t${balance}\t${e.unit ?? ''}`;
  return BigInt(`0x${createHash('sha256').update(line).digest('hex').slice(0, 32)}`);
}

const hex = (sum: bigint) => sum.toString(16).padStart(32, '0');

/** Blocks of entries read newest first (the newest BLOCK entries first, the oldest block partial). */
export class HistoryDigest {
  private readonly built: DigestBlock[] = [];
  private current: { from: string; to: string; count: number; sum: bigint } | undefined;

  add(e: CheckEntry): void {
    if (!this.current) this.current = { from: e.id, to: e.id, count: 0, sum: 0n };
    const c = this.current;
    c.from = e.id;
    c.count++;
    c.sum = (c.sum + entryHash(e)) % MOD;
    if (c.count >= BLOCK) this.close();
  }

  private close(): void {
    const c = this.current;
    if (c) this.built.push([c.from, c.to, c.count, hex(c.sum)]);
    this.current = undefined;
  }

  /** Oldest first. */
  blocks(): DigestBlock[] {
    this.close();
    return [...this.built].reverse();
  }
}

/** Verified blocks followed by newer ones; the newest verified block is topped up while it has room. */
export function extendBlocks(verified: DigestBlock[], newer: DigestBlock[]): DigestBlock[] {
  const last = verified.at(-1);
  const first = newer[0];
  if (!last || !first || last[2] + first[2] > BLOCK) return [...verified, ...newer];
  const merged: DigestBlock = [last[0], first[1], last[2] + first[2], hex((BigInt(`0x${last[3]}`) + BigInt(`0x${first[3]}`)) % MOD)];
  return [...verified.slice(0, -1), merged, ...newer.slice(1)];
}

/** The first verified block, oldest first, that the history read again no longer matches. */
export interface ChangedBlock {
  index: number;
  block: DigestBlock;
  /** What was read for it now, when it was found at all. */
  now: { count: number } | null;
}

/** Compares history read again newest first against a checkpoint's blocks (see the top of this file). */
export class HistoryVerifier {
  private readonly starts = new Map<string, number>();
  private readonly seen: Array<{ count: number; sum: bigint; twice: boolean } | undefined>;
  private current = -1;

  constructor(private readonly verified: DigestBlock[]) {
    verified.forEach((b, i) => this.starts.set(b[1], i));
    this.seen = verified.map(() => undefined);
  }

  add(e: CheckEntry): void {
    const start = this.starts.get(e.id);
    if (start !== undefined) {
      const was = this.seen[start];
      if (was) was.twice = true;
      else this.seen[start] = { count: 0, sum: 0n, twice: false };
      this.current = start;
    }
    const block = this.current >= 0 ? this.seen[this.current] : undefined;
    if (!block) return; // newer than the checkpoint
    block.count++;
    block.sum = (block.sum + entryHash(e)) % MOD;
  }

  firstChanged(): ChangedBlock | null {
    for (let i = 0; i < this.verified.length; i++) {
      const block = this.verified[i] as DigestBlock;
      const now = this.seen[i];
      if (!now || now.twice || now.count !== block[2] || hex(now.sum) !== block[3]) {
        return { index: i, block, now: now ? { count: now.count } : null };
      }
    }
    return null;
  }
}

/** The checkpoint of a verified entry, as the next run will compare it. */
export function checkpointOf(
  e: CheckEntry & { unit: string },
  fields: Omit<Checkpoint, 'id' | 'createdAt' | 'balanceAfter' | 'unit'>,
): Checkpoint {
  return {
    version: CHECKPOINT_VERSION,
    id: e.id,
    createdAt: e.createdAt,
    balanceAfter: e.balanceAfter === null ? null : formatAmount(e.balanceAfter, e.unit),
    unit: e.unit,
    ...fields,
  };
}

function invalid(path: string, what: string): UsageError {
  return new UsageError(`checkpoint ${path} is not valid (${what})`, 'remove it, or run reconcile --checkpoint --reset-checkpoint');
}

/** The account a checkpoint is read for: what its file must say it is for. */
export interface CheckpointAccount {
  provider: string;
  baseUrl: string;
  /** The profile in use; null when none is (the key from the environment). */
  profile: string | null;
}

const isDecimal = (value: unknown) => {
  if (typeof value !== 'string') return false;
  try {
    Decimal.parse(value);
    return true;
  } catch {
    return false;
  }
};

/** A time as tally writes it (ISO 8601 UTC, milliseconds): entries' times are compared with it as text. */
const isTime = (value: unknown) => typeof value === 'string' && toIsoUtc(value) === value;

/**
 * Checks a parsed checkpoint field by field, and that it is the account's in use: anything unexpected names the
 * file and the field (exit 2), never reaches the check as a figure it would trust or crash on.
 */
function validate(raw: unknown, path: string, account: CheckpointAccount | undefined): Checkpoint {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid(path, 'expected a JSON object');
  const c = raw as Record<string, unknown>;
  if (c.version !== undefined) {
    if (!Number.isInteger(c.version) || (c.version as number) < 1) throw invalid(path, '"version" must be a whole number from 1');
    if ((c.version as number) > CHECKPOINT_VERSION) throw invalid(path, `"version" is ${String(c.version)}: a newer tally wrote it`);
  }
  for (const field of ['id', 'createdAt', 'unit', 'verifiedAt', 'provider', 'baseUrl'] as const) {
    if (typeof c[field] !== 'string') throw invalid(path, `"${field}" must be a string`);
  }
  if (c.id === '') throw invalid(path, '"id" must not be empty');
  for (const field of ['createdAt', 'verifiedAt'] as const) {
    if (!isTime(c[field])) throw invalid(path, `"${field}" must be a time`);
  }
  if (c.profile !== null && typeof c.profile !== 'string') throw invalid(path, '"profile" must be a string or null');
  if (c.balanceAfter !== null && typeof c.balanceAfter !== 'string') throw invalid(path, '"balanceAfter" must be a string or null');
  if (c.balanceAfter !== null && !isDecimal(c.balanceAfter)) throw invalid(path, '"balanceAfter" must be a decimal amount or null');
  for (const field of ['purchased', 'consumedBetween'] as const) {
    if (c[field] !== undefined && typeof c[field] !== 'string') throw invalid(path, `"${field}" must be a string`);
    if (c[field] !== undefined && !isDecimal(c[field])) throw invalid(path, `"${field}" must be a decimal amount`);
  }
  const blocks = c.blocks;
  const isBlock = (b: unknown) =>
    Array.isArray(b) &&
    b.length === 4 &&
    typeof b[0] === 'string' &&
    b[0] !== '' &&
    typeof b[1] === 'string' &&
    b[1] !== '' &&
    Number.isInteger(b[2]) &&
    (b[2] as number) >= 1 &&
    (b[2] as number) <= BLOCK &&
    typeof b[3] === 'string' &&
    /^[0-9a-f]{32}$/.test(b[3]);
  if (!Array.isArray(blocks) || !blocks.every(isBlock)) {
    throw invalid(path, `"blocks" must be a list of digest blocks of 1 to ${BLOCK} entries each`);
  }
  // the digest ends at the checkpoint's entry: one that does not (or is empty) would let --full verify nothing
  if (blocks.length === 0 || (blocks.at(-1) as DigestBlock)[1] !== c.id) {
    throw invalid(path, '"blocks" must end with the block of the checkpoint\'s entry');
  }
  // the file's name is the account's; a file there that says it is another's was copied or changed
  if (account) {
    if (c.provider !== account.provider) throw invalid(path, `"provider" is "${c.provider}", not ${account.provider}, the provider in use`);
    if (c.baseUrl !== account.baseUrl) throw invalid(path, `"baseUrl" is "${c.baseUrl}", not the base URL in use`);
    // one account under two profile names shares one checkpoint; a run without a profile reads either's
    if (c.profile !== null && account.profile !== null && c.profile !== account.profile) {
      throw invalid(path, `"profile" is "${c.profile}", not ${account.profile}, the profile in use`);
    }
  }
  return c as unknown as Checkpoint;
}

export class CheckpointStore {
  private readonly dir: string;
  readonly path: string;
  readonly lockPath: string;
  private held: HeldLock | undefined;

  /** The profile named in the checkpoint read: kept by a run under no profile, for `profiles remove`. */
  private readProfile: string | null = null;

  constructor(
    configDir: string,
    key: string,
    private readonly label: string,
    /** What the checkpoint must be for (provider, base URL, profile); unchecked when not given. */
    private readonly account?: CheckpointAccount,
  ) {
    this.dir = join(configDir, 'checkpoints');
    this.path = join(this.dir, `${key}.json`);
    this.lockPath = join(this.dir, `${key}.lock`);
  }

  /** Takes the lock, or exits 2 naming who holds it. */
  async lock(now: Date): Promise<void> {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    try {
      this.held = await acquireLock(this.lockPath, now);
    } catch (error) {
      if (!(error instanceof LockBusy)) throw new UsageError(`cannot lock ${this.lockPath}: ${(error as Error).message}`);
      const h = error.owner;
      const seconds = LEASE_MS / 1000;
      if (!h) {
        throw new UsageError(
          `another reconcile of ${this.label} is starting`,
          `wait for it to finish; a lock left behind expires in ${seconds} s`,
        );
      }
      const where = h.host === hostname() ? '' : ` on ${h.host}`;
      throw new UsageError(
        `another reconcile of ${this.label} is running${where} (pid ${h.pid}, since ${h.startedAt})`,
        `wait for it to finish; if it is gone, its lock expires ${seconds} s after it stopped`,
      );
    }
  }

  unlock(): void {
    this.held?.release();
    this.held = undefined;
  }

  read(): Checkpoint | null {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new UsageError(
        `cannot read checkpoint ${this.path}: ${reason(error)}`,
        'remove it, or run reconcile --checkpoint --reset-checkpoint',
      );
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw invalid(this.path, describeJsonError(text));
    }
    const checkpoint = validate(raw, this.path, this.account);
    this.readProfile = checkpoint.profile;
    return checkpoint;
  }

  /** Refuses a checkpoint kept in another unit than the account is in now (exit 2): no anchor for this history. */
  assertUnit(checkpoint: Checkpoint, unit: string): void {
    if (checkpoint.unit !== unit) throw invalid(this.path, `"unit" is "${checkpoint.unit}", not ${unit}, the unit the account is in`);
  }

  /** Forgets the checkpoint (`--reset-checkpoint`). */
  remove(): void {
    try {
      unlinkSync(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new UsageError(`cannot remove checkpoint ${this.path}: ${reason(error)}`);
    }
  }

  /** Replaces the checkpoint atomically, if this run still holds the lock. */
  write(checkpoint: Checkpoint): void {
    const lost = this.held?.lost();
    if (lost) {
      throw new UsageError(
        `lost the lock on ${this.label} while reconciling (${lost.message}); the checkpoint was not moved`,
        'run reconcile again',
      );
    }
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const file = new AtomicFile(this.path, `checkpoint ${this.path}`);
    try {
      file.write(`${JSON.stringify({ ...checkpoint, profile: checkpoint.profile ?? this.readProfile })}\n`);
      file.commitSync();
    } catch (error) {
      file.abort();
      throw error;
    }
  }
}

function reason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'EISDIR') return 'it is a directory';
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'permission denied';
  return e.message;
}

/** Removes the checkpoints a profile wrote (`profiles remove`); returns how many. */
export function removeProfileCheckpoints(configDir: string, profile: string): number {
  const dir = join(configDir, 'checkpoints');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  // an older tally keyed checkpoints by profile name alone
  if (names.includes(`profile-${profile}.json`)) {
    try {
      unlinkSync(join(dir, `profile-${profile}.json`));
      removed++;
    } catch {
      // already gone
    }
  }
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    const path = join(dir, name);
    try {
      const c = JSON.parse(readFileSync(path, 'utf8')) as { profile?: unknown };
      if (c.profile !== profile) continue;
      unlinkSync(path);
      removed++;
    } catch {
      // not a checkpoint of ours, or already gone
    }
  }
  return removed;
}

/** Relabels the checkpoints a profile wrote (`profiles rename`), so that removing it under the new name removes them. */
export function renameProfileCheckpoints(configDir: string, from: string, to: string): void {
  const dir = join(configDir, 'checkpoints');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    const path = join(dir, name);
    try {
      const c = JSON.parse(readFileSync(path, 'utf8')) as { profile?: unknown };
      if (c.profile !== from) continue;
      const file = new AtomicFile(path, `checkpoint ${path}`);
      try {
        file.write(`${JSON.stringify({ ...c, profile: to })}\n`);
        file.commitSync();
      } catch (error) {
        file.abort();
        throw error;
      }
    } catch {
      // not a checkpoint of ours, or gone: the checkpoint itself is keyed by the account, not the name
    }
  }
}
