// Profiles and the config file end to end: add/list/use/remove, key sources, mode 0600, broken files, --all.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { tallyInProcess } from '../helpers/in-process.js';
import { tally, tempConfigDir } from '../helpers/tally.js';

let sandbox: Sandbox;
let cfg: { dir: string; cleanup: () => void };
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 1, entries: 100 });
});
afterAll(() => sandbox.close());
beforeEach(() => {
  cfg = tempConfigDir();
});
afterEach(() => cfg.cleanup());

// in process, but for what is about the process: secrets in any output, and several runs at once on one lock
const run = (args: string[], opts: { env?: Record<string, string>; input?: string; now?: Date } = {}) =>
  tallyInProcess(args, { configDir: cfg.dir, ...opts });
const runBinary = (args: string[], opts: { env?: Record<string, string>; input?: string } = {}) =>
  tally(args, { configDir: cfg.dir, ...opts });

/** Adds a profile for a sandbox account; one whose key is refused, or that cannot be reached, is saved unchecked. */
async function addSandboxProfile(name: string, provider: string, account = 'ok', baseUrl = sandbox.baseUrl(provider)) {
  const unchecked = account === 'revoked' || baseUrl !== sandbox.baseUrl(provider) ? ['--no-verify'] : [];
  const r = await run(['profiles', 'add', name, '--provider', provider, '--base-url', baseUrl, '--key-stdin', ...unchecked], {
    input: `${sandbox.key(provider, account)}\n`,
  });
  expect(r.exitCode, r.stderr).toBe(0);
  return r;
}

