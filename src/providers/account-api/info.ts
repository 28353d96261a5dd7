// Account API: JWT bearer, no default host, credits with reserved/available, ledger with total.
import type { ProviderInfo } from '../types.js';

export const info: ProviderInfo = {
  id: 'account-api',
  name: 'Account API',
  auth: 'bearer',
  defaultBaseUrl: null,
  commands: ['balance', 'ledger', 'usage', 'account', 'reconcile'],
  usageGroups: [],
  entryTypes: { credit: 'credit', debit: 'debit', adjustment: 'adjustment' },
};
