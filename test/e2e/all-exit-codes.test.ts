// Every --all command gives one exit code for profiles that fail in different ways, by one precedence
// (core/errors.ts worstCode: 70, 2, 3, 5, 4, 1): what only the user can fix before what may pass. In process
// against the sandbox; a provider that offers nothing (exit 5) is added to the registry for this file only,
// since every real provider offers balance, ledger and reconcile.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ProviderEntry, ProviderInfo } from '../../src/providers/types.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { tallyInProcess } from '../helpers/in-process.js';

vi.mock('../../src/providers/registry.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/providers/registry.js')>();
  const info: ProviderInfo = { id: 'bare', name: 'Bare', auth: 'bearer', defaultBaseUrl: null, commands: [], entryTypes: {} };
  const bare: ProviderEntry = { ...info, load: () => Promise.resolve({ info }) };
  const providers = [...real.PROVIDERS, bare];
  return {
    ...real,
    PROVIDERS: providers,
    findProvider: (id: string) => providers.find((p) => p.id === id),
    providerIds: () => providers.map((p) => p.id),
  };
});

/** A port nothing listens on: the provider cannot be reached. */
const NOWHERE = 'http://127.0.0.1:9';

let sandbox: Sandbox;
const undo: Array<() => unknown> = [];
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 11, entries: 120 });
});
afterAll(() => sandbox.close());
afterEach(async () => {
  for (const fn of undo.splice(0).reverse()) await fn();
});

/**
 * name → what the profile is: a clean account, a refused key, a provider down, one that offers nothing, a planted
 * break, one whose key variable is unset (a configuration only the user can fix).
 */
const KINDS = {
  clean: () => ({ provider: 'conduit', baseUrl: sandbox.baseUrl('conduit'), key: sandbox.key('conduit', 'ok') }),
  refused: () => ({ provider: 'bytespike', baseUrl: sandbox.baseUrl('bytespike'), key: sandbox.key('bytespike', 'revoked') }),
  down: () => ({ provider: 'conduit', baseUrl: `${NOWHERE}/conduit`, key: sandbox.key('conduit', 'ok') }),
  bare: () => ({ provider: 'bare', baseUrl: NOWHERE, key: 'sk-bare-0123456789' }),
  planted: () => ({ provider: 'conduit', baseUrl: sandbox.baseUrl('conduit'), key: sandbox.key('conduit', 'bad') }),
  unset: () => ({ provider: 'indigenius', baseUrl: sandbox.baseUrl('indigenius'), keyEnv: 'TALLY_TEST_UNSET_KEY' }),
} as const;

function configWith(names: Array<keyof typeof KINDS>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tally-all-codes-'));
  undo.push(() => rmSync(dir, { recursive: true, force: true }));
  const profiles = Object.fromEntries(names.map((n) => [n, KINDS[n]()]));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ defaultProfile: names[0], profiles }));
  return dir;
}

/** Every command with --all, as cron would run it. */
const ALL_COMMANDS: Array<[string, string[]]> = [
  ['balance --all', ['balance', '--all']],
  ['balance --all -q', ['-q', 'balance', '--all']],
  ['reconcile --all', ['reconcile', '--all']],
  ['reconcile --all --json', ['--json', 'reconcile', '--all']],
  ['statement --all', ['statement', '--all']],
  ['ledger export --all', ['ledger', 'export', '--all']],
  ['ledger export --all --keep-going', ['ledger', 'export', '--all', '--keep-going']],
  ['ledger export --all --format hledger --keep-going', ['ledger', 'export', '--all', '--format', 'hledger', '--keep-going']],
];

const run = (configDir: string, args: string[]) => tallyInProcess(['--retries', '0', ...args], { configDir });

/** What a run said of its profiles, wherever it says it: stderr, a table, or a JSON error's message. */
const said = (r: { stdout: string; stderr: string }) => `${r.stdout.replaceAll('\\"', '"')}\n${r.stderr}`;

describe('one exit code for every --all command when profiles fail in different ways', () => {
  it.each(ALL_COMMANDS)('%s: a refused key (3) and a provider down (4) exit 3, what only the user can fix', async (_, args) => {
    const r = await run(configWith(['clean', 'down', 'refused']), args);
    expect(r.exitCode, r.stderr).toBe(3);
    // each failed profile is named with its own failure, whatever the command
    expect(said(r)).toContain('conduit (profile down): cannot connect to 127.0.0.1:9 (connection refused)');
    expect(said(r)).toContain('bytespike (profile refused) refused the key (401)');
  });

  it.each(ALL_COMMANDS)('%s: a key variable unset (2) and a refused key (3) exit 2', async (_, args) => {
    const r = await run(configWith(['refused', 'unset', 'clean']), args);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(said(r)).toContain('profile "unset" reads its key from $TALLY_TEST_UNSET_KEY, which is not set');
    expect(said(r)).toContain('bytespike (profile refused) refused the key (401)');
  });

  it.each(ALL_COMMANDS)('%s: a provider that lacks the command (5) and a provider down (4) exit 5', async (_, args) => {
    const r = await run(configWith(['down', 'bare', 'clean']), args);
    expect(r.exitCode, r.stderr).toBe(5);
    expect(said(r)).toContain('bare (profile bare) does not offer');
    expect(said(r)).toContain('conduit (profile down): cannot connect to 127.0.0.1:9 (connection refused)');
  });

  it.each([
    ['reconcile --all', ['reconcile', '--all']],
    ['reconcile --all --json', ['--json', 'reconcile', '--all']],
    ['balance --all --min', ['balance', '--all', '--min', '1000000']],
  ])('%s: a check that failed (1) and a provider down (4) exit 4: a check that ran and failed comes last', async (_, args) => {
    const r = await run(configWith(['planted', 'down']), args);
    expect(r.exitCode, r.stderr).toBe(4);
  });
});