describe('profiles', () => {
  it('adds a profile from stdin, writes config.json with mode 0600, and uses it', async () => {
    const added = await addSandboxProfile('work', 'conduit');
    expect(added.stderr).toContain('saved profile "work"');
    const file = join(cfg.dir, 'config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved.defaultProfile).toBe('work');
    expect(saved.profiles.work.provider).toBe('conduit');
    const b = await run(['balance', '--json']);
    expect(b.exitCode).toBe(0);
    expect(JSON.parse(b.stdout).profile).toBe('work');
  });

  it('lists key source and last four characters only', async () => {
    await addSandboxProfile('work', 'conduit');
    const key = sandbox.key('conduit', 'ok');
    const r = await run(['profiles', 'list']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`config ****${key.slice(-4)}`);
    expect(r.stdout).not.toContain(key);
    const json = JSON.parse((await run(['profiles', 'list', '--json'])).stdout);
    expect(json).toEqual([
      { name: 'work', provider: 'conduit', baseUrl: sandbox.baseUrl('conduit'), key: `config ****${key.slice(-4)}`, default: true },
    ]);
  });

  it('stores only the variable name with --key-env and reads it at run time', async () => {
    const r = await run([
      'profiles',
      'add',
      'spike',
      '--provider',
      'bytespike',
      '--base-url',
      sandbox.baseUrl('bytespike'),
      '--key-env',
      'SPIKE_KEY',
    ]);
    expect(r.exitCode).toBe(0);
    expect(readFileSync(join(cfg.dir, 'config.json'), 'utf8')).not.toContain('sbx_');
    const unset = await run(['balance']);
    expect(unset.exitCode).toBe(2);
    expect(unset.stderr).toContain('$SPIKE_KEY, which is not set');
    const ok = await run(['balance', '--json'], { env: { SPIKE_KEY: sandbox.key('bytespike', 'ok') } });
    expect(ok.exitCode).toBe(0);
  });

  it('switches the default with use, and removes profiles', async () => {
    await addSandboxProfile('a', 'conduit');
    await addSandboxProfile('b', 'conflux');
    expect(JSON.parse((await run(['balance', '--json'])).stdout).profile).toBe('a');
    expect((await run(['profiles', 'use', 'b'])).exitCode).toBe(0);
    expect(JSON.parse((await run(['balance', '--json'])).stdout).profile).toBe('b');
    expect(JSON.parse((await run(['balance', '--json'], { env: { TALLY_PROFILE: 'a' } })).stdout).profile).toBe('a');
    expect(JSON.parse((await run(['-p', 'b', 'balance', '--json'], { env: { TALLY_PROFILE: 'a' } })).stdout).profile).toBe('b');
    expect((await run(['profiles', 'remove', 'b'])).exitCode).toBe(0);
    const list = JSON.parse((await run(['profiles', 'list', '--json'])).stdout);
    expect(list.map((p: { name: string }) => p.name)).toEqual(['a']);
  });

  it('exits 2 for unknown profiles, providers and bad names', async () => {
    expect((await run(['profiles', 'use', 'ghost'])).exitCode).toBe(2);
    expect((await run(['profiles', 'remove', 'ghost'])).stderr).toContain('no profile named "ghost"');
    const badProvider = await run(['profiles', 'add', 'x', '--provider', 'acme', '--key-stdin'], { input: 'k' });
    expect(badProvider.exitCode).toBe(2);
    expect(badProvider.stderr).toContain('unknown provider "acme"');
    expect((await run(['profiles', 'add', '../evil', '--provider', 'conduit', '--key-stdin'], { input: 'k' })).exitCode).toBe(2);
    const noKey = await run(['profiles', 'add', 'x', '--provider', 'conduit']);
    expect(noKey.exitCode).toBe(2);
    expect(noKey.stderr).toContain('--key-stdin');
    const remote = await run(['profiles', 'add', 'x', '--provider', 'conduit', '--base-url', 'http://example.com', '--key-stdin'], {
      input: 'k',
    });
    expect(remote.exitCode).toBe(2);
    expect(remote.stderr).toContain('plain http');
    const selected = await run(['balance', '-p', 'ghost']);
    expect(selected.exitCode).toBe(2);
    expect(selected.stderr).toContain('no profile named "ghost" (--profile)');
  });

  it('reports a corrupt config file with exit 2 naming it, and never rewrites it', async () => {
    await addSandboxProfile('a', 'conduit');
    const file = join(cfg.dir, 'config.json');
    const broken = `${readFileSync(file, 'utf8').slice(0, -5)}`;
    writeFileSync(file, broken);
    for (const args of [['balance'], ['profiles', 'list'], ['profiles', 'use', 'a']]) {
      const r = await run(args);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain(file);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const add = await run(['profiles', 'add', 'b', '--provider', 'conflux', '--key-stdin'], { input: 'k-123456789012' });
    expect(add.exitCode).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe(broken);
  });

  it('reports a threshold of the wrong type in the config file with exit 2, naming the field', async () => {
    const file = join(cfg.dir, 'config.json');
    writeFileSync(file, JSON.stringify({ profiles: { a: { provider: 'conduit', key: 'k', min: 10 } } }));
    expect(await run(['balance'])).toMatchObject({
      exitCode: 2,
      stderr: expect.stringContaining('profile "a": "min" must be a decimal string such as "10"'),
    });
    writeFileSync(file, JSON.stringify({ profiles: { a: { provider: 'conduit', key: 'k', minDays: '7' } } }));
    expect(await run(['balance'])).toMatchObject({
      exitCode: 2,
      stderr: expect.stringContaining('profile "a": "minDays" must be a number of days such as 7'),
    });
  });

  it('reports a config file of the wrong shape with exit 2, naming the field', async () => {
    writeFileSync(join(cfg.dir, 'config.json'), JSON.stringify({ profiles: { a: { provider: 'conduit', key: 42 } } }));
    const r = await run(['balance']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('profile "a": "key" must be a string');
  });
});

describe('balance --all', () => {
  it('queries every profile concurrently and prints one table; a failing profile shows its error and sets the exit code', async () => {
    await addSandboxProfile('good', 'conduit');
    await addSandboxProfile('spike', 'bytespike');
    await addSandboxProfile('refused', 'indigenius', 'revoked');
    const r = await run(['balance', '--all']);
    expect(r.exitCode).toBe(3);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines.find((l) => l.startsWith('good\t'))).toMatch(/^good\tconduit\t\d+\.\d\d\t/);
    expect(lines.find((l) => l.startsWith('spike\t'))).toMatch(/^spike\tbytespike\t\d+\.\d\d\t/);
    expect(lines.find((l) => l.startsWith('refused\t'))).toContain('error: indigenius (profile refused) refused the key (401)');
    const json = JSON.parse((await run(['balance', '--all', '--json'])).stdout) as Array<Record<string, unknown>>;
    expect(json.map((j) => j.profile)).toEqual(['good', 'spike', 'refused']);
    expect(json[2]).toMatchObject({ balance: null, error: { code: 3 } });
  });

  it('exits 1 with --min when any available balance is below it', async () => {
    await addSandboxProfile('good', 'conduit');
    await addSandboxProfile('credits', 'conflux');
    const r = await run(['balance', '--all', '--min', '1000'], {});
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('good:');
    expect(r.stderr).not.toContain('credits:');
  });

  it("exits with a failing profile's own code under --min, not 1: 3 for a refused key, 4 for a provider that failed", async () => {
    await addSandboxProfile('good', 'conduit');
    await addSandboxProfile('refused', 'indigenius', 'revoked');
    const refused = await run(['balance', '--all', '--min', '999999999']);
    expect(refused.exitCode).toBe(3);
    expect(refused.stderr).toContain('good:');
    await run(['profiles', 'remove', 'refused']);
    // a port nothing listens on: the provider cannot be reached
    await addSandboxProfile('down', 'bytespike', 'ok', 'http://127.0.0.1:9/bytespike');
    const down = await run(['--retries', '0', 'balance', '--all', '--min', '999999999']);
    expect(down.exitCode).toBe(4);
  });

  it('exits 2 when there are no profiles at all', async () => {
    const r = await run(['balance', '--all']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('no profiles');
  });
});

const configOf = () =>
  JSON.parse(readFileSync(join(cfg.dir, 'config.json'), 'utf8')) as {
    defaultProfile?: string;
    profiles: Record<string, Record<string, unknown>>;
  };

describe('profiles add: a name taken, and the key checked', () => {
  const add = (name: string, provider: string, key: string, extra: string[] = []) =>
    run(['profiles', 'add', name, '--provider', provider, '--base-url', sandbox.baseUrl(provider), '--key-stdin', ...extra], {
      input: `${key}\n`,
    });

  it('refuses a name already taken without --force (exit 2), keeping the profile as it was', async () => {
    await addSandboxProfile('work', 'conduit');
    const before = readFileSync(join(cfg.dir, 'config.json'), 'utf8');
    const r = await add('work', 'bytespike', sandbox.key('bytespike', 'ok'));
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(
      'tally: profile "work" already exists\n' +
        '  pass --force to replace it, or change one field with `tally profiles set work` (see `tally profiles show work`)',
    );
    expect(readFileSync(join(cfg.dir, 'config.json'), 'utf8')).toBe(before);
  });

  it('replaces a profile with --force', async () => {
    await addSandboxProfile('work', 'conduit');
    const r = await add('work', 'bytespike', sandbox.key('bytespike', 'ok'), ['--force']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(configOf().profiles.work).toEqual({
      provider: 'bytespike',
      baseUrl: sandbox.baseUrl('bytespike'),
      key: sandbox.key('bytespike', 'ok'),
    });
  });

  it('checks the key with one request and says it works', async () => {
    const before = sandbox.requestsByPath.get('conduit /api/billing/balance') ?? 0;
    const r = await add('work', 'conduit', sandbox.key('conduit', 'ok'));
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/^saved profile "work" \(conduit, key \*{4}\w{4}, default\) to .*; the key works \(balance \d+\.\d\d USD\)$/);
    expect((sandbox.requestsByPath.get('conduit /api/billing/balance') ?? 0) - before).toBe(1);
  });

  it('refuses a key the provider refuses (exit 3) and saves nothing', async () => {
    const r = await add('work', 'conduit', sandbox.key('conduit', 'revoked'));
    expect(r.exitCode).toBe(3);
    expect(r.stderr.split('\n')).toEqual([
      expect.stringMatching(/^tally: conduit \(profile work\) refused the key \(401\)/),
      '  nothing was saved: check the key and base URL, or pass --no-verify to save profile "work" without checking',
    ]);
    expect(existsSync(join(cfg.dir, 'config.json'))).toBe(false);
  });

  it('exits 4 and saves nothing when the provider cannot be reached to check the key', async () => {
    const r = await run(
      ['--retries', '0', 'profiles', 'add', 'work', '--provider', 'conduit', '--base-url', 'http://127.0.0.1:9', '--key-stdin'],
      { input: 'sk-0123456789abcdef' },
    );
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toContain('--no-verify to save profile "work" without checking');
    expect(existsSync(join(cfg.dir, 'config.json'))).toBe(false);
  });

  it('saves without a request with --no-verify, and says the key was not checked', async () => {
    const before = sandbox.requests.get('conduit') ?? 0;
    const r = await add('work', 'conduit', sandbox.key('conduit', 'revoked'), ['--no-verify']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/; key not checked: --no-verify$/);
    expect(sandbox.requests.get('conduit') ?? 0).toBe(before);
    expect(configOf().profiles.work?.key).toBe(sandbox.key('conduit', 'revoked'));
  });

  it('checks a --key-env key when the variable is set, and says so when it is not', async () => {
    const args = [
      'profiles',
      'add',
      'spike',
      '--provider',
      'bytespike',
      '--base-url',
      sandbox.baseUrl('bytespike'),
      '--key-env',
      'SPIKE_KEY',
    ];
    const refused = await run(args, { env: { SPIKE_KEY: sandbox.key('bytespike', 'revoked') } });
    expect(refused.exitCode).toBe(3);
    const unset = await run(args);
    expect(unset.exitCode).toBe(0);
    expect(unset.stderr).toMatch(/; key not checked: \$SPIKE_KEY is not set here$/);
  });

  it('stores thresholds given with --min and --min-days', async () => {
    const r = await add('credits', 'conflux', sandbox.key('conflux', 'ok'), ['--min', '500000', '--min-days', '14']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(configOf().profiles.credits).toMatchObject({ min: '500000', minDays: 14 });
  });
});

describe('profiles show, set and rename', () => {
  it('shows one profile without its key, in a table and as JSON', async () => {
    await addSandboxProfile('work', 'conduit');
    const key = sandbox.key('conduit', 'ok');
    await run(['profiles', 'set', 'work', '--min', '10', '--min-days', '7']);
    const json = await run(['profiles', 'show', 'work', '--json']);
    expect(json.exitCode).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      name: 'work',
      provider: 'conduit',
      baseUrl: sandbox.baseUrl('conduit'),
      key: `config ****${key.slice(-4)}`,
      default: true,
      min: '10',
      minDays: 7,
    });
    const table = await run(['profiles', 'show', 'work']);
    expect(table.stdout.split('\n')).toEqual([
      'FIELD\tVALUE',
      'name\twork',
      'provider\tconduit',
      `base URL\t${sandbox.baseUrl('conduit')}`,
      `key\tconfig ****${key.slice(-4)}`,
      'default\tyes',
      'min\t10',
      'min days\t7',
    ]);
    expect(`${table.stdout}${json.stdout}`).not.toContain(key);
    const ghost = await run(['profiles', 'show', 'ghost']);
    expect(ghost.exitCode).toBe(2);
    expect(ghost.stderr).toBe(`tally: no profile named "ghost" in ${join(cfg.dir, 'config.json')}\n  see \`tally profiles list\``);
  });

  it('changes the base URL without the key being entered again, checking them together', async () => {
    await addSandboxProfile('work', 'conduit');
    const other = await startSandbox({ port: 0, seed: 1, entries: 20 });
    try {
      const r = await run(['--base-url', other.baseUrl('conduit'), 'profiles', 'set', 'work']);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/^updated profile "work": base URL; the key works \(balance \d+\.\d\d USD\)$/);
      expect(other.requestsByPath.get('conduit /api/billing/balance')).toBe(1);
      expect(configOf().profiles.work).toEqual({
        provider: 'conduit',
        baseUrl: other.baseUrl('conduit'),
        key: sandbox.key('conduit', 'ok'),
      });
    } finally {
      await other.close();
    }
  });

  it('refuses a new key the provider refuses (exit 3) and keeps the old one', async () => {
    await addSandboxProfile('work', 'conduit');
    const r = await run(['profiles', 'set', 'work', '--key-stdin'], { input: sandbox.key('conduit', 'revoked') });
    expect(r.exitCode).toBe(3);
    expect(configOf().profiles.work?.key).toBe(sandbox.key('conduit', 'ok'));
    const unchecked = await run(['profiles', 'set', 'work', '--key-stdin', '--no-verify'], { input: sandbox.key('conduit', 'revoked') });
    expect(unchecked.exitCode).toBe(0);
    expect(unchecked.stderr).toBe('updated profile "work": key; key not checked: --no-verify');
  });

  it('switches the key source to a variable, dropping the stored key', async () => {
    await addSandboxProfile('work', 'conduit');
    const r = await run(['profiles', 'set', 'work', '--key-env', 'WORK_KEY'], { env: { WORK_KEY: sandbox.key('conduit', 'ok') } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(configOf().profiles.work).toEqual({ provider: 'conduit', baseUrl: sandbox.baseUrl('conduit'), keyEnv: 'WORK_KEY' });
  });

  it('sets and clears thresholds with no request', async () => {
    await addSandboxProfile('work', 'conduit');
    const before = sandbox.requests.get('conduit') ?? 0;
    const set = await run(['profiles', 'set', 'work', '--min', '2.50', '--min-days', '3.5']);
    expect(set).toMatchObject({ exitCode: 0, stderr: 'updated profile "work": min 2.50, minDays 3.5' });
    expect(configOf().profiles.work).toMatchObject({ min: '2.50', minDays: 3.5 });
    const cleared = await run(['profiles', 'set', 'work', '--min', 'none']);
    expect(cleared).toMatchObject({ exitCode: 0, stderr: 'updated profile "work": min cleared' });
    expect(configOf().profiles.work).not.toHaveProperty('min');
    expect(configOf().profiles.work).toMatchObject({ minDays: 3.5 });
    expect(sandbox.requests.get('conduit') ?? 0).toBe(before);
  });

  it('refuses what set cannot do: nothing to change, an unknown profile, another provider (exit 2)', async () => {
    await addSandboxProfile('work', 'conduit');
    expect(await run(['profiles', 'set', 'work'])).toMatchObject({
      exitCode: 2,
      stderr:
        'tally: profiles set work changes nothing\n' +
        '  give --base-url <url>, --key-stdin, --key-env <VAR>, --min <amount> or --min-days <n> (none clears a threshold)',
    });
    expect(await run(['profiles', 'set', 'ghost', '--min', '1'])).toMatchObject({
      exitCode: 2,
      stderr: `tally: no profile named "ghost" in ${join(cfg.dir, 'config.json')}\n  see \`tally profiles list\``,
    });
    expect(await run(['--provider', 'conflux', 'profiles', 'set', 'work', '--min', '1'])).toMatchObject({
      exitCode: 2,
      stderr:
        'tally: profile "work" is a conduit profile; its provider cannot be changed\n' +
        '  add another: tally profiles add work-conflux --provider conflux',
    });
  });

  it('renames a profile, the default following it', async () => {
    await addSandboxProfile('work', 'conduit');
    await addSandboxProfile('spare', 'bytespike');
    const r = await run(['profiles', 'rename', 'work', 'acme']);
    expect(r).toMatchObject({ exitCode: 0, stderr: 'renamed profile "work" to "acme" (still the default)' });
    expect(configOf().defaultProfile).toBe('acme');
    expect(Object.keys(configOf().profiles)).toEqual(['acme', 'spare']);
    expect(JSON.parse((await run(['balance', '--json'])).stdout).profile).toBe('acme');
  });

  it('keeps a renamed profile’s reconcile checkpoints its own, so removing it removes them', async () => {
    await addSandboxProfile('work', 'conduit');
    expect((await run(['reconcile', '--checkpoint'])).exitCode).toBe(0);
    await run(['profiles', 'rename', 'work', 'acme']);
    const r = await run(['profiles', 'remove', 'acme']);
    expect(r.stderr).toContain('removed profile "acme" and its reconcile checkpoint');
  });

  it('refuses to rename onto a name taken, from a name unknown, or to a bad name (exit 2)', async () => {
    await addSandboxProfile('a', 'conduit');
    await addSandboxProfile('b', 'conduit');
    expect(await run(['profiles', 'rename', 'a', 'b'])).toMatchObject({
      exitCode: 2,
      stderr: 'tally: profile "b" already exists\n  remove it first (`tally profiles remove b`), or pick another name',
    });
    expect((await run(['profiles', 'rename', 'ghost', 'c'])).stderr).toContain('no profile named "ghost"');
    expect((await run(['profiles', 'rename', 'a', '../c'])).exitCode).toBe(2);
    expect(Object.keys(configOf().profiles)).toEqual(['a', 'b']);
  });

  it('takes names such as constructor and toString as profile names, never as properties every object has', async () => {
    await addSandboxProfile('work', 'conduit');
    for (const name of ['constructor', 'toString', 'valueOf', 'hasOwnProperty']) {
      for (const args of [
        ['profiles', 'use', name],
        ['profiles', 'remove', name],
        ['profiles', 'show', name],
        ['profiles', 'set', name, '--min', '3'],
        ['profiles', 'rename', name, 'other'],
        ['-p', name, 'balance'],
      ]) {
        const r = await run(args);
        expect(r.exitCode, `${args.join(' ')}: ${r.stderr}`).toBe(2);
        expect(r.stderr, args.join(' ')).toContain(`no profile named "${name}"`);
      }
    }
    expect(configOf()).toMatchObject({ defaultProfile: 'work' });
    await addSandboxProfile('constructor', 'conduit');
    await addSandboxProfile('toString', 'conduit');
    expect(await run(['profiles', 'rename', 'work', 'valueOf'])).toMatchObject({ exitCode: 0 });
    expect(Object.keys(configOf().profiles)).toEqual(['valueOf', 'constructor', 'toString']);
    expect(JSON.parse((await run(['-p', 'toString', 'balance', '--json'])).stdout)).toMatchObject({ profile: 'toString' });
  });

  it('says when the default profile is removed that there is no default now, and what picks one', async () => {
    await addSandboxProfile('a', 'conduit');
    await addSandboxProfile('b', 'conduit');
    await addSandboxProfile('c', 'conduit');
    expect((await run(['profiles', 'remove', 'a'])).stderr).toBe(
      'removed profile "a"; it was the default, and there is no default profile now\n' +
        '  choose one with `tally profiles use <name>` (b, c)',
    );
    await run(['profiles', 'use', 'b']);
    expect((await run(['profiles', 'remove', 'c'])).stderr).toBe('removed profile "c"');
    expect((await run(['profiles', 'remove', 'b'])).stderr).toBe(
      'removed profile "b"; it was the default, and there is no default profile now',
    );
    expect(configOf()).not.toHaveProperty('defaultProfile');
  });
});

describe('balance --all with thresholds saved on the profiles', () => {
  /** A clock an hour after the profile's newest entry, whenever the sandbox's ledgers end. */
  async function anHourAfterNewest(profile: string): Promise<Date> {
    const [newest] = JSON.parse((await run(['-p', profile, 'ledger', 'list', '--json', '--limit', '1'])).stdout) as Array<{
      createdAt: string;
    }>;
    return new Date(Date.parse(newest?.createdAt ?? '') + 3_600_000);
  }

  /** Every profile's balance, burn and runway as `balance --all --json` gives them at `now`. */
  async function balancesAt(now: Date) {
    return JSON.parse((await run(['balance', '--all', '--json'], { now })).stdout) as Array<{
      profile: string;
      balance: string;
      runwayDays: number;
      burnPerDay: string;
    }>;
  }

  it('compares each profile with its own min, in its own unit: USD and credits in one cron line', async () => {
    await addSandboxProfile('usd', 'conduit');
    await addSandboxProfile('credits', 'conflux');
    const all = JSON.parse((await run(['balance', '--all', '--json'])).stdout) as Array<{ profile: string; balance: string }>;
    const usd = all.find((b) => b.profile === 'usd')?.balance ?? '';
    const credits = all.find((b) => b.profile === 'credits')?.balance ?? '';
    // usd is below its minimum by a cent; credits at its minimum exactly
    const cent = (Math.round(Number(usd) * 100) + 1) / 100;
    await run(['profiles', 'set', 'usd', '--min', cent.toFixed(2)]);
    await run(['profiles', 'set', 'credits', '--min', credits]);
    const r = await run(['balance', '--all']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(`tally: usd: ${usd} USD is below the profile's min ${cent.toFixed(2)}`);
    // a flag overrides every profile's own
    expect((await run(['balance', '--all', '--min', '0'])).exitCode).toBe(0);
  });

  it("compares each profile's runway with its own minDays, a flag overriding them", async () => {
    await addSandboxProfile('usd', 'conduit');
    await addSandboxProfile('credits', 'conflux');
    // the clock an hour after the newest purchase, whenever the sandbox's ledgers end
    const now = await anHourAfterNewest('credits');
    const rows = await balancesAt(now);
    const credits = rows.find((b) => b.profile === 'credits');
    const days = Math.ceil((credits?.runwayDays ?? 0) + 1);
    await run(['profiles', 'set', 'credits', '--min-days', String(days)]);
    const r = await run(['balance', '--all'], { now });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      `tally: credits: ${credits?.runwayDays} days of runway at ${credits?.burnPerDay} credits/day is below the profile's minDays ${days}`,
    );
    expect((await run(['balance', '--all', '--min-days', '0'], { now })).exitCode).toBe(0);
  });

  it('lets the worst failure win: a refused key (3) before a provider down (4) before a balance below (1)', async () => {
    await addSandboxProfile('low', 'conduit');
    await addSandboxProfile('down', 'bytespike', 'ok', 'http://127.0.0.1:9/bytespike');
    const four = await run(['--retries', '0', 'balance', '--all', '--min', '999999999']);
    expect(four.exitCode).toBe(4);
    await addSandboxProfile('refused', 'indigenius', 'revoked');
    const three = await run(['--retries', '0', 'balance', '--all', '--min', '999999999']);
    expect(three.exitCode).toBe(3);
    expect(three.stderr).toContain('low:');
    // with --quiet, no table says why: stderr names each failed profile, and the one below --min, in the profiles' order
    const quiet = await run(['--retries', '0', '-q', 'balance', '--all', '--min', '999999999']);
    expect(quiet).toMatchObject({ exitCode: 3, stdout: '' });
    expect(quiet.stderr.split('\n')).toEqual([
      expect.stringMatching(/^tally: low: \d+\.\d\d USD is below --min 999999999$/),
      expect.stringMatching(/^tally: down: bytespike \(profile down\): .*connection refused/),
      expect.stringMatching(/^tally: refused: indigenius \(profile refused\) refused the key \(401\)/),
    ]);
  });

  it('under -q names each profile that failed a threshold on one line, with the figure and the threshold, and nothing for the others', async () => {
    await addSandboxProfile('usd', 'conduit');
    await addSandboxProfile('credits', 'conflux');
    await addSandboxProfile('spare', 'bytespike');
    const now = await anHourAfterNewest('usd');
    const rows = await balancesAt(now);
    const usd = rows.find((b) => b.profile === 'usd');
    const credits = rows.find((b) => b.profile === 'credits');
    const cent = ((Math.round(Number(usd?.balance) * 100) + 1) / 100).toFixed(2);
    const usdDays = Math.ceil((usd?.runwayDays ?? 0) + 1);
    const creditsDays = Math.ceil((credits?.runwayDays ?? 0) + 1);
    // usd fails both of its own thresholds, credits its minDays, spare has none
    await run(['profiles', 'set', 'usd', '--min', cent, '--min-days', String(usdDays)]);
    await run(['profiles', 'set', 'credits', '--min-days', String(creditsDays)]);
    const r = await run(['-q', 'balance', '--all'], { now });
    expect(r).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: [
        `tally: usd: ${usd?.balance} USD is below the profile's min ${cent}; ${usd?.runwayDays} days of runway at ${usd?.burnPerDay} USD/day is below the profile's minDays ${usdDays}`,
        `tally: credits: ${credits?.runwayDays} days of runway at ${credits?.burnPerDay} credits/day is below the profile's minDays ${creditsDays}`,
      ].join('\n'),
    });
    // a flag is named as the flag; without -q the same lines follow the table
    const flagged = await run(['-q', 'balance', '--all', '--min-days', String(creditsDays)], { now });
    expect(flagged.stderr.split('\n')).toContain(
      `tally: credits: ${credits?.runwayDays} days of runway at ${credits?.burnPerDay} credits/day is below --min-days ${creditsDays}`,
    );
    const loud = await run(['balance', '--all'], { now });
    expect(loud.stderr).toBe(r.stderr);
  });
});

describe('secrets', () => {
  it('never prints the key, in any output, --verbose included', async () => {
    await addSandboxProfile('work', 'conduit');
    const key = sandbox.key('conduit', 'ok');
    const envKey = sandbox.key('bytespike', 'ok');
    const outputs = await Promise.all([
      runBinary(['balance', '-v']),
      runBinary(['balance', '--json', '-v']),
      runBinary(['balance', '--all', '-v']),
      runBinary(['profiles', 'list', '-v']),
      runBinary(['profiles', 'list', '--json']),
      runBinary(['balance', '-v', '--provider', 'bytespike', '--base-url', sandbox.baseUrl('bytespike')], {
        env: { TALLY_API_KEY: envKey },
      }),
      runBinary(['balance', '-v'], { env: { TALLY_API_KEY: sandbox.key('conduit', 'revoked') } }),
    ]);
    for (const r of outputs) {
      for (const secret of [key, envKey, sandbox.key('conduit', 'revoked')]) {
        expect(r.stdout).not.toContain(secret);
        expect(r.stderr).not.toContain(secret);
      }
    }
    expect(outputs[0]?.stderr).toContain(`Authorization: Bearer ****${key.slice(-4)}`);
    expect(outputs[0]?.stderr).toMatch(/< 200 GET \/api\/billing\/balance \(\d+ ms/);
  });

  it('never prints a key the provider echoes back in its error message: 401, 400, profiles add, --json, --verbose', async () => {
    const key = 'sk-echoed-secret-0123456789';
    const { withHttpServer } = await import('../helpers/http.js');
    const echo = (status: number) => (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
      const given = (req.headers.authorization ?? '').replace('Bearer ', '');
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `key ${given} is not valid here` } }));
    };
    for (const status of [401, 400]) {
      await withHttpServer(echo(status), async (url) => {
        const env = { TALLY_PROVIDER: 'conduit', TALLY_BASE_URL: url, TALLY_API_KEY: key };
        const outputs = [
          await runBinary(['balance'], { env }),
          await runBinary(['balance', '--json', '-v'], { env }),
          await runBinary(['profiles', 'add', 'e', '--provider', 'conduit', '--base-url', url, '--key-stdin'], { input: key }),
        ];
        for (const r of outputs) {
          expect(r.exitCode).toBe(status === 401 ? 3 : 4);
          expect(`${r.stdout}${r.stderr}`).not.toContain(key);
        }
        expect(outputs[0]?.stderr).toContain(`key ****6789 is not valid here`);
      });
    }
  });
});

