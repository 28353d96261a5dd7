// A command the provider does not offer is exit 5 in one shape, whether its list or its adapter says so.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fetchBalance } from '../../src/commands/balance.js';
import { readPages } from '../../src/commands/ledger/read.js';
import { fetchPacks } from '../../src/commands/packs.js';
import { createContext, parseGlobalOptions } from '../../src/core/context.js';
import { ExitCode, formatError, type TallyError } from '../../src/core/errors.js';
import { Decimal } from '../../src/core/money.js';
import { assertOffers, openProvider, unsupported } from '../../src/providers/session.js';
import type { Target } from '../../src/providers/target.js';
import { COMMANDS, type ProviderEntry, type ProviderInfo } from '../../src/providers/types.js';
import { reconcileLive } from '../../src/reconcile/live.js';

const dir = mkdtempSync(join(tmpdir(), 'tally-unsupported-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ctx = createContext(parseGlobalOptions({}), { TALLY_CONFIG_DIR: dir });

/** A provider whose list claims every command while its adapter has none of them (what the conformance suite forbids). */
const info: ProviderInfo = { id: 'bare', name: 'Bare', auth: 'bearer', defaultBaseUrl: null, commands: COMMANDS, entryTypes: {} };
const bare: ProviderEntry = { ...info, load: () => Promise.resolve({ info }) };
const target: Target = {
  profile: null,
  provider: bare,
  baseUrl: new URL('http://127.0.0.1:9'),
  key: 'k',
  keySource: { from: 'TALLY_API_KEY' },
  baseUrlSource: '--base-url',
};

const expected = (command: string) =>
  `tally: bare does not offer \`${command}\`\n  providers that do: ${command === 'packs' ? 'conflux' : 'conduit, account-api, bytespike, conflux, indigenius'}\n`;

async function failure(run: () => Promise<unknown>): Promise<TallyError> {
  try {
    await run();
  } catch (error) {
    return error as TallyError;
  }
  throw new Error('it did not fail');
}

describe('a command whose adapter method is missing', () => {
  it.each([
    ['balance', async () => ((await fetchBalance(ctx, target)).error as TallyError | undefined) ?? 'no error'],
    ['packs', () => failure(() => fetchPacks(ctx, target))],
    [
      'reconcile',
      () => failure(() => reconcileLive(ctx, target, { checkpoint: false, resetCheckpoint: false, full: false, tolerance: Decimal.ZERO })),
    ],
    ['ledger', () => failure(async () => readPages(ctx, { target, filter: {}, session: await openProvider(ctx, target) }))],
  ] as const)('%s exits 5 with the same two lines as a provider that does not list it', async (command, run) => {
    const error = await run();
    expect(formatError(error, false)).toBe(expected(command));
    expect((error as TallyError).exitCode).toBe(ExitCode.unsupported);
  });

  it('is the failure assertOffers gives for a command the provider does not list', () => {
    const none: Target = { ...target, provider: { ...bare, commands: [] } };
    for (const command of COMMANDS) {
      expect(() => assertOffers(none, command)).toThrow(unsupported(none, command).message);
      expect(unsupported(none, command).exitCode).toBe(5);
    }
  });
});
