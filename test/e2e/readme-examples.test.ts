// Every `tally …` example in README.md, pasted into bash as a user would, against a fresh sandbox that
// ends now (the README's own `tally sandbox --port 4010`, run from the built binary): it exits as the README
// says and prints data. A new example must be added to the table below, or this fails.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa, execaSync, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeKey } from '../../src/sandbox/common.js';
import { BIN, TEST_TZ, waitFor } from '../helpers/tally.js';
import { installed } from '../helpers/tools.js';

const README = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
/** The port the README's sandbox section uses: its example URL and key are pasted as they are. */
const PORT = 4010;
const base = (provider: string) => `http://127.0.0.1:${PORT}/${provider}`;

/** What running one example should show. */
interface Expect {
  /** The exit code the README gives it (0 unless it says otherwise). */
  code?: number;
  /** Where its data goes: stdout (the default: more than a header line, or JSON that is not empty), a file
   *  it writes (more than a header line), or nowhere (-q on a clean run, a change to the config). */
  data?: 'stdout' | 'none' | { file: string; zip?: true };
  /** What stdout must contain besides. */
  shows?: string;
  /** The fewest lines of data (2 unless said: a table or CSV is more than its header). */
  lines?: number;
  /** A line of the README run first, in the same state (the checkpoint the example re-verifies). */
  after?: string;
  /** Why it is not run here, and where it is tested instead. */
  skip?: string;
}