describe('profiles add on a terminal', () => {
  it('asks for the key without echoing it', async () => {
    const { execa } = await import('execa');
    const { BIN } = await import('../helpers/tally.js');
    const typed = 'sk-typed-secret-9876';
    // `script` gives tally a real pseudo-terminal; the key is typed after the prompt appears
    // --no-verify: the default base URL is the real provider's, and nothing is sent from a test
    const child = execa('script', ['-qec', `node ${BIN} profiles add typed --provider conduit --no-verify`, '/dev/null'], {
      reject: false,
      env: { TALLY_CONFIG_DIR: cfg.dir, NO_COLOR: '1' },
      stdin: 'pipe',
    });
    let seen = '';
    let sent = false;
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (!sent && seen.includes('API key (input hidden): ')) {
        sent = true;
        child.stdin?.write(`${typed}\r`);
      }
    });
    const r = await child;
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('API key (input hidden): ');
    expect(r.stdout).not.toContain(typed);
    expect(r.stdout).toContain('****9876');
    expect(JSON.parse(readFileSync(join(cfg.dir, 'config.json'), 'utf8')).profiles.typed.key).toBe(typed);
  });
});

describe('profiles add at the hidden key prompt, in a real terminal', () => {
  it('ends at Ctrl-D as at the end of input: no key typed is an empty key (exit 2), nothing saved', async () => {
    const { tallyInPty } = await import('../helpers/pty.js');
    const run = tallyInPty(['profiles', 'add', 'typed', '--provider', 'conduit', '--no-verify'], {
      configDir: cfg.dir,
      env: { NO_COLOR: '1' },
    });
    await run.waitForText('API key (input hidden): ');
    run.write('\x04');
    expect((await run.exited).exitCode).toBe(2);
    expect(run.text()).toBe('API key (input hidden): \ntally: the key from the terminal is empty\n  type or paste the key alone\n');
    expect(existsSync(join(cfg.dir, 'config.json'))).toBe(false);
  });

  it('takes the key typed before Ctrl-D, as a line end would', async () => {
    const { tallyInPty } = await import('../helpers/pty.js');
    const run = tallyInPty(['profiles', 'add', 'typed', '--provider', 'conduit', '--no-verify'], {
      configDir: cfg.dir,
      env: { NO_COLOR: '1' },
    });
    await run.waitForText('API key (input hidden): ');
    run.write('sk-typed-4321\x04');
    expect((await run.exited).exitCode).toBe(0);
    expect(run.text()).not.toContain('sk-typed-4321');
    expect(JSON.parse(readFileSync(join(cfg.dir, 'config.json'), 'utf8')).profiles.typed.key).toBe('sk-typed-4321');
  });
});

