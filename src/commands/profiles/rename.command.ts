// `tally profiles rename <old> <new>`: what the command takes.
import type { CommandSpec } from '../../core/command.js';

export interface RenameOptions {
  from: string;
  to: string;
}

export const renameCommand: CommandSpec<RenameOptions> = {
  name: 'rename',
  summary: 'rename a profile; the default, and its reconcile checkpoints, follow it',
  args: [
    { syntax: '<old>', help: 'a saved profile (see `tally profiles list`)', complete: 'profile' },
    { syntax: '<new>', help: 'its new name' },
  ],
  examples: ['tally profiles rename work acme-prod'],
  parse: (raw) => ({ from: raw.args[0] ?? '', to: raw.args[1] ?? '' }),
  load: () => import('./rename.js'),
};
