// Help and messages (issue 14, point 10): the global flags shown once, defaults as typed, units that
// cannot be misread, a repeated --type as a list, hints that name what tally knows, did-you-mean.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { parseArgs, parseFailure, tallyInProcess as tally } from '../helpers/in-process.js';
import { sandboxEnv, tempConfigDir } from '../helpers/tally.js';

const now = new Date('2026-12-01T12:00:00Z');
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 1, entries: 250 });
});
afterAll(() => sandbox.close());

describe('help shows the global flags once', () => {
  it('leaves them out of a command help and says where they are', async () => {
    const r = await tally(['ledger', 'list', '--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).not.toContain('Global Options');
    expect(r.stdout).not.toContain('--response-limit');
    expect(r.stdout).toContain('Global flags (--profile, --json, --quiet, --tz and more): tally help options');
  });

  it('prints them with `tally help options`', async () => {
    const r = await tally(['help', 'options']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Global flags, for every command\n/);
    for (const flag of ['-p, --profile <name>', '--provider <id>', '--json', '-q, --quiet', '--timeout <seconds>', '--tz <zone>']) {
      expect(r.stdout).toContain(flag);
    }
    expect(r.stdout).toContain('(default: 30)');
  });

  it('shows defaults as they are typed, unquoted', async () => {
    const list = await tally(['ledger', 'list', '--help']);
    expect(list.stdout).toContain('(default: 20)');
    expect(list.stdout).not.toContain('(default: "');
    const root = await tally(['--help']);
    expect(root.stdout).toContain('(default: 30)');
    expect(root.stdout).not.toContain('(default: "');
  });
});

describe('relative dates have units that cannot be misread', () => {
  it('refuses the ambiguous m and suggests what was meant', async () => {
    expect(await parseFailure(['ledger', 'list', '--since', '2m'], { now })).toEqual({
      code: 2,
      stderr:
        'tally: --since "2m" is ambiguous: m could be minutes or months\n' +
        '  write 2min for two minutes, or 60d or a day (2026-10-01) for about two months\n',
    });
  });

  it.each([
    ['30min', '2026-12-01T11:30:00.000Z'],
    ['12h', '2026-12-01T00:00:00.000Z'],
    ['7d', '2026-11-24T12:00:00.000Z'],
    ['2w', '2026-11-17T12:00:00.000Z'],
  ])('reads --since %s', async (value, instant) => {
    const parsed = await parseArgs(['ledger', 'list', '--since', value], { now });
    expect((parsed.options as { filter: { since: Date } }).filter.since.toISOString()).toBe(instant);
  });

  it('documents the units in the help', async () => {
    const r = await tally(['ledger', 'list', '--help']);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain('30min, 12h, 7d, 2w');
  });
});

describe('a repeated --type is a list', () => {
  it('keeps every --type given, and a comma list too', async () => {
    const parsed = await parseArgs(['ledger', 'list', '--type', 'usage', '--type', 'purchase,refund'], { now });
    expect((parsed.options as { filter: { types: string[] } }).filter.types).toEqual(['usage', 'purchase', 'refund']);
  });

  it('lists the entries of every type asked for', async () => {
    const env = sandboxEnv(sandbox, 'conduit');
    const r = await tally(['ledger', 'list', '--limit', '250', '--type', 'usage', '--type', 'purchase', '--json'], { env });
    expect(r.exitCode).toBe(0);
    const types = new Set((JSON.parse(r.stdout) as Array<{ type: string }>).map((e) => e.type));
    expect([...types].sort()).toEqual(['purchase', 'usage']);
  });

  it('refuses an unknown type among several, naming it', async () => {
    const env = sandboxEnv(sandbox, 'conduit');
    const r = await tally(['ledger', 'list', '--type', 'usage', '--type', 'bogus'], { env });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('tally: --type "bogus" is not a ledger type of conduit');
  });
});

describe('hints name what tally knows', () => {
  it('names the profile and its provider when the key is refused', async () => {
    const { dir, cleanup } = tempConfigDir();
    try {
      const add = await tally(
        ['profiles', 'add', 'broken', '--provider', 'conduit', '--base-url', sandbox.baseUrl('conduit'), '--key-stdin', '--no-verify'],
        {
          configDir: dir,
          input: `${sandbox.key('conduit', 'revoked')}\n`,
        },
      );
      expect(add.exitCode).toBe(0);
      const r = await tally(['balance', '-p', 'broken'], { configDir: dir });
      expect(r.exitCode).toBe(3);
      expect(r.stderr).toContain('tally profiles set broken --key-stdin');
      expect(r.stderr).not.toContain('<name>');
    } finally {
      cleanup();
    }
  });

  it('names the provider when there is no key', async () => {
    const r = await tally(['balance'], { env: { TALLY_PROVIDER: 'bytespike' } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('tally profiles add bytespike --provider bytespike --key-stdin');
    expect(r.stderr).not.toContain('<name>');
  });

  it('names the providers when there is no profile at all', async () => {
    const r = await tally(['balance']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).not.toContain('<id>');
    expect(r.stderr).toContain('--provider conduit');
  });
});

describe('did you mean', () => {
  it('suggests the pack a typo was meant to be', async () => {
    const r = await tally(['checkout', 'grwoth'], { env: sandboxEnv(sandbox, 'conflux') });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(
      'tally: "grwoth" is not a pack conflux sells\n  did you mean growth? (packs: starter, growth, scale, business, enterprise)',
    );
  });

  it('suggests the help topic a typo was meant to be', async () => {
    const r = await tally(['help', 'exit-code']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('tally: no help for "exit-code"\n  did you mean `tally help exit-codes`?');
  });
});

describe('usage tables', () => {
  it('heads the bucket column MONTH for --by day --period monthly', async () => {
    const r = await tally(['usage', '--by', 'day', '--period', 'monthly'], { env: sandboxEnv(sandbox, 'conduit') });
    expect(r.exitCode).toBe(0);
    const header = r.stdout.split('\n').find((l) => l.includes('REQUESTS'));
    // and names the zone its months are in (--tz, else the system's)
    expect(header?.split('\t')[0]).toMatch(/^MONTH \(\S+\)$/);
  });
});

describe('token counts at a terminal', () => {
  it('carry thousands separators in the usage table', async () => {
    const { tallyInPty } = await import('../helpers/pty.js');
    const run = tallyInPty(['usage', '--by', 'model'], { columns: 120, env: sandboxEnv(sandbox, 'conduit') });
    expect((await run.exited).exitCode).toBe(0);
    const rows = run
      .text()
      .split('\n')
      .filter((l) => l.startsWith('│') && !l.includes('REQUESTS'));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const tokens = row
        .split('│')
        .map((c) => c.trim())
        .filter((c) => /^[\d,]+$/.test(c) && c.replace(/,/g, '').length > 3);
      for (const t of tokens) expect(t).toMatch(/^\d{1,3}(,\d{3})+$/);
    }
    expect(run.text()).toMatch(/│\s+\d{1,3}(,\d{3})+\s+│/);
  });
});
