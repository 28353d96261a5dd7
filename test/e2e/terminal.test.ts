// At a real terminal (node-pty): Ctrl-C stops every command at once and leaves nothing behind, and long
// reads show their progress on stderr (never off a terminal, never with --quiet or --json on stdout).
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { type PtyRun, tallyInPty } from '../helpers/pty.js';
import { sandboxEnv, tally, tempConfigDir, waitFor } from '../helpers/tally.js';

const undo: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of undo.splice(0).reverse()) await fn();
});

/** A sandbox for one test, removed after it. */
async function sandboxWith(faults: string, entries = 250): Promise<Sandbox> {
  const s = await startSandbox({ port: 0, seed: 1, entries, faults });
  undo.push(() => s.close());
  return s;
}

/** An empty directory for one test, removed after it. */
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  undo.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A config directory with one profile per (name, provider, account), the first the default. */
function profilesFor(s: Sandbox, profiles: Array<[name: string, provider: string, account: string]>): string {
  const cfg = tempConfigDir();
  undo.push(cfg.cleanup);
  const entries = profiles.map(([name, provider, account]) => [
    name,
    { provider, baseUrl: s.baseUrl(provider), key: s.key(provider, account) },
  ]);
  writeFileSync(
    join(cfg.dir, 'config.json'),
    JSON.stringify({ defaultProfile: profiles[0]?.[0], profiles: Object.fromEntries(entries) }, null, 2),
  );
  return cfg.dir;
}

const requestsTo = (s: Sandbox) => [...s.requests.values()].reduce((a, b) => a + b, 0);

/** Types Ctrl-C once the sandbox has been asked for something and the spinner shows, and returns how tally ended. */
async function interrupt(run: PtyRun, s: Sandbox, spinner: string): Promise<{ exitCode: number; ms: number }> {
  await waitFor('tally to send its first request', () => requestsTo(s) > 0);
  await run.waitForText(spinner);
  // the command is now waiting on a slow answer: Ctrl-C must stop it there, not at its end
  await new Promise((r) => setTimeout(r, 300));
  const pressed = Date.now();
  run.write('\x03');
  const { exitCode } = await run.exited;
  return { exitCode, ms: Date.now() - pressed };
}

describe('Ctrl-C at a terminal', () => {
  it('stops `ledger export --out FILE` at once with exit 130, leaving no file behind', async () => {
    const s = await sandboxWith('slow=4000');
    const out = tempDir('tally-out-');
    const spool = tempDir('tally-tmp-');
    const run = tallyInPty(['ledger', 'export', '--out', join(out, 'ledger.csv')], {
      env: { ...sandboxEnv(s, 'bytespike'), TMPDIR: spool },
    });
    const { exitCode, ms } = await interrupt(run, s, 'exporting…');
    expect(exitCode).toBe(130);
    expect(ms).toBeLessThan(3000);
    expect(run.text()).toContain('tally: interrupted');
    expect(readdirSync(out)).toEqual([]);
    expect(readdirSync(spool)).toEqual([]);
  });

  it('stops `ledger export --order asc` while it spools, with exit 130 and no spool or output left', async () => {
    const s = await sandboxWith('slow=4000');
    const out = tempDir('tally-out-');
    const spool = tempDir('tally-tmp-');
    const run = tallyInPty(['ledger', 'export', '--order', 'asc', '--ndjson', '--out', join(out, 'ledger.ndjson')], {
      env: { ...sandboxEnv(s, 'indigenius'), TMPDIR: spool },
    });
    const { exitCode, ms } = await interrupt(run, s, 'reading the ledger…');
    expect(exitCode).toBe(130);
    expect(ms).toBeLessThan(3000);
    expect(run.text()).toContain('tally: interrupted');
    expect(readdirSync(out)).toEqual([]);
    expect(readdirSync(spool)).toEqual([]);
  });

  it('stops `reconcile` at once with exit 130, leaving no checkpoint lock behind', async () => {
    const s = await sandboxWith('slow=4000');
    const configDir = profilesFor(s, [['main', 'bytespike', 'ok']]);
    const before = readdirSync(configDir).sort();
    const run = tallyInPty(['reconcile', '--checkpoint'], { configDir });
    const { exitCode, ms } = await interrupt(run, s, 'reconciling…');
    expect(exitCode).toBe(130);
    expect(ms).toBeLessThan(3000);
    expect(run.text()).toContain('tally: interrupted');
    // whatever the run made in the config directory (a checkpoint lock) is gone again
    const left = readdirSync(configDir, { recursive: true }).map(String);
    expect(left.filter((f) => /lock/.test(f))).toEqual([]);
    expect(left.filter((f) => !before.includes(f) && !/checkpoints?$/.test(f))).toEqual([]);
  });

  it('stops `balance --all` at once with exit 130', async () => {
    const s = await sandboxWith('slow=4000');
    const configDir = profilesFor(s, [
      ['work', 'conduit', 'ok'],
      ['spike', 'bytespike', 'ok'],
      ['indi', 'indigenius', 'ok'],
    ]);
    const run = tallyInPty(['balance', '--all'], { configDir });
    const { exitCode, ms } = await interrupt(run, s, 'reading balances…');
    expect(exitCode).toBe(130);
    expect(ms).toBeLessThan(3000);
    expect(run.text()).toContain('tally: interrupted');
  });

  it('stops the hidden key prompt of `profiles add` with exit 130, saving nothing', async () => {
    const cfg = tempConfigDir();
    undo.push(cfg.cleanup);
    const run = tallyInPty(['profiles', 'add', 'x', '--provider', 'conduit'], { configDir: cfg.dir });
    await run.waitForText('API key (input hidden): ');
    run.write('sk-typed-so-far');
    run.write('\x03');
    const { exitCode } = await run.exited;
    expect(exitCode).toBe(130);
    expect(run.text()).toContain('tally: interrupted');
    expect(run.text()).not.toContain('sk-typed-so-far');
    expect(readdirSync(cfg.dir)).toEqual([]);
  });
});

