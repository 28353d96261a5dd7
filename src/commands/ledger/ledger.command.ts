// `tally ledger list|export`: the group and its commands.
import type { GroupSpec } from '../../core/command.js';
import { exportCommand } from './export.command.js';
import { listCommand } from './list.command.js';
import { summaryOf } from '../index.js';

export const ledgerGroup: GroupSpec = {
  name: 'ledger',
  summary: summaryOf('ledger'),
  examples: ['tally ledger list --limit 50', 'tally ledger export --out ledger.csv'],
  commands: [listCommand, exportCommand],
};
