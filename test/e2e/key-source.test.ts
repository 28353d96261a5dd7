// A refused key says where the key and the base URL came from (TALLY_API_KEY, TALLY_BASE_URL, --base-url, the
// profile, the profile's keyEnv variable) and advises only what fixes that source: never to overwrite a profile's
// key that was not sent. In process against the sandbox, whose `revoked` keys are refused (401).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { tallyInProcess as tally } from '../helpers/in-process.js';
import { tempConfigDir } from '../helpers/tally.js';

let sandbox: Sandbox;
let cfg: { dir: string; cleanup: () => void };
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 4, entries: 20 });
});
afterAll(() => sandbox.close());
afterEach(() => cfg?.cleanup());

/** A config whose default profile `work` is conduit with the key and fields given. */
function workProfile(fields: Record<string, string>): string {
  cfg = tempConfigDir();
  const work = { provider: 'conduit', baseUrl: sandbox.baseUrl('conduit'), ...fields };
  writeFileSync(join(cfg.dir, 'config.json'), JSON.stringify({ defaultProfile: 'work', profiles: { work } }));
  return cfg.dir;
}

const good = () => sandbox.key('conduit', 'ok');
const refused = () => sandbox.key('conduit', 'revoked');
const url = () => sandbox.baseUrl('conduit');
/** The first line every refused key gives: what failed. */
const refusedLine = (who: string) => `tally: ${who} refused the key (401) on GET /api/billing/balance: Invalid API key`;

describe('a refused key names where the key and the base URL came from', () => {
  it("with a default profile and TALLY_PROVIDER, TALLY_BASE_URL and TALLY_API_KEY set: the environment's, never the profile's key", async () => {
    const configDir = workProfile({ key: good(), baseUrl: 'https://conduit.example.com' });
    const env = { TALLY_PROVIDER: 'conduit', TALLY_BASE_URL: url(), TALLY_API_KEY: refused() };
    const r = await tally(['balance'], { configDir, env });
    expect(r).toEqual({
      exitCode: 3,
      stdout: '',
      stderr: [
        refusedLine('conduit (profile work)'),
        `  the key came from TALLY_API_KEY (not profile work's) and the base URL from TALLY_BASE_URL (${url()}): set TALLY_API_KEY to a key conduit accepts, or check TALLY_BASE_URL`,
      ].join('\n'),
    });
  });

  it("TALLY_API_KEY over the profile's key, sent to the profile's base URL", async () => {
    const configDir = workProfile({ key: good() });
    const r = await tally(['balance'], { configDir, env: { TALLY_API_KEY: refused() } });
    expect(r.exitCode).toBe(3);
    expect(r.stderr.split('\n')).toEqual([
      refusedLine('conduit (profile work)'),
      `  the key came from TALLY_API_KEY (not profile work's) and the base URL is profile work's (${url()}): set TALLY_API_KEY to a key conduit accepts`,
    ]);
  });

  it('TALLY_API_KEY with no profile, to the base URL from --base-url', async () => {
    const r = await tally(['--base-url', url(), 'balance'], { env: { TALLY_PROVIDER: 'conduit', TALLY_API_KEY: refused() } });
    expect(r.exitCode).toBe(3);
    expect(r.stderr.split('\n')).toEqual([
      refusedLine('conduit'),
      `  the key came from TALLY_API_KEY and the base URL from --base-url (${url()}): set TALLY_API_KEY to a key conduit accepts, or check --base-url`,
    ]);
  });

  it("the profile's own key, sent to the base URL from TALLY_BASE_URL", async () => {
    const configDir = workProfile({ key: refused(), baseUrl: 'https://conduit.example.com' });
    const r = await tally(['balance'], { configDir, env: { TALLY_BASE_URL: url() } });
    expect(r.exitCode).toBe(3);
    expect(r.stderr.split('\n')).toEqual([
      refusedLine('conduit (profile work)'),
      `  the key is profile work's and the base URL from TALLY_BASE_URL (${url()}): give the profile a new key: tally profiles set work --key-stdin, or check TALLY_BASE_URL`,
    ]);
  });

  it("the profile's keyEnv variable: set that variable, not the profile", async () => {
    const configDir = workProfile({ keyEnv: 'WORK_CONDUIT_KEY' });
    const r = await tally(['balance'], { configDir, env: { WORK_CONDUIT_KEY: refused() } });
    expect(r.exitCode).toBe(3);
    expect(r.stderr.split('\n')).toEqual([
      refusedLine('conduit (profile work)'),
      `  the key came from $WORK_CONDUIT_KEY (profile work's keyEnv): set WORK_CONDUIT_KEY to a key conduit accepts`,
    ]);
  });

  it("the profile's own key and base URL: give the profile a new key, as before", async () => {
    const configDir = workProfile({ key: refused() });
    const r = await tally(['balance'], { configDir });
    expect(r.exitCode).toBe(3);
    expect(r.stderr.split('\n')).toEqual([
      refusedLine('conduit (profile work)'),
      '  give the profile a new key: tally profiles set work --key-stdin',
    ]);
  });

  it('under --all each profile is read as saved, whatever TALLY_API_KEY says', async () => {
    const configDir = workProfile({ keyEnv: 'WORK_CONDUIT_KEY' });
    const r = await tally(['-q', 'balance', '--all'], { configDir, env: { WORK_CONDUIT_KEY: refused(), TALLY_API_KEY: good() } });
    expect(r).toEqual({
      exitCode: 3,
      stdout: '',
      stderr: 'tally: work: conduit (profile work) refused the key (401) on GET /api/billing/balance: Invalid API key',
    });
    const one = await tally(['ledger', 'export', '--all'], { configDir, env: { WORK_CONDUIT_KEY: refused(), TALLY_API_KEY: good() } });
    expect(one.stderr.split('\n').slice(0, 2)).toEqual([
      'tally: conduit (profile work) refused the key (401) on GET /api/billing/ledger: Invalid API key',
      `  the key came from $WORK_CONDUIT_KEY (profile work's keyEnv): set WORK_CONDUIT_KEY to a key conduit accepts`,
    ]);
  });
});