const EXPECT: Record<string, Expect> = {
  'TALLY_PROVIDER=bytespike TALLY_API_KEY=... tally balance': {},
  'tally balance --json': { shows: '"runwayDays"' },
  'tally balance --all': { shows: 'RUNWAY' },
  'tally balance --min-days 14': { code: 1, shows: 'RUNWAY' },
  'tally profiles set work --min 10 --min-days 14': { data: 'none' },
  'tally profiles set home --min 500000 --min-days 14': { data: 'none' },
  'tally balance --all -q; case $? in 0) ;; 1) echo "a balance or runway is low" ;; 3) echo "a key was refused" ;; 4) echo "a provider failed; it may pass" ;; *) echo "tally failed: see stderr" ;; esac':
    { data: 'none' },
  'tally balance --all -q --min-days 14 2>> alerts.log || tail -n 4 alerts.log': { lines: 1, shows: 'is below --min-days 14' },
  'tally ledger list': {},
  'tally ledger list --limit 500 --type usage --since 7d --json': {},
  'tally ledger export --out ledger.csv': { data: { file: 'ledger.csv' } },
  'tally ledger export --since 7d --order asc --bom --out week-for-excel.csv': { data: { file: 'week-for-excel.csv' } },
  'tally ledger export --ndjson | jq -r \'select(.type == "refund") | .amount\'': { lines: 1 },
  'mkfifo /tmp/ledger.pipe && (gzip < /tmp/ledger.pipe > ledger.csv.gz &) && tally ledger export --out /tmp/ledger.pipe': {
    skip: 'writes to a FIFO in /tmp shared by every run; test/e2e/files.test.ts exports into a FIFO of its own',
  },
  'tally ledger export --all --out every-profile.csv': { data: { file: 'every-profile.csv' } },
  'tally ledger export --all --keep-going --out every-profile.csv || echo "exit $?: a profile is missing"': {
    data: { file: 'every-profile.csv' },
  },
  'tally reconcile': { data: 'none' },
  'tally reconcile --json': { shows: '"ok": true' },
  'tally reconcile --all': {},
  'tally reconcile --file ledger.csv': { data: 'none' },
  'tally reconcile --since 30d --tolerance 0.01': { data: 'none' },
  'tally reconcile --file quoted.csv': { data: 'none' },
  'tally reconcile --checkpoint --full --json | jq .checkpoint': {
    after: 'TALLY_PROFILE=work tally reconcile --checkpoint -q',
    shows: '"verifiedAt"',
  },
  'TALLY_PROFILE=work tally reconcile --checkpoint -q': { data: 'none' },
  'tally statement --all --month 2026-11': { shows: 'PROFILE\tPROVIDER' },
  'tally ledger export --all --month 2026-11 --out month.csv': { data: { file: 'month.csv' } },
  'tally ledger export --all --format xlsx --month 2026-11 --tz Europe/Berlin --out month.xlsx': {
    data: { file: 'month.xlsx', zip: true },
  },
  'tally ledger export --all --format hledger --month 2026-11 --out month.journal && hledger -f month.journal check': {
    data: { file: 'month.journal' },
  },
  'tally ledger export --all --format beancount --month 2026-11 --out month.beancount && bean-check month.beancount': {
    data: { file: 'month.beancount' },
  },
  'TALLY_PROVIDER=conduit TALLY_BASE_URL=http://127.0.0.1:4010/conduit TALLY_API_KEY=sbx_conduit_bad_f18fbd58 tally statement --since 90d':
    {
      code: 1,
      shows: 'difference\t0.07',
    },
  'TALLY_PROVIDER=bytespike TALLY_BASE_URL=http://127.0.0.1:4010/bytespike TALLY_API_KEY=sbx_bytespike_bad_ebcef337 tally ledger export --format hledger --out planted.journal && hledger -f planted.journal check':
    { code: 1, data: { file: 'planted.journal' } },
  'tally usage --since 30d': {},
  'tally usage --by day --period monthly --json': {},
  'tally account': {},
  'tally packs': { shows: 'growth' },
  'tally -p home checkout growth --open': { shows: 'https://', lines: 1 },
  'tally sandbox --port 4010 --entries 2000': { skip: 'this test runs it first: it is the sandbox every example here talks to' },
  'TALLY_PROVIDER=conduit TALLY_BASE_URL=http://127.0.0.1:4010/conduit TALLY_API_KEY=sbx_conduit_ok_30d72018 tally balance': {},
  'printf %s "$CONDUIT_KEY" | tally profiles add work --provider conduit --key-stdin': { data: 'none' },
  'tally profiles add spike --provider bytespike --key-env BYTESPIKE_API_KEY': { data: 'none' },
  'tally profiles add acct --provider account-api --base-url https://api.example.com --key-stdin < jwt.txt': { data: 'none' },
  'tally profiles add home --provider conflux': {
    skip: 'asks for the key at a terminal; test/e2e/terminal.test.ts types into that prompt in a real pty',
  },
  'tally profiles list': {},
  'tally profiles show work': {},
  'tally profiles rename spike bytes': { data: 'none' },
  'tally profiles use bytes': { skip: 'follows the rename above: run in that order below' },
  'tally profiles remove home': { data: 'none' },
  'tally -p work balance': {},
  'HTTPS_PROXY=http://proxy.corp.example:3128 NO_PROXY=localhost,127.0.0.1 tally -v balance': {
    skip: 'needs a proxy at proxy.corp.example; test/e2e/http.test.ts runs tally through a proxy of its own',
  },
  "tally completion bash > ~/.tally-completion.bash && echo 'source ~/.tally-completion.bash' >> ~/.bashrc": {
    data: { file: '~/.tally-completion.bash' },
  },
  'mkdir -p ~/.local/share/bash-completion/completions && tally completion bash > ~/.local/share/bash-completion/completions/tally': {
    data: { file: '~/.local/share/bash-completion/completions/tally' },
  },
  "mkdir -p ~/.zfunc && tally completion zsh > ~/.zfunc/_tally && echo 'fpath=(~/.zfunc $fpath)' >> ~/.zshrc": {
    data: { file: '~/.zfunc/_tally' },
  },
  'mkdir -p ~/.config/fish/completions && tally completion fish > ~/.config/fish/completions/tally.fish': {
    data: { file: '~/.config/fish/completions/tally.fish' },
  },
};

/** The README's example command lines: fenced shell and cron blocks, continuation lines joined, comments
 *  dropped, a cron line's schedule and its `|| mail` left out. */
