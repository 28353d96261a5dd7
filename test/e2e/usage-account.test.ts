// usage, account, packs and checkout end to end, on every provider, with the exit-5 and bad-input cases.
// Commands run in process (test/helpers/in-process.ts: the same parsing, errors and exit codes as the binary,
// output through the io twin) over real sockets; what needs a process of its own (a signal, a closing
// connection seen from outside) runs the built binary.
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { parseNdjson, units } from '../helpers/ledger.js';
import { tallyInProcess as tally } from '../helpers/in-process.js';
import { sandboxEnv } from '../helpers/tally.js';

const ALL = ['conduit', 'account-api', 'bytespike', 'conflux', 'indigenius'];
let sandbox: Sandbox;
beforeAll(async () => {
  // pinned: a test below reads an account-api period by its dates
  sandbox = await startSandbox({ port: 0, seed: 9, entries: 300, end: new Date('2026-11-01T00:00:00Z') });
});
afterAll(() => sandbox.close());

const run = (provider: string, args: string[], account = 'ok') => tally(args, { env: sandboxEnv(sandbox, provider, account) });
const json = async (provider: string, args: string[]) => {
  const r = await run(provider, [...args, '--json']);
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};

describe('usage', () => {
  it.each(ALL)('reports %s usage as JSON with exact decimal costs', async (provider) => {
    const u = await json(provider, ['usage']);
    expect(Object.keys(u)).toEqual(expect.arrayContaining(['profile', 'provider', 'unit', 'from', 'to', 'by', 'totals', 'groups']));
    expect(u.provider).toBe(provider);
    expect(u.totals.cost).toMatch(/^\d+(\.\d+)?$/);
  });

  it("derives conduit usage from the ledger's usage debits, and the totals equal them exactly", async () => {
    const ledger = parseNdjson((await run('conduit', ['ledger', 'export', '--ndjson'])).stdout);
    const debits = ledger.filter((e) => e.providerType === 'USAGE_DEBIT');
    const expected = -debits.reduce((sum, e) => sum + units(e.amount), 0n);
    for (const by of ['model', 'day']) {
      const u = await json('conduit', ['usage', '--by', by]);
      expect(units(u.totals.cost)).toBe(expected);
      expect(u.totals.requests).toBe(debits.length);
      expect(u.groups.reduce((s: bigint, g: { cost: string }) => s + units(g.cost), 0n)).toBe(expected);
    }
    const byModel = await json('conduit', ['usage', '--by', 'model']);
    expect(byModel.groups.map((g: { key: string }) => g.key).sort()).toEqual(['claude-sonnet', 'gpt-4', 'gpt-4o-mini', 'llama-3-70b']);
  });

  it('groups bytespike per-call usage by model or by day, with tokens and cost, over every page', async () => {
    const byModel = await json('bytespike', ['usage', '--by', 'model']);
    expect(byModel.totals.requests).toBe(600);
    expect(byModel.totals.inputTokens).toBeGreaterThan(0);
    const sum = byModel.groups.reduce((s: bigint, g: { cost: string }) => s + units(g.cost), 0n);
    expect(sum).toBe(units(byModel.totals.cost));
    const byDay = await json('bytespike', ['usage', '--by', 'day']);
    expect(byDay.groups[0].key).toMatch(/^\d{4}-\d\d-\d\d$/);
    expect(units(byDay.totals.cost)).toBe(units(byModel.totals.cost));
    const byMonth = await json('bytespike', ['usage', '--by', 'day', '--period', 'monthly']);
    expect(byMonth.groups.every((g: { key: string }) => /^\d{4}-\d\d$/.test(g.key))).toBe(true);
  });

  it('groups indigenius billing history by product or day, with durations', async () => {
    const u = await json('indigenius', ['usage']);
    expect(u.by).toBe('product');
    expect(u.groups.map((g: { key: string }) => g.key).sort()).toEqual(['agent', 'chat', 'voice']);
    expect(u.totals.duration).toBeGreaterThan(0);
    expect((await json('indigenius', ['usage', '--by', 'day'])).groups[0].key).toMatch(/^\d{4}-\d\d-\d\d$/);
  });

  it('passes account-api its period and range, with requests by endpoint', async () => {
    const u = await json('account-api', ['usage', '--period', 'daily', '--since', '2026-10-01', '--until', '2026-11-01']);
    expect(u.by).toBe('endpoint');
    expect(u.totals.requests).toBe(u.totals.successful + u.totals.failed);
    expect(u.groups.reduce((s: number, g: { requests: number }) => s + g.requests, 0)).toBe(u.totals.successful);
  });

  it('shows conflux consumption, and the credit cost per 1K tokens by tier with --by model', async () => {
    const u = await json('conflux', ['usage', '--by', 'model']);
    expect(u.unit).toBe('credits');
    expect(u.rates).toEqual([
      { tier: 'Core', inputPer1k: '1', outputPer1k: '2', models: ['gpt-4o-mini', 'deepseek-chat', 'gemini-flash'] },
      { tier: 'Pro', inputPer1k: '3', outputPer1k: '6', models: ['gemini-2.5-flash', 'gpt-4.1-mini', 'deepseek-r1'] },
      { tier: 'Ultra', inputPer1k: '8', outputPer1k: '16', models: ['claude-sonnet', 'gpt-4.1', 'claude-opus'] },
    ]);
    const table = await run('conflux', ['usage', '--by', 'model']);
    expect(table.stdout).toContain('TIER\tCREDITS/1K INPUT\tCREDITS/1K OUTPUT\tEXAMPLE MODELS');
  });

  it('exits 2 on an unknown --period and a --by the provider does not offer', async () => {
    const period = await run('account-api', ['usage', '--period', 'hourly']);
    expect(period.exitCode).toBe(2);
    expect(period.stderr).toContain('hourly');
    for (const [provider, by, hint] of [
      ['account-api', 'model', 'totals'],
      ['bytespike', 'product', '--by model or day'],
      ['conflux', 'day', '--by model'],
      ['indigenius', 'model', '--by product or day'],
    ]) {
      const r = await run(provider!, ['usage', '--by', by!]);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain(`${provider} usage cannot be grouped by ${by}`);
      expect(r.stderr).toContain(hint!);
    }
    const since = await run('conflux', ['usage', '--since', '7d']);
    expect(since.exitCode).toBe(2);
  });
});

