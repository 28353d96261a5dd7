// Every command tally has, in the order `tally --help` lists them, by name. A spec module is imported only
// when its command is the one run, or when all are needed (help, completion, a word that is no command):
// each module loaded costs ~0.5 ms at every start.
import type { AnySpec } from '../core/command.js';

export interface CommandEntry {
  /** The command's first word: its spec's name (a unit test holds them equal). */
  readonly name: string;
  load(): Promise<AnySpec>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'providers', load: async () => (await import('./providers.command.js')).providersCommand },
  { name: 'profiles', load: async () => (await import('./profiles/profiles.command.js')).profilesGroup },
  { name: 'balance', load: async () => (await import('./balance.command.js')).balanceCommand },
  { name: 'ledger', load: async () => (await import('./ledger/ledger.command.js')).ledgerGroup },
  { name: 'reconcile', load: async () => (await import('./reconcile.command.js')).reconcileCommand },
  { name: 'usage', load: async () => (await import('./usage.command.js')).usageCommand },
  { name: 'account', load: async () => (await import('./account.command.js')).accountCommand },
  { name: 'packs', load: async () => (await import('./packs.command.js')).packsCommand },
  { name: 'checkout', load: async () => (await import('./checkout.command.js')).checkoutCommand },
  { name: 'completion', load: async () => (await import('./completion.command.js')).completionCommand },
  { name: 'help', load: async () => (await import('./help.command.js')).helpCommand },
  { name: 'sandbox', load: async () => (await import('./sandbox.command.js')).sandboxCommand },
  { name: 'demo', load: async () => (await import('./demo.command.js')).demoCommand },
];

/** The specs of the named command, or of every command when `name` is none of them. */
export function loadSpecs(name?: string): Promise<AnySpec[]> {
  const one = COMMANDS.find((c) => c.name === name);
  return Promise.all((one ? [one] : COMMANDS).map((c) => c.load()));
}
