// Every provider, one line each: its info (cheap) and its adapter (loaded only when used).
import { info as accountApi } from './account-api/info.js';
import { info as bytespike } from './bytespike/info.js';
import { info as conduit } from './conduit/info.js';
import { info as conflux } from './conflux/info.js';
import { info as indigenius } from './indigenius/info.js';
import type { ProviderEntry } from './types.js';

export const PROVIDERS: readonly ProviderEntry[] = [
  { ...conduit, load: async () => (await import('./conduit/adapter.js')).adapter },
  { ...accountApi, load: async () => (await import('./account-api/adapter.js')).adapter },
  { ...bytespike, load: async () => (await import('./bytespike/adapter.js')).adapter },
  { ...conflux, load: async () => (await import('./conflux/adapter.js')).adapter },
  { ...indigenius, load: async () => (await import('./indigenius/adapter.js')).adapter },
];

export function findProvider(id: string): ProviderEntry | undefined {
  return PROVIDERS.find((p) => p.id === id);
}

export function providerIds(): string[] {
  return PROVIDERS.map((p) => p.id);
}
