// `tally demo`: what the command takes (nothing but the global flags).
import { defineCommand } from '../core/command.js';

export const demoCommand = defineCommand<Record<string, never>>({
  name: 'demo',
  summary: 'start the sandbox in-process and show tally working on it (no config, no network)',
  examples: ['tally demo'],
  parse: () => ({}),
  load: () => import('./demo.js'),
});
