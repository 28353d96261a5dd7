// `tally profiles add|list|show|set|rename|remove|use`: the group and its commands.
import type { GroupSpec } from '../../core/command.js';
import { addCommand } from './add.command.js';
import { listProfilesCommand } from './list.command.js';
import { removeCommand, showCommand, useCommand } from './named.command.js';
import { renameCommand } from './rename.command.js';
import { setCommand } from './set.command.js';
import { summaryOf } from '../index.js';

export const profilesGroup: GroupSpec = {
  name: 'profiles',
  summary: summaryOf('profiles'),
  examples: [
    'tally profiles add work --provider bytespike --key-env BYTESPIKE_API_KEY',
    'tally profiles list',
    'tally profiles set work --min 10 --min-days 14',
  ],
  commands: [addCommand, listProfilesCommand, showCommand, setCommand, renameCommand, removeCommand, useCommand],
};
