// `tally demo`: what the command takes (nothing but the global flags).
import type { CommandSpec } from '../core/command.js';

export const demoCommand: CommandSpec<Record<string, never>> = {
  name: 'demo',
  summary: 'start the sandbox in-process and show tally working on it (no config, no network)',
  examples: ['tally demo'],
  parse: () => ({}),
  load: () => import('./demo.js'),
};
