// `ledger export --format hledger|beancount` checked by the real tools: `hledger check` (hledger 1.25) and
// `bean-check` (Beancount 2.3.5) accept every provider's clean sandbox account and fail a planted chain break at
// the entry `tally reconcile` names, so the accountant's own tool re-checks tally. Conflux's sandbox has no
// break in its history: one is served from a loopback proxy of its own. Bad --account, --map, --order and
// --type are refused (exit 2) before any request. Exports run in process; the tools are real processes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { withHttpServer } from '../helpers/http.js';
import { tallyInProcess as tally } from '../helpers/in-process.js';
import { sandboxEnv } from '../helpers/tally.js';
import { describeWithTool } from '../helpers/tools.js';

const PROVIDERS = ['conduit', 'account-api', 'bytespike', 'conflux', 'indigenius'];
/** The providers whose planted account has a chain break (conflux's is an identity mismatch only). */
const CHAINS = PROVIDERS.filter((p) => p !== 'conflux');
const ASSET: Record<string, string> = {
  conduit: 'Assets:Prepaid:Conduit',
  'account-api': 'Assets:Prepaid:AccountAPI',
  bytespike: 'Assets:Prepaid:ByteSpike',
  conflux: 'Assets:Prepaid:Conflux',
  indigenius: 'Assets:Prepaid:Indigenius',
};

let sandbox: Sandbox;
let dir: string;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 5, entries: 400 });
  dir = mkdtempSync(join(tmpdir(), 'tally-journals-'));
});
afterAll(() => {
  sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

type Format = 'hledger' | 'beancount';
const EXT: Record<Format, string> = { hledger: 'journal', beancount: 'beancount' };

/** Exports a journal to a file and returns its path; the export itself must succeed. */
async function exportJournal(format: Format, env: Record<string, string>, name: string, extra: string[] = []): Promise<string> {
  const out = join(dir, `${name}.${EXT[format]}`);
  const r = await tally(['ledger', 'export', '--format', format, '--out', out, ...extra], { env });
  // a planted account lists one entry twice: kept once, and said
  expect(r.stderr).toMatch(/^(tally: warning: entry \S+ is listed twice by the provider; it is kept once)?$/);
  expect(r.exitCode).toBe(0);
  return out;
}

const tool = (command: string, args: string[]) => execa(command, args, { reject: false, env: { LANG: 'C.UTF-8' } });

interface Break {
  entryId: string;
  createdAt: string;
  expected: string;
  actual: string;
  delta: string;
}

/** The chain break `tally reconcile` finds on a planted account. */
async function plantedBreak(provider: string): Promise<Break> {
  const r = await tally(['reconcile', '--json'], { env: sandboxEnv(sandbox, provider, 'bad') });
  expect(r.exitCode).toBe(1);
  const issues = (JSON.parse(r.stdout) as { issues: Array<Break & { kind: string }> }).issues.filter((i) => i.kind === 'chain_break');
  expect(issues).toHaveLength(1);
  return issues[0]!;
}

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/**
 * A conflux history whose balance rises between two purchases by more than any consumption: from the
 * purchase `PLANTED` places from the newest on, every balance is 5000 credits higher than the sandbox's.
 */
const PLANTED = 120;
async function withConfluxBreak<T>(
  fn: (env: Record<string, string>, planted: { id: string; createdAt: string }) => Promise<T>,
): Promise<T> {
  const upstream = sandbox.baseUrl('conflux');
  const history = (await (
    await fetch(`${upstream}/v1/billing/history`, { headers: { authorization: `Bearer ${sandbox.key('conflux', 'ok')}` } })
  ).json()) as { data: Array<{ id: string; balance_after: number; created_at: string }> };
  const data = history.data.map((e, i) => (i <= PLANTED ? { ...e, balance_after: e.balance_after + 5000 } : e));
  const planted = data[PLANTED]!;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(req.url === '/v1/billing/history' ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(req.url === '/v1/billing/history' ? { data } : { error: 'Not found' }));
  };
  return withHttpServer(handler, (baseUrl) =>
    fn(
      { ...sandboxEnv(sandbox, 'conflux'), TALLY_BASE_URL: baseUrl },
      { id: planted.id, createdAt: new Date(planted.created_at).toISOString() },
    ),
  );
}

/** The newest account-api entry with text that would forge tags, cut values or break lines if written raw. */
const HOSTILE = {
  description: 'API usage; id:forged\nsecond line\t"quoted" \\ back',
  reference: 'inv,type:forged,100%',
};
async function withHostileText<T>(fn: (env: Record<string, string>, id: string) => Promise<T>): Promise<T> {
  const upstream = sandbox.baseUrl('account-api');
  const key = sandbox.key('account-api', 'ok');
  const first = (await (
    await fetch(`${upstream}/auth/account/ledger?limit=1&offset=0`, { headers: { 'x-api-key': key, authorization: `Bearer ${key}` } })
  ).json()) as {
    data: Array<{ id: number }>;
  };
  const newest = String(first.data[0]!.id);
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const headers: Record<string, string> = {};
      for (const name of ['authorization', 'x-api-key']) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      const answer = await fetch(`${upstream}${req.url ?? '/'}`, { headers });
      const body = (await answer.json()) as { data?: Array<Record<string, unknown>> };
      if (answer.ok && body.data) body.data = body.data.map((e) => (String(e.id) === newest ? { ...e, ...HOSTILE } : e));
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    })();
  };
  return withHttpServer(handler, (baseUrl) => fn({ ...sandboxEnv(sandbox, 'account-api'), TALLY_BASE_URL: baseUrl }, newest));
}

