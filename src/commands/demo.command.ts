// `tally demo`: what the command takes (nothing but the global flags).
import type { CommandSpec } from '../core/command.js';
import { summaryOf } from './index.js';

export const demoCommand: CommandSpec<Record<string, never>> = {
  name: 'demo',
  summary: summaryOf('demo'),
  examples: ['tally demo'],
  parse: () => ({}),
  load: () => import('./demo.js'),
};
