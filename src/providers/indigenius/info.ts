// Indigenius: X-API-Key with scope billing:read, enveloped responses, no balance endpoint.
import type { ProviderInfo } from '../types.js';

export const info: ProviderInfo = {
  id: 'indigenius',
  name: 'Indigenius',
  auth: 'x-api-key',
  defaultBaseUrl: 'https://api.indigenius.ai',
  commands: ['balance', 'ledger', 'usage', 'account', 'reconcile'],
  usageGroups: ['product', 'day'],
  entryTypes: { credit: 'credit', debit: 'debit' },
  forbiddenHint: 'the key lacks the billing:read scope; create a key with billing:read and use that',
};