describeWithTool('hledger', 'hledger', 'hledger check on every provider’s journal', () => {
  /** hledger's failure: the file position of the failing assertion, the transaction, and its details. */
  function failure(stderr: string, journal: string) {
    const m = /^hledger: balance assertion: "(.+)" \(line (\d+), column \d+\)\ntransaction:\n(.+)\n/.exec(stderr);
    expect(m, stderr).not.toBeNull();
    const lines = readFileSync(journal, 'utf8').split('\n');
    const at = Number(m![2]) - 1;
    // the transaction the failing posting belongs to: the nearest line above it that starts with a date
    let head = at;
    while (head > 0 && !/^\d{4}-/.test(lines[head]!)) head--;
    const detail = (name: string) => new RegExp(`^${name}: +(.+)$`, 'm').exec(stderr)?.[1];
    return { file: m![1], posting: lines[at]!, transaction: lines[head]!, shown: m![3]!, detail };
  }

  it.each(PROVIDERS)('accepts the journal of the clean %s account, with the strict checks too', async (provider) => {
    const journal = await exportJournal('hledger', sandboxEnv(sandbox, provider), `${provider}-ok`);
    const text = readFileSync(journal, 'utf8');
    expect(text.match(/^\d{4}-\d\d-\d\d .*; .*\bid:/gm)).toHaveLength(400);
    const check = await tool('hledger', ['-f', journal, 'check', '--strict']);
    expect(check.stderr).toBe('');
    expect(check.exitCode).toBe(0);
  });

  it.each(CHAINS)('fails the planted %s account at the chain break reconcile names, with reconcile’s figures', async (provider) => {
    const planted = await plantedBreak(provider);
    const journal = await exportJournal('hledger', sandboxEnv(sandbox, provider, 'bad'), `${provider}-bad`);
    const check = await tool('hledger', ['-f', journal, 'check']);
    expect(check.exitCode).toBe(1);
    const f = failure(check.stderr, journal);
    expect(f.file).toBe(journal);
    expect(f.transaction).toMatch(new RegExp(`^${planted.createdAt.slice(0, 10)} .*; id:${planted.entryId}, `));
    expect(f.shown).toBe(f.transaction);
    expect(f.posting).toMatch(new RegExp(`^    ${ASSET[provider]} .* = ${planted.actual} USD$`));
    expect(f.detail('account')).toBe(ASSET[provider]);
    expect(f.detail('calculated')).toBe(planted.expected);
    expect(f.detail('asserted')).toBe(planted.actual);
    expect(f.detail('difference')).toBe(planted.delta);
  });

  it('fails a conflux history whose balance rose between purchases at the purchase after the rise', async () => {
    await withConfluxBreak(async (env, planted) => {
      const journal = await exportJournal('hledger', env, 'conflux-rise');
      const check = await tool('hledger', ['-f', journal, 'check']);
      expect(check.exitCode).toBe(1);
      const f = failure(check.stderr, journal);
      expect(f.transaction).toMatch(new RegExp(`^${planted.createdAt.slice(0, 10)} Conflux \\| purchase  ; id:${planted.id}, `));
      expect(f.detail('account')).toBe('Assets:Prepaid:Conflux');
      expect(f.detail('commodity')).toBe('CREDITS');
    });
  });

  it('accepts the clean conflux account, its consumption derived between purchases', async () => {
    const journal = await exportJournal('hledger', sandboxEnv(sandbox, 'conflux'), 'conflux-consumption');
    const text = readFileSync(journal, 'utf8');
    expect(text.match(/^ {4}Expenses:Conflux:Usage +\d+ CREDITS {2}; type:consumption$/gm)!.length).toBeGreaterThan(300);
    const balance = await tool('hledger', ['-f', journal, 'balance', 'Assets:Prepaid:Conflux', '--flat', '--no-total']);
    const list = await tally(['ledger', 'list', '--json', '--limit', '1'], { env: sandboxEnv(sandbox, 'conflux') });
    const [newest] = JSON.parse(list.stdout) as Array<{ balanceAfter: string }>;
    expect(balance.stdout.trim()).toBe(`${newest!.balanceAfter} CREDITS  Assets:Prepaid:Conflux`);
  });

  it.each(PROVIDERS)('accepts a %s export from a --since, which opens with the balance before it', async (provider) => {
    const journal = await exportJournal('hledger', sandboxEnv(sandbox, provider), `${provider}-since`, ['--since', '2026-11-20']);
    const text = readFileSync(journal, 'utf8');
    expect(text).toMatch(
      /\n\n\d{4}-\d\d-\d\d \S.* \| Opening balance\n {4}Assets:Prepaid:\S+ +\d+(\.\d+)? \w+ = \d+(\.\d+)? \w+\n {4}Equity:Opening-Balances /,
    );
    const check = await tool('hledger', ['-f', journal, 'check']);
    expect(check.stderr).toBe('');
    expect(check.exitCode).toBe(0);
  });

  it('accepts a journal dated in the --tz zone, with --account and --map accounts', async () => {
    const journal = await exportJournal('hledger', sandboxEnv(sandbox, 'bytespike'), 'bytespike-tz', [
      '--account',
      'Assets:Prepaid:Spike',
      '--map',
      'purchase=Liabilities:CreditCard',
      '--map',
      'subscription=Expenses:SaaS',
    ]);
    const zoned = await exportJournal('hledger', sandboxEnv(sandbox, 'bytespike'), 'bytespike-tz-zoned', ['--tz', 'Pacific/Kiritimati']);
    expect(readFileSync(zoned, 'utf8')).toMatch(/^; .* dated in Pacific\/Kiritimati\n/);
    for (const file of [journal, zoned]) {
      const check = await tool('hledger', ['-f', file, 'check', '--strict']);
      expect(check.stderr).toBe('');
      expect(check.exitCode).toBe(0);
    }
    const accounts = (await tool('hledger', ['-f', journal, 'accounts'])).stdout.split('\n');
    expect(accounts).toEqual(
      expect.arrayContaining(['Assets:Prepaid:Spike', 'Liabilities:CreditCard', 'Expenses:SaaS', 'Expenses:ByteSpike:Usage']),
    );
    expect(accounts).not.toContain('Assets:Bank');
    expect(accounts).not.toContain('Assets:Prepaid:ByteSpike');
  });

  it('reads hostile text back as one description and exactly the tags tally wrote, none forged or cut', async () => {
    await withHostileText(async (env, id) => {
      const journal = await exportJournal('hledger', env, 'hostile');
      const printed = await tool('hledger', ['-f', journal, 'print', '-O', 'json', `tag:id=^${id}$`]);
      expect(printed.exitCode).toBe(0);
      const [t] = JSON.parse(printed.stdout) as Array<{ tdescription: string; ttags: string[][] }>;
      expect(t!.tdescription).toBe('Account API | API usage, id:forged second line "quoted" \\ back');
      expect(t!.ttags).toEqual([
        ['id', id],
        ['type', 'debit'],
        ['provider_type', 'debit'],
        ['reference', 'inv%2Ctype:forged%2C100%25'],
      ]);
      expect((await tool('hledger', ['-f', journal, 'check'])).exitCode).toBe(0);
    });
  });
});

