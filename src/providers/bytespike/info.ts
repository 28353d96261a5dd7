// ByteSpike: Bearer key, USD wallet, page/page_size transactions with total and since/until.
import type { ProviderInfo } from '../types.js';

export const info: ProviderInfo = {
  id: 'bytespike',
  name: 'ByteSpike',
  auth: 'bearer',
  defaultBaseUrl: 'https://llm.bytespike.ai',
  commands: ['balance', 'ledger', 'usage', 'account', 'reconcile'],
  usageGroups: ['model', 'day'],
  entryTypes: {
    topup: 'purchase',
    refund: 'refund',
    admin_credit: 'credit',
    admin_debit: 'debit',
    subscription_renew: 'subscription',
  },
};
