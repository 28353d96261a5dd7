// A command runs against the profile chosen (flag, environment, default, the only one) or exits 5 naming the
// saved profiles that could; only the keyless `packs` looks elsewhere, and says which provider it asked.
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { tallyInProcess as tally } from '../helpers/in-process.js';
import { tallyInPty } from '../helpers/pty.js';
import { sandboxEnv, tempConfigDir } from '../helpers/tally.js';

let sandbox: Sandbox;
let cfg: { dir: string; cleanup: () => void };
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 9, entries: 40 });
  cfg = tempConfigDir();
  // a conduit default and a conflux profile, as a user with two accounts has them
  const config = {
    defaultProfile: 'work',
    profiles: {
      work: { provider: 'conduit', baseUrl: sandbox.baseUrl('conduit'), key: sandbox.key('conduit', 'ok') },
      cx: { provider: 'conflux', baseUrl: sandbox.baseUrl('conflux'), key: sandbox.key('conflux', 'ok') },
    },
  };
  writeFileSync(join(cfg.dir, 'config.json'), JSON.stringify(config));
});
afterAll(async () => {
  await sandbox.close();
  cfg.cleanup();
});

const checkouts = () => sandbox.requestsByPath.get('conflux /v1/billing/checkout') ?? 0;
const inConfig = (args: string[], env: Record<string, string> = {}) => tally(args, { configDir: cfg.dir, env });

describe('checkout runs against the chosen profile', () => {
  it("exits 5 with a conduit default profile, naming conduit and the conflux profile that could, and posts with no one's key", async () => {
    const before = checkouts();
    const r = await inConfig(['checkout', 'growth']);
    expect(r.stderr).toBe('tally: conduit (profile work) does not offer `checkout`\n  profiles that can: cx (conflux); pass --profile cx');
    expect(r.exitCode).toBe(5);
    expect(r.stdout).toBe('');
    expect(checkouts()).toBe(before);
  });

  it('exits 5 the same way when the conduit profile is chosen by --profile or TALLY_PROFILE', async () => {
    for (const r of [
      await inConfig(['checkout', 'growth', '--profile', 'work']),
      await inConfig(['checkout', 'growth'], { TALLY_PROFILE: 'work' }),
    ]) {
      expect(r.exitCode).toBe(5);
      expect(r.stderr).toContain('profiles that can: cx (conflux); pass --profile cx');
    }
  });

  it('with --provider conflux and no key, points to the conflux profile saved rather than to saving another', async () => {
    const r = await inConfig(['checkout', 'growth', '--provider', 'conflux']);
    expect(r.stderr).toBe('tally: no API key for conflux\n  pass --profile cx (a saved conflux profile), or set TALLY_API_KEY');
    expect(r.exitCode).toBe(2);
    const balance = await inConfig(['balance', '--provider', 'conflux']);
    expect(balance.stderr).toBe('tally: no API key for conflux\n  pass --profile cx (a saved conflux profile), or set TALLY_API_KEY');
  });

  it('posts with the conflux profile once it is the one chosen', async () => {
    const r = await inConfig(['checkout', 'growth', '--profile', 'cx']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('https://checkout.stripe.com/c/pay/cs_test_growth_sandbox');
  });

  it('exits 2 with no profile chosen among several, naming the profiles that could', async () => {
    const dir = tempConfigDir();
    try {
      const config = JSON.parse(readFileSync(join(cfg.dir, 'config.json'), 'utf8'));
      writeFileSync(join(dir.dir, 'config.json'), JSON.stringify({ profiles: config.profiles }));
      const r = await tally(['checkout', 'growth'], { configDir: dir.dir });
      expect(r.stderr).toBe('tally: no profile chosen for `checkout`\n  profiles that can: cx (conflux); pass --profile cx');
      expect(r.exitCode).toBe(2);
    } finally {
      dir.cleanup();
    }
  });
});

describe('packs, needing no key, may ask the provider that sells them', () => {
  it("lists conflux's packs with a conduit default profile and says on stderr which profile it asked", async () => {
    const r = await inConfig(['packs']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('growth\tAPI Growth\t24.99');
    expect(r.stderr).toBe('tally: note: packs from conflux (profile cx): profile work is conduit, which has no packs');
  });

  it('says it asked conflux when no profile is saved at all', async () => {
    const r = await tally(['packs'], { env: { TALLY_BASE_URL: sandbox.baseUrl('conflux') } });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('starter\tAPI Starter\t9.99');
    expect(r.stderr).toBe(`tally: note: packs from conflux at ${sandbox.baseUrl('conflux')}: no profile chosen`);
  });

  it('says nothing more under -q, and keeps stdout JSON under --json', async () => {
    expect((await inConfig(['packs', '-q'])).stderr).toBe('');
    const r = await inConfig(['packs', '--json']);
    expect(JSON.parse(r.stdout)[0].key).toBe('starter');
  });

  it('prints no note when the chosen profile sells packs itself', async () => {
    const r = await inConfig(['packs', '--profile', 'cx']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('exits 5 when a profile without packs is chosen by name, naming the profile that has them', async () => {
    const r = await inConfig(['packs', '--profile', 'work']);
    expect(r.stderr).toBe('tally: conduit (profile work) does not offer `packs`\n  profiles that can: cx (conflux); pass --profile cx');
    expect(r.exitCode).toBe(5);
  });
});

describe('checkout --open at a terminal', () => {
  /** A PATH holding only `xdg-open` (or nothing), so no real browser can start. */
  function opener(script?: string): { path: string; marker: string } {
    const bin = mkdtempSync(join(tmpdir(), 'tally-opener-'));
    const marker = join(bin, 'opened');
    if (script !== undefined) {
      writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\n${script.replaceAll('MARKER', marker)}\n`);
      chmodSync(join(bin, 'xdg-open'), 0o755);
    }
    return { path: bin, marker };
  }

  async function openAt(path: string) {
    const run = tallyInPty(['checkout', 'starter', '--open'], { env: { ...sandboxEnv(sandbox, 'conflux'), PATH: path } });
    const { exitCode } = await run.exited;
    return { exitCode, text: run.text() };
  }

  it.runIf(process.platform === 'linux')('prints the URL and says no browser opener was found, exit 0', async () => {
    const { exitCode, text } = await openAt(opener().path);
    expect(text).toBe(
      'https://checkout.stripe.com/c/pay/cs_test_starter_sandbox\n' +
        'tally: note: no browser opened: xdg-open is not on PATH; open the URL above yourself\n',
    );
    expect(exitCode).toBe(0);
  });

  it.runIf(process.platform === 'linux')('prints the URL and says the opener failed, with its exit code, exit 0', async () => {
    const { exitCode, text } = await openAt(opener('exit 3').path);
    expect(text).toBe(
      'https://checkout.stripe.com/c/pay/cs_test_starter_sandbox\n' +
        'tally: note: no browser opened: xdg-open exited with 3; open the URL above yourself\n',
    );
    expect(exitCode).toBe(0);
  });

  it.runIf(process.platform === 'linux')('hands the URL to a working opener and says nothing more', async () => {
    const { path, marker } = opener('echo "$1" > MARKER');
    const { exitCode, text } = await openAt(path);
    expect(text).toBe('https://checkout.stripe.com/c/pay/cs_test_starter_sandbox\n');
    expect(exitCode).toBe(0);
    expect(existsSync(marker) && readFileSync(marker, 'utf8')).toBe('https://checkout.stripe.com/c/pay/cs_test_starter_sandbox\n');
  });
});