function readmeExamples(): string[] {
  const lines: string[] = [];
  for (const [, lang, body] of README.matchAll(/^```(sh|bash|shell|console|cron)\n([\s\S]*?)^```/gm)) {
    for (const raw of (body as string).replace(/\\\n\s*/g, '').split('\n')) {
      let line = raw.replace(/\s{2,}#\s.*$/, '').trim();
      if (lang === 'cron') line = line.replace(/^(\S+\s+){5}/, '').replace(/\s*\|\|.*$/, '');
      if (/(^|\s)tally\s/.test(line) && !line.startsWith('#') && !line.startsWith('npm ')) lines.push(line);
    }
  }
  return lines;
}

/**
 * The line as it runs here: the README's profiles point at the real providers, whose hosts a test never
 * reaches, so a profile added without --base-url gets the sandbox's, example.com is the sandbox, and the
 * `...` of a key is the sandbox's key for that provider.
 */
function localised(line: string): string {
  // the month an accountant closes: the README writes 2026-11; here, the sandbox's last complete month
  let out = line.replace('https://api.example.com', base('account-api')).replaceAll('--month 2026-11', `--month ${LAST_MONTH}`);
  const add = /tally profiles add \S+ --provider (\S+)/.exec(out);
  if (add && !out.includes('--base-url')) out = out.replace(add[0], `${add[0]} --base-url ${base(add[1] as string)}`);
  const provider = /TALLY_PROVIDER=(\S+)/.exec(out)?.[1];
  if (provider) out = out.replace('TALLY_API_KEY=...', `TALLY_API_KEY=${makeKey(provider, 'ok')}`);
  if (provider && !out.includes('TALLY_BASE_URL=')) out = `TALLY_BASE_URL=${base(provider)} ${out}`;
  return out;
}

let sandbox: ResultPromise | undefined;
let sandboxOut = '';
let root: string;
const key = (provider: string) => makeKey(provider, 'ok');
const hasJq = execaSync('sh', ['-c', 'command -v jq'], { reject: false }).exitCode === 0;
/** The last complete calendar month in UTC, which the README's sandbox (--entries 2000: ~80 days) holds whole. */
const LAST_MONTH = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
/** The accountants' tools an example runs after tally: under CI a missing one fails, elsewhere the line is skipped. */
const TOOLS = [
  { command: 'hledger', pkg: 'hledger', found: installed('hledger', 'hledger') },
  { command: 'bean-check', pkg: 'beancount', found: installed('bean-check', 'beancount') },
];

/** The state every example starts from: four saved profiles on the sandbox, an export and its quoted copy. */
async function prepare(dir: string): Promise<void> {
  mkdirSync(join(dir, 'home'), { recursive: true });
  mkdirSync(join(dir, 'config'));
  mkdirSync(join(dir, 'cwd'));
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(dir, 'bin', 'tally'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, { mode: 0o755 });
  const profiles = {
    work: { provider: 'conduit', baseUrl: base('conduit'), key: key('conduit') },
    spike: { provider: 'bytespike', baseUrl: base('bytespike'), keyEnv: 'BYTESPIKE_API_KEY' },
    acct: { provider: 'account-api', baseUrl: base('account-api'), key: key('account-api') },
    home: { provider: 'conflux', baseUrl: base('conflux'), key: key('conflux') },
  };
  writeFileSync(join(dir, 'config', 'config.json'), JSON.stringify({ defaultProfile: 'work', profiles }), { mode: 0o600 });
  writeFileSync(join(dir, 'cwd', 'jwt.txt'), `${key('account-api')}\n`);
  const made = await shell(dir, 'tally ledger export --out ledger.csv');
  expect(made.exitCode, made.stderr).toBe(0);
  // the README's own recipe for a copy with every cell quoted
  const quoted = README.match(/^python3 -c .* > quoted\.csv$/m)?.[0];
  expect(quoted).toBeDefined();
  expect((await shell(dir, quoted as string)).exitCode).toBe(0);
}

function shell(dir: string, line: string) {
  return execa('bash', ['-c', line], {
    cwd: join(dir, 'cwd'),
    reject: false,
    timeout: 30_000,
    env: {
      PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
      HOME: join(dir, 'home'),
      TALLY_CONFIG_DIR: join(dir, 'config'),
      TZ: TEST_TZ,
      NO_COLOR: '1',
      // a user's shell has a UTF-8 locale: hledger reads a journal in the locale's encoding (see the README)
      LANG: 'C.UTF-8',
      CONDUIT_KEY: key('conduit'),
      BYTESPIKE_API_KEY: key('bytespike'),
    },
    extendEnv: false,
    stdin: 'ignore',
  });
}

/** Removes a profile from a state's config, for an example that adds it afresh. */
function without(dir: string, name: string): void {
  const file = join(dir, 'config', 'config.json');
  const config = JSON.parse(readFileSync(file, 'utf8')) as { profiles: Record<string, unknown> };
  delete config.profiles[name];
  writeFileSync(file, JSON.stringify(config));
}

beforeAll(async () => {
  // the README's own sandbox line, as a user starts it: the ledgers end now
  const line = readmeExamples().find((l) => l.startsWith('tally sandbox')) as string;
  sandbox = execa('node', [BIN, ...line.split(/\s+/).slice(1)], { reject: false, env: { NO_COLOR: '1', TZ: TEST_TZ } });
  let told = '';
  sandbox.stdout?.on('data', (d: Buffer) => {
    sandboxOut += d.toString();
  });
  sandbox.stderr?.on('data', (d: Buffer) => {
    told += d.toString();
  });
  await waitFor('the README sandbox to listen', () => told.includes('sandbox listening on'));
  root = mkdtempSync(join(tmpdir(), 'tally-readme-'));
  await prepare(join(root, 'state'));
}, 60_000);
afterAll(() => {
  sandbox?.kill('SIGINT');
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('README examples', () => {
  it('are each in the table of what they show, and the table holds no stale line', () => {
    const examples = readmeExamples();
    expect(examples.filter((line) => !(line in EXPECT))).toEqual([]);
    expect(Object.keys(EXPECT).filter((line) => !examples.includes(line))).toEqual([]);
  });

  it('start from the sandbox the README starts, which prints every base URL and key', () => {
    expect(sandboxOut).toContain(base('conduit'));
    expect(sandboxOut).toContain(makeKey('conduit', 'ok'));
  });

  const runnable = readmeExamples().filter((line) => !EXPECT[line]?.skip);
  it.each(runnable)('%s', async (line) => {
    const expected = EXPECT[line] as Expect;
    const dir = join(root, `run-${runnable.indexOf(line)}`);
    cpSync(join(root, 'state'), dir, { recursive: true });
    const added = /tally profiles add (\S+)/.exec(line)?.[1];
    if (added) without(dir, added);
    // `profiles use bytes` follows the README's rename: run the two in its order
    const script = line === 'tally profiles rename spike bytes' ? `${localised(line)} && tally profiles use bytes` : localised(line);
    const tool = TOOLS.find((t) => line.includes(`&& ${t.command} `) && !t.found);
    if (tool) {
      if (process.env.CI === 'true')
        throw new Error(`${tool.command} is not installed: CI needs the Debian package ${tool.pkg} (.ci/run installs it)`);
      return;
    }
    if (/\| jq\b/.test(line) && !hasJq) {
      if (process.env.CI === 'true') throw new Error('jq is not installed: CI needs the Debian package jq (.ci/run installs it)');
      console.warn(`skipping "${line}": jq is not installed (Debian package jq)`);
      return;
    }
    if (expected.after) expect((await shell(dir, expected.after)).exitCode).toBe(0);
    const r = await shell(dir, script);
    expect(r.exitCode, `${r.stderr}`).toBe(expected.code ?? 0);
    const data = expected.data ?? 'stdout';
    if (data === 'stdout') {
      const out = r.stdout.trim();
      const json = /^[[{]/.test(out) ? (JSON.parse(out) as unknown) : undefined;
      if (json !== undefined) expect(Array.isArray(json) ? json.length : Object.keys(json as object).length).toBeGreaterThan(0);
      else expect(out === '' ? 0 : out.split('\n').length, `${line} printed: ${out}`).toBeGreaterThanOrEqual(expected.lines ?? 2);
    } else if (data !== 'none') {
      const file = data.file.startsWith('~/') ? join(dir, 'home', data.file.slice(2)) : join(dir, 'cwd', data.file);
      expect(existsSync(file), `${file} was written`).toBe(true);
      // a workbook is a zip of more than its empty sheets; text is more than its header line
      if (data.zip) expect(readFileSync(file).subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
      else expect(readFileSync(file, 'utf8').split('\n').filter(Boolean).length).toBeGreaterThan(1);
    }
    if (expected.shows) expect(r.stdout).toContain(expected.shows);
  });
});
