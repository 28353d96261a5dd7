// Checks a key before a profile keeps it (`profiles add` and `set`): one request, the balance, which every
// provider answers with the key alone; nothing is saved when it fails.
import type { Context } from '../../core/context.js';
import { ExitCode, TallyError } from '../../core/errors.js';
import { formatAmount } from '../../core/money.js';
import { parseBaseUrl } from '../../core/url.js';
import { openProvider } from '../../providers/session.js';
import type { Target } from '../../providers/target.js';
import type { ProviderEntry } from '../../providers/types.js';

/** What the check found, for the line that says the key works: "balance 42.50 USD", or why none was made. */
export type KeyCheck = { checked: true; said: string } | { checked: false; why: string };

const NOT_SAVED = (name: string) =>
  `nothing was saved: check the key and base URL, or pass --no-verify to save profile "${name}" without checking`;

export async function verifyKey(ctx: Context, name: string, provider: ProviderEntry, baseUrl: string, key: string): Promise<KeyCheck> {
  if (!provider.commands.includes('balance')) return { checked: false, why: `${provider.id} has no request to check a key with` };
  // the key and base URL about to be the profile's (a refused key's advice is NOT_SAVED's, below)
  const target: Target = {
    profile: name,
    provider,
    baseUrl: parseBaseUrl(baseUrl, '--base-url'),
    key,
    keySource: { from: 'profile' },
    baseUrlSource: 'profile',
  };
  const session = await openProvider(ctx, target);
  try {
    const b = await session.adapter.balance?.(session.pctx);
    if (!b) return { checked: false, why: `${provider.id} has no request to check a key with` };
    return { checked: true, said: b.balance === null ? 'balance unknown' : `balance ${formatAmount(b.balance, b.unit)} ${b.unit}` };
  } catch (error) {
    // the provider's own words first (a refused key is exit 3, a provider down exit 4), then what to do
    if (error instanceof TallyError && (error.exitCode === ExitCode.auth || error.exitCode === ExitCode.provider)) {
      throw new TallyError(error.message, error.exitCode, NOT_SAVED(name));
    }
    throw error;
  } finally {
    await session.close();
  }
}