describe('account', () => {
  it.each([
    ['conduit', ['balance', 'ledgerTotals']],
    ['account-api', ['email', 'balance', 'reserved', 'available', 'subscription', 'usageThisMonth']],
    ['bytespike', ['balance', 'keys']],
    ['conflux', ['balance', 'totalPurchased', 'totalConsumed']],
    ['indigenius', ['plan', 'currencies']],
  ])('gives the %s overview', async (provider, keys) => {
    const a = await json(provider, ['account']);
    expect(a.provider).toBe(provider);
    expect(Object.keys(a)).toEqual(expect.arrayContaining(keys));
    const table = await run(provider, ['account']);
    expect(table.exitCode).toBe(0);
    expect(table.stdout.split('\n')[0]).toBe('FIELD\tVALUE');
  });

  it("totals conduit's ledger by type, and they add up to the balance movement", async () => {
    const a = await json('conduit', ['account']);
    expect(Object.keys(a.ledgerTotals).sort()).toEqual(['CREDIT_PURCHASE', 'REFUND_DEBIT', 'SUPPORT_CREDIT', 'USAGE_DEBIT'].sort());
    const moved = Object.values(a.ledgerTotals as Record<string, { total: string }>).reduce((s, t) => s + units(t.total), 0n);
    expect(units(a.balance) - moved).toBe(units('50.00'));
  });

  it('shows bytespike spend per key', async () => {
    const a = await json('bytespike', ['account']);
    expect(a.keys).toEqual([
      { id: 'key_1', name: 'production', spent: '412.30', limit: '1000.00' },
      { id: 'key_2', name: 'staging', spent: '18.05', limit: null },
    ]);
  });
});

