// A repeated id is found wherever it is: 5,000 entries after its first listing, live and in an exported file.
// Commands run in process (test/helpers/in-process.ts) over real sockets.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { withHttpServer } from '../helpers/http.js';
import { parseNdjson } from '../helpers/ledger.js';
import { tallyInProcess as tally } from '../helpers/in-process.js';
import { sandboxEnv } from '../helpers/tally.js';

const ENTRIES = 6000;
/** The entry listed again (newest first, 0 is the newest), and the position its copy takes, 5,001 further on. */
const FIRST = 10;
const AGAIN = 5011;

let sandbox: Sandbox;
let dir: string;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 4, entries: ENTRIES });
  dir = mkdtempSync(join(tmpdir(), 'tally-duplicates-'));
});
afterAll(async () => {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The ids tally reads, newest first. */
async function ids(provider: string): Promise<string[]> {
  const r = await tally(['ledger', 'export', '--ndjson'], { env: sandboxEnv(sandbox, provider), timeoutMs: 60_000 });
  expect(r.exitCode, r.stderr).toBe(0);
  return parseNdjson(r.stdout).map((e) => String(e.id));
}

/**
 * The sandbox's answers with the entry at AGAIN replaced by a copy of the one at FIRST, as the provider
 * first listed it: one id listed twice, 5,001 entries apart, and the total unchanged.
 */
async function withFarCopy<T>(provider: string, items: string, fn: (env: Record<string, string>) => Promise<T>): Promise<T> {
  const listed = await ids(provider);
  const [first, again] = [listed[FIRST], listed[AGAIN]];
  let copy: unknown;
  const upstream = sandbox.baseUrl(provider);
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const headers: Record<string, string> = {};
    const auth = req.headers.authorization;
    if (typeof auth === 'string') headers.authorization = auth;
    void (async () => {
      const answer = await fetch(`${upstream}${req.url ?? '/'}`, { headers });
      let text = await answer.text();
      const body = answer.ok ? (JSON.parse(text) as Record<string, unknown>) : undefined;
      const list = body?.[items];
      if (Array.isArray(list)) {
        body![items] = list.map((item: { id: unknown }) => {
          if (String(item.id) === first) copy = item;
          return String(item.id) === again && copy !== undefined ? copy : item;
        });
        text = JSON.stringify(body);
      }
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(text);
    })();
  };
  return withHttpServer(handler, (baseUrl) => fn({ ...sandboxEnv(sandbox, provider), TALLY_BASE_URL: baseUrl }));
}

describe('a listing that repeats an entry 5,000 entries after it listed it is refused, as the paging rules say', () => {
  it.each([
    ['bytespike', 'items', 'GET /api/v1/me/billing/transactions'],
    ['conduit', 'entries', 'GET /api/billing/ledger'],
    // (conflux's history, one response of purchases, is shorter than 5,000 in the sandbox: the same rule reads it)
  ])('%s: export exits 4 naming the entry, writes no file, and reconcile exits 4 the same way', async (provider, items, endpoint) => {
    await withFarCopy(provider, items, async (env) => {
      const listed = await ids(provider);
      const message = `tally: ${endpoint}: the listing repeats entries it already listed (from entry ${listed[FIRST]}), so it cannot be read exactly once`;
      const out = join(dir, `far-${provider}.csv`);
      const exported = await tally(['ledger', 'export', '--out', out], { env, timeoutMs: 60_000 });
      expect(exported.stderr.split('\n')[0]).toBe(message);
      expect(exported.exitCode).toBe(4);
      expect(existsSync(out)).toBe(false);
      const checked = await tally(['reconcile', '--json'], { env, timeoutMs: 60_000 });
      expect(checked.stderr.split('\n')[0]).toBe(message);
      expect(checked.exitCode).toBe(4);
    });
  });
});

describe('reconcile --file reports an id the file lists again 5,000 entries later as one duplicate', () => {
  it.each(['ndjson', 'csv'] as const)('in a %s export: exit 1, one `duplicate` naming it, nothing else', async (format) => {
    const env = sandboxEnv(sandbox, 'bytespike');
    const path = join(dir, `ledger.${format}`);
    const exported = await tally(['ledger', 'export', `--${format}`, '--out', path], { env, timeoutMs: 60_000 });
    expect(exported.exitCode, exported.stderr).toBe(0);
    const clean = await tally(['reconcile', '--file', path, '--json'], { timeoutMs: 60_000 });
    expect(clean.exitCode, clean.stdout).toBe(0);
    // the line of the entry at FIRST again after the one at AGAIN (CSV has its header line first)
    const lines = readFileSync(path, 'utf8').split('\n');
    const head = format === 'csv' ? 1 : 0;
    lines.splice(head + AGAIN + 1, 0, lines[head + FIRST] as string);
    const twice = join(dir, `twice.${format}`);
    writeFileSync(twice, lines.join('\n'));
    const id = (await ids('bytespike'))[FIRST];
    const r = await tally(['reconcile', '--file', twice, '--json'], { timeoutMs: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(r.stdout) as { checked: number; issues: Array<{ kind: string; entryId: string; message: string }> };
    expect(report.checked).toBe(ENTRIES + 1);
    expect(report.issues.map((i) => [i.kind, i.entryId, i.message])).toEqual([['duplicate', id, `entry ${id} is listed twice`]]);
  });
});
