// conduit.im: Bearer key, balance in cents, newest-first ledger with limit/offset and no total.
import type { ProviderInfo } from '../types.js';

export const info: ProviderInfo = {
  id: 'conduit',
  name: 'Conduit',
  auth: 'bearer',
  defaultBaseUrl: 'https://conduit.im',
  commands: ['balance', 'ledger', 'usage', 'account', 'reconcile'],
  usageGroups: ['model', 'day'],
  entryTypes: { CREDIT_PURCHASE: 'purchase', USAGE_DEBIT: 'usage', SUPPORT_CREDIT: 'credit', REFUND_DEBIT: 'refund' },
};