describe('progress on long reads at a terminal', () => {
  it('`ledger export` counts entries with separators against the provider total', async () => {
    const s = await sandboxWith('slow=400', 1500);
    const out = tempDir('tally-out-');
    const run = tallyInPty(['ledger', 'export', '--out', join(out, 'l.csv')], { env: sandboxEnv(s, 'bytespike') });
    await run.waitForText(/exporting… [\d,]+ of 1,500 entries/);
    expect((await run.exited).exitCode).toBe(0);
    expect(run.text()).toContain('exported 1500 entries');
  });

  it('`ledger export --order asc` shows its read while it spools', async () => {
    const s = await sandboxWith('slow=400', 1500);
    const out = tempDir('tally-out-');
    const run = tallyInPty(['ledger', 'export', '--order', 'asc', '--out', join(out, 'l.csv')], { env: sandboxEnv(s, 'bytespike') });
    await run.waitForText(/reading the ledger… [\d,]+ of 1,500 entries/);
    expect((await run.exited).exitCode).toBe(0);
  });

  it('`reconcile` counts the entries it checks, with the total and an ETA once it has a rate', async () => {
    const s = await sandboxWith('slow=700', 3000);
    const run = tallyInPty(['reconcile'], { env: sandboxEnv(s, 'bytespike') });
    await run.waitForText(/reconciling… [\d,]+ of 3,000 entries \([\d,]+\/s, about \d+ s left\)/);
    expect((await run.exited).exitCode).toBe(0);
    expect(run.text()).toContain('no issues');
  });

  it('`usage` counts the records it reads', async () => {
    const s = await sandboxWith('slow=400', 1500);
    const run = tallyInPty(['usage'], { env: sandboxEnv(s, 'bytespike') });
    await run.waitForText(/reading usage… [\d,]+ of [\d,]+ records/);
    expect((await run.exited).exitCode).toBe(0);
  });

  it('`ledger list` deep in the ledger counts toward the entries it needs', async () => {
    const s = await sandboxWith('slow=300', 1500);
    const run = tallyInPty(['ledger', 'list', '--offset', '1000', '--limit', '20'], { env: sandboxEnv(s, 'indigenius') });
    await run.waitForText(/reading the ledger… [\d,]+ of 1,020 entries/);
    expect((await run.exited).exitCode).toBe(0);
  });

  it('`balance --all` counts the profiles done', async () => {
    const fast = await sandboxWith('');
    const slow = await sandboxWith('slow=1500');
    const cfg = tempConfigDir();
    undo.push(cfg.cleanup);
    const profile = (sb: Sandbox, provider: string) => ({ provider, baseUrl: sb.baseUrl(provider), key: sb.key(provider, 'ok') });
    writeFileSync(
      join(cfg.dir, 'config.json'),
      JSON.stringify({ defaultProfile: 'quick', profiles: { quick: profile(fast, 'conduit'), late: profile(slow, 'bytespike') } }),
    );
    const run = tallyInPty(['balance', '--all'], { configDir: cfg.dir });
    await run.waitForText('reading balances… 1 of 2 profiles');
    expect((await run.exited).exitCode).toBe(0);
  });

  it('shows a retry as it happens: the status and the wait', async () => {
    const s = await sandboxWith('503@2=2,slow=300', 1500);
    const out = tempDir('tally-out-');
    const run = tallyInPty(['ledger', 'export', '--out', join(out, 'l.csv')], { env: sandboxEnv(s, 'bytespike') });
    await run.waitForText(/503, retrying in 2(\.\d)? s \(retry 1 of 4\)/);
    expect((await run.exited).exitCode).toBe(0);
  });

  it('shows nothing with --quiet', async () => {
    const s = await sandboxWith('slow=400', 1500);
    const run = tallyInPty(['-q', 'reconcile'], { env: sandboxEnv(s, 'bytespike') });
    expect((await run.exited).exitCode).toBe(0);
    expect(run.text()).not.toContain('reconciling');
  });
});

describe('progress off a terminal', () => {
  it('is never written when stderr is a pipe, retries included', async () => {
    const s = await sandboxWith('503@2=1,slow=300', 1500);
    const env = sandboxEnv(s, 'bytespike');
    for (const args of [['reconcile'], ['usage'], ['ledger', 'export', '--order', 'asc'], ['ledger', 'list', '--offset', '1000']]) {
      const r = await tally(args, { env });
      expect(r.exitCode).toBe(0);
      expect(r.stderr).not.toMatch(/…|retrying/);
    }
  });
});
