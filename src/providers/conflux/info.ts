// Conflux: JWT bearer (none for packs), integer credits, purchases-only history.
import type { ProviderInfo } from '../types.js';

export const info: ProviderInfo = {
  id: 'conflux',
  name: 'Conflux',
  auth: 'bearer',
  defaultBaseUrl: 'https://theconflux.com',
  commands: ['balance', 'ledger', 'usage', 'account', 'packs', 'checkout', 'reconcile'],
  usageGroups: ['model'],
  // the history holds purchases only and has no type field
  entryTypes: { purchase: 'purchase' },
  ledgerKind: 'purchases',
  keyless: ['packs'],
  packFee: '0.05',
  usageScope: 'lifetime',
};
