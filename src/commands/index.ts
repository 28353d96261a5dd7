// Every command tally has, in the order `tally --help` lists them. Specs only: their code loads when run.
import type { AnySpec } from '../core/command.js';
import { accountCommand } from './account.command.js';
import { balanceCommand } from './balance.command.js';
import { checkoutCommand } from './checkout.command.js';
import { completionCommand } from './completion.command.js';
import { demoCommand } from './demo.command.js';
import { helpCommand } from './help.command.js';
import { exportCommand } from './ledger/export.command.js';
import { listCommand } from './ledger/list.command.js';
import { packsCommand } from './packs.command.js';
import { addCommand } from './profiles/add.command.js';
import { listProfilesCommand } from './profiles/list.command.js';
import { removeCommand, useCommand } from './profiles/named.command.js';
import { providersCommand } from './providers.command.js';
import { reconcileCommand } from './reconcile.command.js';
import { sandboxCommand } from './sandbox.command.js';
import { usageCommand } from './usage.command.js';

export const COMMANDS: readonly AnySpec[] = [
  providersCommand,
  {
    name: 'profiles',
    summary: 'manage saved profiles (provider, base URL and key source)',
    examples: ['tally profiles add work --provider bytespike --key-env BYTESPIKE_API_KEY', 'tally profiles list'],
    commands: [addCommand, listProfilesCommand, removeCommand, useCommand],
  },
  balanceCommand,
  {
    name: 'ledger',
    summary: 'list and export ledger entries (newest first)',
    examples: ['tally ledger list --limit 50', 'tally ledger export --out ledger.csv'],
    commands: [listCommand, exportCommand],
  },
  reconcileCommand,
  usageCommand,
  accountCommand,
  packsCommand,
  checkoutCommand,
  completionCommand,
  helpCommand,
  sandboxCommand,
  demoCommand,
];
