// The sandbox lives today (SPEC §7): its newest entries are from the moment it started, and `--end` pins them.
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { tallyInProcess } from '../helpers/in-process.js';
import { BIN, runEnv, sandboxEnv, tally } from '../helpers/tally.js';

const PROVIDERS = ['conduit', 'account-api', 'bytespike', 'conflux', 'indigenius'];
const MINUTE = 60_000;

interface SandboxJson {
  url: string;
  end: string;
  providers: Array<{ id: string; baseUrl: string; accounts: Array<{ name: string; key: string }> }>;
}

/** Runs `tally sandbox --port 0 --json ...args` until it has printed its JSON, then stops it. */
async function sandboxBinary<T>(args: string[], use: (json: SandboxJson) => Promise<T>): Promise<T> {
  const child = execa('node', [BIN, 'sandbox', '--port', '0', '--json', ...args], {
    reject: false,
    extendEnv: false,
    stdin: 'ignore',
    timeout: 25_000,
    env: runEnv(),
  });
  let text = '';
  const json = await new Promise<SandboxJson>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      try {
        resolve(JSON.parse(text) as SandboxJson);
      } catch {
        // not all of it yet
      }
    });
    void child.then((r) => reject(new Error(`tally sandbox exited ${r.exitCode}: ${r.stderr}`)));
  });
  try {
    return await use(json);
  } finally {
    child.kill('SIGTERM');
    await child;
  }
}

const envOf = (json: SandboxJson, provider: string) => {
  const p = json.providers.find((x) => x.id === provider)!;
  return { TALLY_PROVIDER: provider, TALLY_BASE_URL: p.baseUrl, TALLY_API_KEY: p.accounts[0]!.key };
};

describe('a sandbox started without --end', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
  });
  afterAll(() => sandbox.close());

  it.each(PROVIDERS)('startSandbox() has the newest %s entry within a minute of now', async (provider) => {
    const r = await tallyInProcess(['ledger', 'list', '--limit', '1', '--json'], { env: sandboxEnv(sandbox, provider) });
    expect(r.exitCode, r.stderr).toBe(0);
    const [newest] = JSON.parse(r.stdout) as Array<{ createdAt: string }>;
    expect(Math.abs(Date.now() - Date.parse(newest!.createdAt))).toBeLessThan(MINUTE);
  });

  it('shows data for the README examples `ledger list --since 7d`, `usage --since 30d` and `reconcile --since 30d`', async () => {
    const env = sandboxEnv(sandbox, 'conduit');
    const list = await tallyInProcess(['ledger', 'list', '--limit', '500', '--type', 'usage', '--since', '7d', '--json'], { env });
    expect(list.exitCode, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as unknown[]).length).toBeGreaterThan(100);

    const usage = await tallyInProcess(['usage', '--since', '30d', '--json'], { env });
    expect(usage.exitCode, usage.stderr).toBe(0);
    expect(JSON.parse(usage.stdout).totals.requests).toBeGreaterThan(100);

    const reconcile = await tallyInProcess(['reconcile', '--since', '30d', '--json'], { env });
    expect(reconcile.exitCode, reconcile.stderr).toBe(0);
    expect(JSON.parse(reconcile.stdout).checked).toBeGreaterThan(100);
  });
});

describe('tally sandbox', () => {
  it('without --end serves a ledger whose newest entry is from the moment it started, and says when that was', async () => {
    const before = Date.now();
    await sandboxBinary([], async (json) => {
      expect(Math.abs(Date.parse(json.end) - before)).toBeLessThan(MINUTE);
      const r = await tally(['ledger', 'list', '--limit', '1', '--json'], { env: envOf(json, 'bytespike') });
      expect(r.exitCode, r.stderr).toBe(0);
      const [newest] = JSON.parse(r.stdout) as Array<{ createdAt: string }>;
      expect(Math.abs(Date.now() - Date.parse(newest!.createdAt))).toBeLessThan(MINUTE);
    });
  });

  it('with the same --seed and --end serves the same data, byte for byte, and its newest entry is at --end', async () => {
    const exportOf = (args: string[]) =>
      sandboxBinary(args, async (json) => {
        const runs = await Promise.all(
          PROVIDERS.map((provider) => tally(['ledger', 'export', '--ndjson'], { env: envOf(json, provider), stripFinalNewline: false })),
        );
        for (const r of runs) expect(r.exitCode, r.stderr).toBe(0);
        return { json, out: runs.map((r) => r.stdout) };
      });
    const [first, second] = await Promise.all([
      exportOf(['--seed', '7', '--end', '2026-03-01T10:00:00Z']),
      exportOf(['--seed', '7', '--end', '2026-03-01T10:00:00Z']),
    ]);
    expect(first.json.end).toBe('2026-03-01T10:00:00.000Z');
    expect(second.out).toEqual(first.out);
    for (const text of first.out) expect(JSON.parse(text.slice(0, text.indexOf('\n'))).createdAt).toBe('2026-03-01T10:00:00.000Z');
    // a day as --end is midnight UTC, as --since reads it
    expect(await sandboxBinary(['--end', '2026-03-01'], async (json) => json.end)).toBe('2026-03-01T00:00:00.000Z');
  });

  it('startSandbox({ end }) pins the data as --end does', async () => {
    const end = new Date('2026-03-01T10:00:00Z');
    const a = await startSandbox({ port: 0, seed: 7, end });
    const b = await startSandbox({ port: 0, seed: 7, end });
    try {
      const read = (s: Sandbox) => tallyInProcess(['ledger', 'export', '--ndjson'], { env: sandboxEnv(s, 'conduit') });
      const [ra, rb] = await Promise.all([read(a), read(b)]);
      expect(ra.stdout).toBe(rb.stdout);
      expect(JSON.parse(ra.stdout.slice(0, ra.stdout.indexOf('\n'))).createdAt).toBe('2026-03-01T10:00:00.000Z');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('refuses an --end that is not a date with exit 2 and says which forms it takes', async () => {
    const r = await tallyInProcess(['sandbox', '--end', 'tomorrow']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'tally: --end "tomorrow" is not a date\n  use a day (2026-03-01), a UTC time (2026-03-01T10:00:00Z) or a span back from now: 30min, 12h, 7d, 2w',
    );
  });
});
