// The CLI's own surface: version, help, usage errors and their exit codes.
import { describe, expect, it } from 'vitest';
import { tally } from '../helpers/tally.js';

describe('tally CLI surface', () => {
  it('prints its version', async () => {
    const r = await tally(['--version']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('prints help with the global flags and commands', async () => {
    const r = await tally(['--help']);
    expect(r.exitCode).toBe(0);
    for (const flag of [
      '--profile',
      '--provider',
      '--base-url',
      '--json',
      '--no-color',
      '--quiet',
      '--verbose',
      '--timeout',
      '--retries',
    ]) {
      expect(r.stdout).toContain(flag);
    }
    expect(r.stdout).toContain('balance');
  });

  it('prints a command help with `tally help <command>`, including an example', async () => {
    const r = await tally(['help', 'balance']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('--min <amount>');
    expect(r.stdout).toContain('Examples:');
  });

  it('exits 2 on an unknown command, naming it', async () => {
    const r = await tally(['balanse']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("unknown command 'balanse'");
    expect(r.stderr).toContain('balance');
  });

  it('exits 2 on an unknown flag, naming it', async () => {
    const r = await tally(['balance', '--frobnicate']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("unknown option '--frobnicate'");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 on a missing argument', async () => {
    const r = await tally(['profiles', 'remove']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("missing required argument 'name'");
  });

  it('exits 2 with help when no command is given', async () => {
    const r = await tally([]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('Usage: tally');
  });

  it('exits 2 on a bad --timeout or --retries', async () => {
    const t = await tally(['--timeout', 'soon', 'providers']);
    expect(t.exitCode).toBe(2);
    expect(t.stderr).toContain('--timeout "soon"');
    const r = await tally(['--retries', '-1', 'providers']);
    expect(r.exitCode).toBe(2);
  });

  it('exits 2 on an unknown provider, listing the known ones', async () => {
    const r = await tally(['balance', '--provider', 'acme'], { env: { TALLY_API_KEY: 'k' } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('unknown provider "acme"');
    expect(r.stderr).toContain('conduit, account-api, bytespike, conflux, indigenius');
  });

  it('lists the providers with their command matrix, as a table and as JSON', async () => {
    const table = await tally(['providers']);
    expect(table.exitCode).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^ID\tNAME\tAUTH\tDEFAULT BASE URL\tbalance\t/);
    expect(lines).toHaveLength(6);
    expect(table.stdout).toContain('indigenius\tIndigenius\tX-API-Key\thttps://api.indigenius.ai\tyes');
    const json = await tally(['providers', '--json']);
    const parsed = JSON.parse(json.stdout) as Array<{ id: string; defaultBaseUrl: string | null; commands: string[] }>;
    expect(parsed.map((p) => p.id)).toEqual(['conduit', 'account-api', 'bytespike', 'conflux', 'indigenius']);
    expect(parsed.find((p) => p.id === 'account-api')?.defaultBaseUrl).toBeNull();
    expect(parsed.every((p) => p.commands.includes('balance'))).toBe(true);
  });
});