describe('packs', () => {
  const conflux = () => ({ TALLY_BASE_URL: sandbox.baseUrl('conflux') });
  it('lists the packs without a key: price, credits after fee and the 5% fee', async () => {
    const r = await tally(['packs'], { env: conflux() });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('KEY\tNAME\tPRICE (USD)\tCREDITS AFTER FEE\tFEE 5% (USD)');
    expect(r.stdout).toContain('starter\tAPI Starter\t9.99\t~950,000\t0.50');
    expect(r.stdout).toContain('enterprise\tAPI Enterprise\t199.99\t~18,999,050\t10.00');
  });

  it("keeps the provider's fields in JSON and adds the parsed numbers", async () => {
    const packs = JSON.parse((await tally(['packs', '--json'], { env: conflux() })).stdout);
    expect(packs[1]).toEqual({
      key: 'growth',
      name: 'API Growth',
      price: '$24.99',
      credits_after_fee: '~2,374,050',
      note: '5% fee applied',
      priceUsd: '24.99',
      credits: '2374050',
      feeUsd: '1.25',
    });
  });
});

describe('checkout', () => {
  it('checks the pack, starts a checkout and prints its URL', async () => {
    const r = await run('conflux', ['checkout', 'growth']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('https://checkout.stripe.com/c/pay/cs_test_growth_sandbox');
    const j = await json('conflux', ['checkout', 'scale']);
    expect(j).toEqual({ pack: 'scale', url: 'https://checkout.stripe.com/c/pay/cs_test_scale_sandbox' });
  });

  it('exits 2 for an unknown pack, listing the valid ones, before posting', async () => {
    const before = sandbox.requestsByPath.get('conflux /v1/billing/checkout') ?? 0;
    const r = await run('conflux', ['checkout', 'mega']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('"mega" is not a pack conflux sells');
    expect(r.stderr).toContain('starter, growth, scale, business, enterprise');
    expect(sandbox.requestsByPath.get('conflux /v1/billing/checkout') ?? 0).toBe(before);
  });

  it('does not open a browser when stdout is not a terminal', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'tally-open-'));
    const marker = join(bin, 'opened');
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\necho "$@" > ${marker}\n`);
    chmodSync(join(bin, 'xdg-open'), 0o755);
    const r = await tally(['checkout', 'starter', '--open'], {
      env: { ...sandboxEnv(sandbox, 'conflux'), PATH: `${bin}:${process.env.PATH}` },
    });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('https://checkout.stripe.com/');
    await new Promise((res) => setTimeout(res, 300));
    expect(existsSync(marker)).toBe(false);
  });
});

describe('a command the provider does not offer exits 5, naming who does', () => {
  it.each(['conduit', 'account-api', 'bytespike', 'indigenius'])('%s has no packs or checkout', async (provider) => {
    for (const args of [['packs'], ['checkout', 'starter']]) {
      const r = await run(provider, [...args, '--provider', provider]);
      expect(r.exitCode).toBe(5);
      expect(r.stderr).toContain(`${provider} does not offer \`${args[0]}\``);
      expect(r.stderr).toContain('providers that do: conflux');
    }
  });

  it.each(['conduit', 'account-api', 'bytespike', 'indigenius'])(
    '%s with no key configured: packs and checkout still exit 5 with the same two lines, before any key is asked for',
    async (provider) => {
      for (const args of [['packs'], ['checkout', 'starter']]) {
        const r = await tally([...args, '--provider', provider]);
        expect(r.stderr).toBe(`tally: ${provider} does not offer \`${args[0]}\`\n  providers that do: conflux`);
        expect(r.exitCode).toBe(5);
      }
    },
  );
});
