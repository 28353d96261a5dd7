// Opens a provider for a target: loads its adapter and builds the HTTP client with its auth and error rules.
import type { Context } from '../core/context.js';
import { UnsupportedError } from '../core/errors.js';
import { HttpClient } from '../core/http.js';
import { VERSION } from '../version.js';
import { PROVIDERS } from './registry.js';
import type { Target } from './target.js';
import type { CommandName, ProviderAdapter, ProviderContext } from './types.js';

export interface ProviderSession {
  adapter: ProviderAdapter;
  pctx: ProviderContext;
  close(): Promise<void>;
}

/** Exit 5 when the target's provider does not offer `command`, naming the ones that do. */
export function assertOffers(target: Target, command: CommandName): void {
  if (target.provider.commands.includes(command)) return;
  const offering = PROVIDERS.filter((p) => p.commands.includes(command)).map((p) => p.id);
  throw new UnsupportedError(
    `${target.provider.id} does not offer \`${command}\``,
    offering.length ? `providers that do: ${offering.join(', ')}` : undefined,
  );
}

export async function openProvider(ctx: Context, target: Target): Promise<ProviderSession> {
  const adapter = await target.provider.load();
  const { info } = adapter;
  const http = new HttpClient(
    target.baseUrl,
    info.auth === 'bearer'
      ? { name: 'Authorization', scheme: 'Bearer ', key: target.key }
      : { name: 'X-API-Key', scheme: '', key: target.key },
    {
      timeoutMs: ctx.options.timeout * 1000,
      retries: ctx.options.retries,
      providerName: target.profile ? `${info.id} (profile ${target.profile})` : info.id,
      errorMessage: adapter.errorMessage,
      forbiddenHint: info.forbiddenHint,
      trace: ctx.options.verbose ? (line) => ctx.trace(line) : undefined,
      userAgent: `tally/${VERSION}`,
    },
  );
  return { adapter, pctx: { http, now: () => ctx.now() }, close: () => http.close() };
}
