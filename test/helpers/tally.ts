// Runs the built binary the way a user would, with a clean, deterministic environment.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa, type Result } from 'execa';

export const BIN = resolve(import.meta.dirname, '../../bin/tally.js');

/**
 * The zone children run in: the suite's (vitest.config.ts: the outer TZ, else UTC), so that
 * `TZ=Asia/Kolkata npx vitest run` runs tally in Kolkata too and a test that only holds in UTC shows.
 */
export const TEST_TZ = process.env.TZ || 'UTC';

export interface RunOptions {
  env?: Record<string, string | undefined>;
  input?: string | Uint8Array;
  configDir?: string;
  timeoutMs?: number;
  /** false keeps stdout byte for byte (execa strips a final newline by default). */
  stripFinalNewline?: boolean;
}

export type TallyResult = Result<{ reject: false }>;

/** A fresh config directory, removed by the returned function. */
export function tempConfigDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tally-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The whole environment a test's tally runs with: nothing inherited but PATH, and the options' own. */
export function runEnv(options: RunOptions = {}): Record<string, string | undefined> {
  return {
    PATH: process.env.PATH,
    HOME: options.configDir ?? tmpdir(),
    TZ: TEST_TZ,
    NO_COLOR: '1',
    COLUMNS: '100',
    TALLY_CONFIG_DIR: options.configDir ?? join(tmpdir(), 'tally-test-no-config'),
    // Node 22+ keeps its compile cache (bin/tally.js enables it) in $TMPDIR unless told otherwise: kept apart,
    // so a test's own TMPDIR holds only what tally itself leaves there
    NODE_COMPILE_CACHE: join(tmpdir(), 'tally-test-compile-cache'),
    ...options.env,
  };
}

export function tally(args: string[], options: RunOptions = {}): Promise<TallyResult> {
  return execa('node', [BIN, ...args], {
    reject: false,
    extendEnv: false,
    input: options.input ?? '',
    timeout: options.timeoutMs ?? 25_000,
    stripFinalNewline: options.stripFinalNewline ?? true,
    env: runEnv(options),
  }) as Promise<TallyResult>;
}

/** Environment that points tally at one sandbox account with no config file. */
export function sandboxEnv(
  sandbox: { baseUrl(p: string): string; key(p: string, a: string): string },
  provider: string,
  account = 'ok',
): Record<string, string> {
  return {
    TALLY_PROVIDER: provider,
    TALLY_BASE_URL: sandbox.baseUrl(provider),
    TALLY_API_KEY: sandbox.key(provider, account),
  };
}

/**
 * Resolves once `ok()` holds, looking every 10 ms; throws naming `what` after `timeoutMs`. For a test that
 * must act once a child has got somewhere (taken a lock, asked for a page): a fixed sleep is too short on
 * a loaded machine and too long on an idle one.
 */
export async function waitFor(what: string, ok: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
