// `tally checkout <pack> [--open]`: what the command takes.
import type { CommandSpec } from '../core/command.js';
import { summaryOf } from './index.js';

export interface CheckoutOptions {
  pack: string;
  /** Also open the URL in a browser, at a terminal only. */
  open: boolean;
}

export const checkoutCommand: CommandSpec<CheckoutOptions> = {
  name: 'checkout',
  summary: summaryOf('checkout'),
  args: [{ syntax: '<pack>', help: 'the pack key, as `tally packs` lists it' }],
  flags: [{ flags: '--open', help: 'also open it in a browser (only when run at a terminal)' }],
  examples: ['tally checkout growth', 'tally checkout starter --open'],
  parse: (raw) => ({ pack: raw.args[0] ?? '', open: raw.flags.open === true }),
  load: () => import('./checkout.js'),
};
