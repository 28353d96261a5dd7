// `tally profiles add|list|remove|use`: the group and its commands.
import type { GroupSpec } from '../../core/command.js';
import { addCommand } from './add.command.js';
import { listProfilesCommand } from './list.command.js';
import { removeCommand, useCommand } from './named.command.js';
import { summaryOf } from '../index.js';

export const profilesGroup: GroupSpec = {
  name: 'profiles',
  summary: summaryOf('profiles'),
  examples: ['tally profiles add work --provider bytespike --key-env BYTESPIKE_API_KEY', 'tally profiles list'],
  commands: [addCommand, listProfilesCommand, removeCommand, useCommand],
};