describe('concurrent config writes', () => {
  it('keeps every profile when twelve `profiles add` run at once, all exiting 0', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `p${i + 1}`);
    const results = await Promise.all(
      names.map((name) =>
        runBinary(['profiles', 'add', name, '--provider', 'conduit', '--base-url', sandbox.baseUrl('conduit'), '--key-stdin'], {
          input: `${sandbox.key('conduit', 'ok')}\n`,
        }),
      ),
    );
    expect(results.map((r) => r.exitCode)).toEqual(names.map(() => 0));
    const saved = JSON.parse(readFileSync(join(cfg.dir, 'config.json'), 'utf8')) as { profiles: Record<string, unknown> };
    expect(Object.keys(saved.profiles).sort()).toEqual([...names].sort());
    expect(existsSync(join(cfg.dir, 'config.json.lock'))).toBe(false);
  });

  it('takes over at once a config lock left by a `profiles add` that was killed', async () => {
    const { hostname } = await import('node:os');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(cfg.dir, 'config.json.lock'), { recursive: true });
    writeFileSync(
      join(cfg.dir, 'config.json.lock', 'owner.json'),
      JSON.stringify({ pid: 999_999, host: hostname(), startedAt: '2026-03-01T10:00:00.000Z' }),
    );
    const started = Date.now();
    await addSandboxProfile('after-crash', 'conduit');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(existsSync(join(cfg.dir, 'config.json.lock'))).toBe(false);
  });

  it('keeps every change when profiles are added, switched and removed at once', async () => {
    for (const name of ['a', 'b', 'c', 'd']) await addSandboxProfile(name, 'conduit');
    const add = (name: string) =>
      runBinary(['profiles', 'add', name, '--provider', 'conduit', '--base-url', sandbox.baseUrl('conduit'), '--key-stdin'], {
        input: `${sandbox.key('conduit', 'ok')}\n`,
      });
    const results = await Promise.all([
      add('e'),
      runBinary(['profiles', 'remove', 'a']),
      add('f'),
      runBinary(['profiles', 'remove', 'b']),
      runBinary(['profiles', 'use', 'c']),
      add('g'),
    ]);
    expect(results.map((r) => r.exitCode)).toEqual([0, 0, 0, 0, 0, 0]);
    const saved = JSON.parse(readFileSync(join(cfg.dir, 'config.json'), 'utf8')) as {
      defaultProfile: string;
      profiles: Record<string, unknown>;
    };
    expect(Object.keys(saved.profiles).sort()).toEqual(['c', 'd', 'e', 'f', 'g']);
    expect(saved.defaultProfile).toBe('c');
  });
});
