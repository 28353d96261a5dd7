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
const run = (args: string[], opts: { env?: Record<string, string>; input?: string } = {}) =>
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
