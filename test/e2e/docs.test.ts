// The README stays true: its provider table is what `tally providers` says, and the quick start is two commands.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_PRECEDENCE, worstCode } from '../../src/core/errors.js';
import { type ProviderJson, providersMarkdown } from '../helpers/providers-table.js';
import { tallyInProcess as tally } from '../helpers/in-process.js';

const README = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');

describe('README', () => {
  it('shows the provider table that `tally providers` prints', async () => {
    const providers = JSON.parse((await tally(['providers', '--json'])).stdout) as ProviderJson[];
    const start = README.indexOf('<!-- providers:start -->');
    const end = README.indexOf('<!-- providers:end -->');
    expect(start).toBeGreaterThan(0);
    const inReadme = README.slice(start + '<!-- providers:start -->'.length, end).trim();
    // cells compared, not spacing (a formatter may align the columns); if this fails, paste the expected
    // table into README.md between the markers
    const cells = (table: string) =>
      table.split('\n').map((line) =>
        line
          .split('|')
          .map((c) => c.trim())
          .map((c) => (/^-+$/.test(c) ? '---' : c)),
      );
    expect(cells(inReadme)).toEqual(cells(providersMarkdown(providers)));
  });

  it('has the two-command quick start and the test command', () => {
    expect(README).toContain('npm install && npm start');
    expect(README).toContain('npm test');
  });
});

describe('help', () => {
  it('prints the exit codes and the environment as topics', async () => {
    const codes = await tally(['help', 'exit-codes']);
    expect(codes.exitCode).toBe(0);
    for (const code of ['0', '1', '2', '3', '4', '5', '70', '130']) expect(codes.stdout).toMatch(new RegExp(`^  ${code}\\s`, 'm'));
    const env = await tally(['help', 'environment']);
    for (const name of [
      'TALLY_PROFILE',
      'TALLY_PROVIDER',
      'TALLY_BASE_URL',
      'TALLY_API_KEY',
      'TALLY_CONFIG_DIR',
      'NO_COLOR',
      'FORCE_COLOR',
    ]) {
      expect(env.stdout).toContain(name);
    }
    const unknown = await tally(['help', 'nope']);
    expect(unknown.exitCode).toBe(2);
  });

  it('says the one order every --all command picks its exit code by, as worstCode applies it, in `help exit-codes` and the README', async () => {
    const [bug, usage, auth, unsupported, provider, check] = EXIT_PRECEDENCE;
    const order = `${bug}, then ${usage}, ${auth}, ${unsupported} (what only you can fix), then ${provider} (what may pass), then ${check}`;
    const words = (text: string) => text.replace(/\s+/g, ' ');
    const help = words((await tally(['help', 'exit-codes'])).stdout);
    expect(help).toContain(
      `under --all (balance, reconcile, statement, ledger export, with or without --keep-going), one code stands for them all, in this order: ${order}`,
    );
    expect(words(README)).toContain(order);
    for (const [i, first] of EXIT_PRECEDENCE.entries()) {
      for (const later of EXIT_PRECEDENCE.slice(i + 1)) {
        expect(worstCode(first, later)).toBe(first);
        expect(worstCode(later, first)).toBe(first);
      }
    }
  });

  it.each([
    'providers',
    'profiles add',
    'profiles list',
    'profiles show',
    'profiles set',
    'profiles rename',
    'profiles remove',
    'profiles use',
    'balance',
    'ledger list',
    'ledger export',
    'reconcile',
    'statement',
    'usage',
    'account',
    'packs',
    'checkout',
    'completion',
    'sandbox',
    'demo',
  ])('`tally %s --help` has a summary, its own flags, an example and where the global flags are', async (command) => {
    const r = await tally([...command.split(' '), '--help']);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^Usage: tally /);
    expect(lines[2]?.length).toBeGreaterThan(10);
    const examples = r.stdout.split(/Examples?:\n/)[1] ?? '';
    expect(examples).toMatch(/^ {2}.*\btally /m);
    // the global flags are shown once (tally --help, tally help options), and every help says where
    expect(r.stdout).not.toContain('--timeout <seconds>');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('Global flags (--profile, --json, --quiet, --tz and more): tally help options');
  });
});

describe('demo', () => {
  it('walks through balance, ledger, export and a reconcile that finds the planted problems, and exits 0', async () => {
    const r = await tally(['demo'], { timeoutMs: 60_000 });
    expect(r.exitCode).toBe(0);
    for (const step of ['1. ', '2. ', '3. ', '4. ', '5. ']) expect(r.stdout).toContain(`\n${step}`);
    expect(r.stdout).toContain('chain_break');
    expect(r.stdout).toContain('duplicate');
    expect(r.stdout).toMatch(/bytespike\.csv: 250 entries/);
  });
});
