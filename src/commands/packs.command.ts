// `tally packs`: what the command takes (nothing but the global flags).
import type { CommandSpec } from '../core/command.js';

export const packsCommand: CommandSpec<Record<string, never>> = {
  name: 'packs',
  summary: 'credit packs on sale (conflux; no key needed): price, credits after fee, the 5% fee',
  examples: ['tally packs', 'tally packs --json'],
  parse: () => ({}),
  load: () => import('./packs.js'),
};