describeWithTool('bean-check', 'beancount', 'bean-check on every provider’s Beancount file', () => {
  /** Each balance bean-check says failed: its account, and the date of the directive on the line it names. */
  function failures(stdout: string, file: string) {
    const lines = readFileSync(file, 'utf8').split('\n');
    return [...stdout.matchAll(/^(.+):(\d+): +Balance failed for '([^']+)': expected (\S+) (\w+) != accumulated (\S+) \w+/gm)].map((m) => ({
      file: m[1],
      directive: lines[Number(m[2]) - 1]!,
      day: lines[Number(m[2]) - 1]!.slice(0, 10),
      account: m[3],
      expected: m[4],
      accumulated: m[6],
    }));
  }

  it.each(PROVIDERS)('accepts the file of the clean %s account', async (provider) => {
    const file = await exportJournal('beancount', sandboxEnv(sandbox, provider), `${provider}-ok`);
    expect(readFileSync(file, 'utf8').match(/^ {2}id: "/gm)).toHaveLength(400);
    const check = await tool('bean-check', [file]);
    expect(check.stdout + check.stderr).toBe('');
    expect(check.exitCode).toBe(0);
  });

  it.each(CHAINS)('fails the planted %s account first on the day after the chain break, naming the account', async (provider) => {
    const planted = await plantedBreak(provider);
    const file = await exportJournal('beancount', sandboxEnv(sandbox, provider, 'bad'), `${provider}-bad`);
    const check = await tool('bean-check', [file]);
    expect(check.exitCode).toBe(1);
    const failed = failures(check.stdout + check.stderr, file);
    expect(failed.length).toBeGreaterThan(0);
    const first = failed.reduce((a, b) => (b.day < a.day ? b : a));
    // Beancount checks a balance at the start of its day: the planted day's close is dated the next day
    expect(first.day).toBe(nextDay(planted.createdAt.slice(0, 10)));
    expect(first.file).toBe(file);
    expect(first.account).toBe(ASSET[provider]);
    expect(first.directive).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\d balance ${ASSET[provider]} +${first.expected} USD$`));
    // every failure is this one break, carried forward: the same account, off by the planted delta
    for (const f of failed) expect(f.account).toBe(ASSET[provider]);
  });

  it('fails a conflux history whose balance rose between purchases on the day after that purchase', async () => {
    await withConfluxBreak(async (env, planted) => {
      const file = await exportJournal('beancount', env, 'conflux-rise');
      const check = await tool('bean-check', [file]);
      expect(check.exitCode).toBe(1);
      const failed = failures(check.stdout + check.stderr, file);
      const first = failed.reduce((a, b) => (b.day < a.day ? b : a));
      expect(first.day).toBe(nextDay(planted.createdAt.slice(0, 10)));
      expect(first.account).toBe('Assets:Prepaid:Conflux');
    });
  });

  it.each(PROVIDERS)('accepts a %s export from a --since and one dated in a --tz zone', async (provider) => {
    for (const [name, extra] of [
      ['since', ['--since', '2026-11-20']],
      ['tz', ['--tz', 'Pacific/Kiritimati']],
    ] as const) {
      const file = await exportJournal('beancount', sandboxEnv(sandbox, provider), `${provider}-${name}`, [...extra]);
      const check = await tool('bean-check', [file]);
      expect(check.stdout + check.stderr, name).toBe('');
      expect(check.exitCode).toBe(0);
    }
  });

  it('reads hostile text back exactly as the provider sent it, on one line', async () => {
    await withHostileText(async (env, id) => {
      const file = await exportJournal('beancount', env, 'hostile');
      expect((await tool('bean-check', [file])).exitCode).toBe(0);
      const read = await tool('/usr/bin/python3', [
        '-c',
        'import json, sys\nfrom beancount import loader\nentries, errors, _ = loader.load_file(sys.argv[1])\n' +
          'print(json.dumps([{"narration": e.narration, "payee": e.payee, "meta": {k: v for k, v in e.meta.items() if k not in ("filename", "lineno") and not k.startswith("__")}} for e in entries if getattr(e, "meta", {}).get("id") == sys.argv[2]]))',
        file,
        id,
      ]);
      expect(read.stderr).toBe('');
      expect(JSON.parse(read.stdout)).toEqual([
        {
          payee: 'Account API',
          narration: 'API usage; id:forged second line "quoted" \\ back',
          meta: { id, type: 'debit', provider_type: 'debit', reference: 'inv,type:forged,100%' },
        },
      ]);
    });
  });
});

/** A config directory with a profile on every provider's clean account, and conduit's planted one when asked. */
function everyProfile(planted: boolean): string {
  const configDir = mkdtempSync(join(dir, 'config-'));
  const profiles = Object.fromEntries([
    ...PROVIDERS.map((p) => [p, { provider: p, baseUrl: sandbox.baseUrl(p), key: sandbox.key(p, 'ok') }]),
    ...(planted ? [['planted', { provider: 'conduit', baseUrl: sandbox.baseUrl('conduit'), key: sandbox.key('conduit', 'bad') }]] : []),
  ]);
  writeFileSync(join(configDir, 'config.json'), JSON.stringify({ defaultProfile: 'conduit', profiles }));
  return configDir;
}

async function exportAllJournal(format: Format, planted: boolean): Promise<string> {
  const out = join(dir, `all-${planted ? 'planted' : 'clean'}.${EXT[format]}`);
  const r = await tally(['ledger', 'export', '--all', '--format', format, '--out', out], { configDir: everyProfile(planted) });
  expect(r.exitCode, r.stderr).toBe(0);
  return out;
}

describeWithTool('hledger', 'hledger', 'hledger check on one journal of every profile (--all)', () => {
  it('accepts the clean accounts of all five providers in one journal, each profile under its own asset account', async () => {
    const journal = await exportAllJournal('hledger', false);
    const check = await tool('hledger', ['-f', journal, 'check', '--strict']);
    expect(check.stderr).toBe('');
    expect(check.exitCode).toBe(0);
    const accounts = await tool('hledger', ['-f', journal, 'accounts', 'Assets:Prepaid']);
    expect(accounts.stdout.trim().split('\n')).toEqual([
      'Assets:Prepaid:AccountAPI:AccountApi',
      'Assets:Prepaid:ByteSpike:Bytespike',
      'Assets:Prepaid:Conduit:Conduit',
      'Assets:Prepaid:Conflux:Conflux',
      'Assets:Prepaid:Indigenius:Indigenius',
    ]);
  });

  it('fails at the planted profile’s chain break, under that profile’s account', async () => {
    const planted = await plantedBreak('conduit');
    const journal = await exportAllJournal('hledger', true);
    const check = await tool('hledger', ['-f', journal, 'check']);
    expect(check.exitCode).toBe(1);
    expect(check.stderr).toMatch(new RegExp(`\\n${planted.createdAt.slice(0, 10)} .* ; profile:planted, id:${planted.entryId}, `));
    expect(check.stderr).toMatch(/^account: +Assets:Prepaid:Conduit:Planted$/m);
  });
});

describeWithTool('bean-check', 'beancount', 'bean-check on one file of every profile (--all)', () => {
  it('accepts the clean accounts of all five providers in one file, and fails the planted profile’s account', async () => {
    const clean = await tool('bean-check', [await exportAllJournal('beancount', false)]);
    expect(clean.stderr).toBe('');
    expect(clean.exitCode).toBe(0);
    const bad = await tool('bean-check', [await exportAllJournal('beancount', true)]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/Balance failed for 'Assets:Prepaid:Conduit:Planted'/);
    expect(bad.stderr).not.toMatch(/Balance failed for 'Assets:Prepaid:(?!Conduit:Planted')/);
  });
});

describeWithTool('bean-check', 'beancount', 'bean-check on a ledger at the edges of the calendar', () => {
  it('dates the balance after a day of year 1 the next day of year 1, and writes none after 9999-12-31', async () => {
    // a provider's zero time (Go's 0001-01-01) and its "never"; newest first, as conduit lists them
    const times = ['9999-12-31T23:59:59.000Z', '2026-11-10T10:00:00.000Z', '0001-01-01T00:00:00.000Z'];
    const entries = times.map((createdAt, i) => ({
      id: `edge-${i}`,
      type: 'SUPPORT_CREDIT',
      amountInCents: 100,
      balanceAfterInCents: 1000 - i * 100,
      metadata: {},
      createdAt,
    }));
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      const offset = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('offset') ?? 0);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ entries: offset === 0 ? entries : [], limit: 100, offset, count: offset === 0 ? entries.length : 0 }));
    };
    await withHttpServer(handler, async (baseUrl) => {
      const out = await exportJournal('beancount', { ...sandboxEnv(sandbox, 'conduit'), TALLY_BASE_URL: baseUrl }, 'calendar-edges');
      const balances = readFileSync(out, 'utf8')
        .split('\n')
        .filter((l) => /^\S+ balance /.test(l));
      expect(balances).toEqual([
        '0001-01-02 balance Assets:Prepaid:Conduit  8.00 USD',
        '2026-11-11 balance Assets:Prepaid:Conduit  9.00 USD',
      ]);
      const check = await tool('bean-check', [out]);
      expect(check.stderr).toBe('');
      expect(check.exitCode).toBe(0);
    });
  });
});

describeWithTool('hledger', 'hledger', 'profiles whose names make the same account part (--all)', () => {
  it('gives two profiles that both read as AB an asset account each, so both journals check', async () => {
    const configDir = mkdtempSync(join(dir, 'config-'));
    const profile = { provider: 'conduit', baseUrl: sandbox.baseUrl('conduit'), key: sandbox.key('conduit', 'ok') };
    writeFileSync(join(configDir, 'config.json'), JSON.stringify({ profiles: { 'a.b': profile, a_b: profile } }));
    for (const format of ['hledger', 'beancount'] as const) {
      const out = join(dir, `same-part.${EXT[format]}`);
      const r = await tally(['ledger', 'export', '--all', '--format', format, '--out', out], { configDir });
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      const check = format === 'hledger' ? await tool('hledger', ['-f', out, 'check', '--strict']) : await tool('bean-check', [out]);
      expect(check.stderr).toBe('');
      expect(check.exitCode).toBe(0);
      const text = readFileSync(out, 'utf8');
      expect(text).toMatch(/^ +Assets:Prepaid:Conduit:AB +50\.00 USD/m);
      expect(text).toMatch(/^ +Assets:Prepaid:Conduit:AB-2 +50\.00 USD/m);
    }
  });
});

describe('journal flags that cannot work are refused before any request (exit 2)', () => {
  const env = () => sandboxEnv(sandbox, 'conduit');
  const refused = async (args: string[]) => {
    const r = await tally(['ledger', 'export', ...args], { env: env() });
    return { exitCode: r.exitCode, stderr: r.stderr, stdout: r.stdout };
  };
  const usage = (message: string, hint?: string) => ({ exitCode: 2, stdout: '', stderr: `tally: ${message}${hint ? `\n  ${hint}` : ''}` });
  const RULE =
    'an account is Assets, Liabilities, Equity, Income or Expenses, then :-separated parts that start with a capital letter or digit and hold only letters, digits and -, such as Assets:Prepaid:Conduit';

  it.each([
    [
      ['--format', 'hledger', '--order', 'desc'],
      usage('--order desc does not apply to --format hledger: a journal is written oldest first', 'leave --order out'),
    ],
    [
      ['--format', 'beancount', '--order', 'desc'],
      usage('--order desc does not apply to --format beancount: a journal is written oldest first', 'leave --order out'),
    ],
    [
      ['--format', 'hledger', '--type', 'usage'],
      usage(
        '--type does not apply to --format hledger: a journal needs every entry for its balance assertions',
        'choose the period with --since and --until',
      ),
    ],
    [['--account', 'Assets:Prepaid:X'], usage('--account applies to --format hledger or beancount only')],
    [['--ndjson', '--map', 'usage=Expenses:X'], usage('--map applies to --format hledger or beancount only')],
    [['--format', 'hledger', '--account', 'assets:prepaid'], usage('--account "assets:prepaid" is not an account name', RULE)],
    [['--format', 'beancount', '--account', 'Assets:My Credits'], usage('--account "Assets:My Credits" is not an account name', RULE)],
    [['--format', 'beancount', '--account', 'Prepaid:Conduit'], usage('--account "Prepaid:Conduit" is not an account name', RULE)],
    [['--format', 'hledger', '--map', 'usage'], usage('--map "usage" is not <type>=<account>', 'such as --map usage=Expenses:AI:Usage')],
    [
      ['--format', 'hledger', '--map', 'fees=Expenses:Fees'],
      usage(
        '--map "fees=Expenses:Fees": "fees" is not an entry type',
        'use one of: purchase, usage, refund, credit, debit, adjustment, subscription, consumption',
      ),
    ],
    [['--format', 'beancount', '--map', 'usage=Expenses:Bad_Name'], usage('--map usage="Expenses:Bad_Name" is not an account name', RULE)],
    [
      ['--format', 'hledger', '--map', 'usage=Expenses:A', '--map', 'usage=Expenses:B'],
      usage('--map names usage twice', 'give each type one account'),
    ],
    [
      ['--format', 'hledger', '--map', 'refund=Assets:Prepaid:Conduit'],
      usage('--map refund=Assets:Prepaid:Conduit is the asset account itself', 'a counter-account must differ from --account'),
    ],
    [
      ['--format', 'beancount', '--map', 'usage=Assets:Prepaid:Conduit:Used'],
      usage(
        '--map usage=Assets:Prepaid:Conduit:Used is inside the asset account Assets:Prepaid:Conduit',
        "a counter-account must be outside it: the asset account's balance (Beancount's balance checks, hledger's totals) would count it",
      ),
    ],
    [
      ['--format', 'hledger', '--account', 'Expenses:Conduit', '--map', 'usage=Expenses:Conduit:Usage'],
      usage(
        '--map usage=Expenses:Conduit:Usage is inside the asset account Expenses:Conduit',
        "a counter-account must be outside it: the asset account's balance (Beancount's balance checks, hledger's totals) would count it",
      ),
    ],
  ])('ledger export %j', async (args, expected) => {
    expect(await refused(args)).toEqual(expected);
  });

  it("refuses under --all a --map account that is a profile's own asset account, before any request", async () => {
    const configDir = mkdtempSync(join(dir, 'config-'));
    // nothing listens here: a request would fail the export with exit 4, not 2
    const profile = { provider: 'conduit', baseUrl: 'http://127.0.0.1:9', key: sandbox.key('conduit', 'ok') };
    writeFileSync(join(configDir, 'config.json'), JSON.stringify({ profiles: { work: profile } }));
    const r = await tally(['ledger', 'export', '--all', '--format', 'hledger', '--map', 'usage=Assets:Prepaid:Conduit:Work'], {
      configDir,
    });
    expect({ exitCode: r.exitCode, stderr: r.stderr, stdout: r.stdout }).toEqual(
      usage('--map usage=Assets:Prepaid:Conduit:Work is the asset account itself', 'a counter-account must differ from --account'),
    );
  });

  it('writes no file when an account is refused', async () => {
    const out = join(dir, 'refused.journal');
    const r = await tally(
      ['ledger', 'export', '--format', 'hledger', '--out', out, '--account', 'Assets:Bank', '--map', 'purchase=Assets:Bank'],
      { env: env() },
    );
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('tally: --map purchase=Assets:Bank is the asset account itself\n  a counter-account must differ from --account');
    expect(() => readFileSync(out)).toThrow(/ENOENT/);
  });
});
