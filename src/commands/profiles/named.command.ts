// `tally profiles remove|use|show <name>`: commands that take one saved profile's name.
import type { CommandSpec } from '../../core/command.js';

export interface NamedProfile {
  name: string;
}

export const named = (spec: Omit<CommandSpec<NamedProfile>, 'args' | 'parse'>): CommandSpec<NamedProfile> => ({
  ...spec,
  args: [{ syntax: '<name>', help: 'a saved profile (see `tally profiles list`)', complete: 'profile' }],
  parse: (raw) => ({ name: raw.args[0] ?? '' }),
});

export const removeCommand = named({
  name: 'remove',
  aliases: ['rm'],
  summary: 'remove a profile',
  examples: ['tally profiles remove old-account'],
  load: async () => ({ run: (await import('./named.js')).remove }),
});

export const useCommand = named({
  name: 'use',
  summary: 'make a profile the default',
  examples: ['tally profiles use work'],
  load: async () => ({ run: (await import('./named.js')).use }),
});

export const showCommand = named({
  name: 'show',
  summary: 'show one profile: provider, base URL, key source and last four characters (never the key), thresholds',
  examples: ['tally profiles show work', 'tally profiles show work --json'],
  load: () => import('./show.js'),
});
