// Opens a provider for a target: loads its adapter and builds the HTTP client with its auth and error rules.
import type { Context } from '../core/context.js';
import { UnsupportedError } from '../core/errors.js';
import { HttpClient } from '../core/http.js';
import { VERSION } from '../version.js';
import { PROVIDERS } from './registry.js';
import { refusedKeyHint, type Target } from './target.js';
import type { CommandName, ProviderAdapter, ProviderContext } from './types.js';

export interface ProviderSession {
  adapter: ProviderAdapter;
  pctx: ProviderContext;
  close(): Promise<void>;
}

/** Exit 5 when the target's provider does not offer `command`, naming the ones that do. */
export function assertOffers(target: Target, command: CommandName): void {
  if (!target.provider.commands.includes(command)) throw unsupported(target, command);
}

/**
 * The one failure for a command the provider does not offer (exit 5), wherever it is found out: it names the
 * provider and profile asked, and the saved profiles that could run the command, else the providers that do.
 */
export function unsupported(
  target: Pick<Target, 'provider'> & Partial<Pick<Target, 'profile' | 'saved'>>,
  command: CommandName,
): UnsupportedError {
  const asked = `${target.provider.id}${target.profile ? ` (profile ${target.profile})` : ''}`;
  const can = profilesThatCan(target.saved ?? {}, command);
  const offering = PROVIDERS.filter((p) => p.commands.includes(command)).map((p) => p.id);
  return new UnsupportedError(
    `${asked} does not offer \`${command}\``,
    can.length ? profilesHint(can) : offering.length ? `providers that do: ${offering.join(', ')}` : undefined,
  );
}

/** The saved profiles whose provider offers `command`, as [name, provider id]. */
export function profilesThatCan(saved: Readonly<Record<string, string>>, command: CommandName): Array<[string, string]> {
  return Object.entries(saved).filter(([, id]) => PROVIDERS.find((p) => p.id === id)?.commands.includes(command));
}

/** "profiles that can: cx (conflux); pass --profile cx". */
export function profilesHint(can: ReadonlyArray<[string, string]>): string {
  return `profiles that can: ${can.map(([name, id]) => `${name} (${id})`).join(', ')}; pass --profile ${can[0]?.[0] ?? ''}`;
}

/** Contexts already told that the clocks differ: one line per command, however many providers it opens. */
const toldSkew = new WeakSet<Context>();

/** "61 s", "10 min", "3 h", "2 days": the difference, rounded to a unit that reads at a glance. */
function roughly(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} days`;
}

function warnClockSkew(ctx: Context, provider: string, aheadMs: number): void {
  if (ctx.options.quiet || toldSkew.has(ctx)) return;
  toldSkew.add(ctx);
  const side = aheadMs > 0 ? 'behind' : 'ahead of';
  ctx.io.err(
    `tally: warning: this machine's clock is ${roughly(aheadMs)} ${side} ${provider}'s (by its Date header); check the system clock\n`,
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
      maxResponseBytes: ctx.options.responseLimitMiB * 1024 * 1024,
      proxyEnv: ctx.env,
      onClockSkew: (aheadMs) => warnClockSkew(ctx, info.id, aheadMs),
      providerName: target.profile ? `${info.id} (profile ${target.profile})` : info.id,
      errorMessage: adapter.errorMessage,
      forbiddenHint: info.forbiddenHint,
      refusedKeyHint: refusedKeyHint(target),
      trace: ctx.options.verbose ? (line) => ctx.trace(line) : undefined,
      onRetry: (event) => ctx.activity.retry(event),
      userAgent: `tally/${VERSION}`,
    },
  );
  return { adapter, pctx: { http, now: () => ctx.now() }, close: () => http.close() };
}
