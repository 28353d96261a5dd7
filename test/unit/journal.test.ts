// The journals' shared walk (output/journal.ts) and each syntax's escaping: text that cannot forge a tag,
// account names both tools take, opening balances, conflux's derived consumption, Beancount's day closes.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { beancountString, createJournal as beancountJournal } from '../../src/output/beancount.js';
import { createJournal as hledgerJournal, descriptionText, tagValue } from '../../src/output/hledger.js';
import {
  accountPart,
  commodityOf,
  dayOf,
  defaultAccounts,
  foldLine,
  isAccountName,
  journalAccounts,
  type JournalSource,
  nextDay,
  parseAccountMap,
} from '../../src/output/journal.js';
import type { EntryJson } from '../../src/output/ledger.js';
import { parseArgs } from '../helpers/in-process.js';

const entry = (
  id: string,
  createdAt: string,
  type: string,
  amount: string,
  balanceAfter: string | null,
  more: Partial<EntryJson> = {},
): EntryJson => ({
  id,
  createdAt,
  type,
  providerType: type,
  amount,
  balanceAfter,
  unit: 'USD',
  description: null,
  reference: null,
  metadata: null,
  ...more,
});

const source = (more: Partial<JournalSource> = {}): JournalSource => ({
  profile: null,
  provider: { id: 'conduit', name: 'Conduit', ledgerKind: 'chain' },
  accounts: defaultAccounts('Conduit'),
  since: false,
  ...more,
});

function write(create: typeof hledgerJournal, entries: EntryJson[], more: Partial<JournalSource> = {}, zone = 'UTC'): string {
  const writer = create(zone);
  const stream = writer.stream(source(more));
  return writer.start() + entries.map((e) => stream.add(e)).join('') + stream.end() + writer.end();
}

/** The transactions of a journal, without the header and the declarations. */
const body = (text: string) =>
  text
    .split('\n\n')
    .filter((block) => /^\d{4}-/.test(block))
    .map((block) => block.trim());

describe('text in a journal', () => {
  it('folds every line break, tab and control character to one space, none at either end', () => {
    expect(foldLine(' a\r\n b\t\tc\u0000\u001bd\u2028e  ')).toBe('a b c d e');
    expect(foldLine('\n\t ')).toBe('');
    expect(foldLine('a  b')).toBe('a b');
    expect(foldLine(' a')).toBe('a');
    expect(foldLine('a ')).toBe('a');
    expect(foldLine('a\u00a0b\u2003c\u0085d')).toBe('a b c d');
    expect(foldLine('gpt-4o-mini, 5068 tokens')).toBe('gpt-4o-mini, 5068 tokens');
  });

  it('writes a comma or a percent sign in an hledger tag value as %2C and %25, so it cannot cut the tag or start another', () => {
    expect(tagValue('inv,evil:1')).toBe('inv%2Cevil:1');
    expect(tagValue('100%,x')).toBe('100%25%2Cx');
    expect(tagValue('pi_3Nx:abc def')).toBe('pi_3Nx:abc def');
  });

  it('turns a ; in an hledger description into , so it cannot open a comment of forged tags', () => {
    expect(descriptionText('API usage; id:forged')).toBe('API usage, id:forged');
  });

  it('escapes backslashes and double quotes in a Beancount string', () => {
    expect(beancountString('say "hi" \\ bye')).toBe('"say \\"hi\\" \\\\ bye"');
  });

  it('writes hostile text on one line in both syntaxes, no formula guard', () => {
    const hostile = entry('1,2', '2026-11-02T10:00:00.000Z', 'usage', '-1.00', '9.00', {
      description: '=SUM(A1)\nline two; id:forged',
      reference: 'ref,type:forged',
      providerType: 'use\r\nit',
    });
    const start = entry('0', '2026-11-01T10:00:00.000Z', 'purchase', '10.00', '10.00');
    expect(body(write(hledgerJournal, [start, hostile]))[1]).toBe(
      [
        '2026-11-02 Conduit | =SUM(A1) line two, id:forged  ; id:1%2C2, type:usage, provider_type:use it, reference:ref%2Ctype:forged',
        '    Assets:Prepaid:Conduit                         -1.00 USD = 9.00 USD',
        '    Expenses:Conduit:Usage                          1.00 USD',
      ].join('\n'),
    );
    expect(body(write(beancountJournal, [start, hostile]))[2]).toBe(
      [
        '2026-11-02 * "Conduit" "=SUM(A1) line two; id:forged"',
        '  id: "1,2"',
        '  type: "usage"',
        '  provider_type: "use it"',
        '  reference: "ref,type:forged"',
        '  Assets:Prepaid:Conduit                         -1.00 USD',
        '  Expenses:Conduit:Usage                          1.00 USD',
      ].join('\n'),
    );
  });

  it('names the commodity USD or CREDITS, never credits', () => {
    expect(commodityOf('USD')).toBe('USD');
    expect(commodityOf('EUR')).toBe('EUR');
    expect(commodityOf('credits')).toBe('CREDITS');
    expect(() => commodityOf('tokens')).toThrow(RangeError);
  });

  it('dates an instant by its day in UTC, or in the zone given', () => {
    expect(dayOf('2026-10-31T23:36:08.705Z', 'UTC')).toBe('2026-10-31');
    expect(dayOf('2026-10-31T23:36:08.705Z', 'Europe/Berlin')).toBe('2026-11-01');
    expect(dayOf('2026-11-01T03:00:00.000Z', 'America/New_York')).toBe('2026-10-31');
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
    expect(nextDay('2028-02-28')).toBe('2028-02-29');
  });
});

describe('account names', () => {
  it('takes names both hledger and Beancount accept: five roots, parts that start with a capital or digit', () => {
    for (const ok of ['Assets:Prepaid:Conduit', 'Liabilities:CreditCard', 'Expenses:AI:Usage-2026', 'Income:3rd-Party', 'Equity:Öffnung']) {
      expect(isAccountName(ok), ok).toBe(true);
    }
    for (const bad of [
      'Assets',
      'Asset:Bank',
      'assets:bank',
      'Assets:bank',
      'Assets:My Bank',
      'Assets::Bank',
      'Assets:Bank:',
      'Expenses:A;B',
      'Assets:A_B',
    ]) {
      expect(isAccountName(bad), bad).toBe(false);
    }
  });

  it('makes a provider name one account part: each word capitalised, joined', () => {
    expect(accountPart('Account API')).toBe('AccountAPI');
    expect(accountPart('ByteSpike')).toBe('ByteSpike');
    expect(accountPart('conflux')).toBe('Conflux');
    expect(accountPart('my.gate way')).toBe('MyGateWay');
  });

  it('has a documented default for every type, all valid account names', () => {
    const accounts = defaultAccounts('Account API');
    expect(accounts).toEqual({
      asset: 'Assets:Prepaid:AccountAPI',
      counter: {
        purchase: 'Assets:Bank',
        usage: 'Expenses:AccountAPI:Usage',
        refund: 'Expenses:AccountAPI:Refunds',
        credit: 'Income:AccountAPI:Credits',
        debit: 'Expenses:AccountAPI:Usage',
        adjustment: 'Equity:AccountAPI:Adjustments',
        subscription: 'Expenses:AccountAPI:Subscriptions',
        consumption: 'Expenses:AccountAPI:Usage',
      },
      opening: 'Equity:Opening-Balances',
    });
    for (const name of [accounts.asset, accounts.opening, ...Object.values(accounts.counter)]) expect(isAccountName(name), name).toBe(true);
  });

  it('reads --map <type>=<account>, each type once, and overrides only the types it names', () => {
    const map = parseAccountMap(['purchase=Liabilities:CreditCard', ' consumption = Expenses:AI:Credits ']);
    expect(map).toEqual({ purchase: 'Liabilities:CreditCard', consumption: 'Expenses:AI:Credits' });
    const accounts = journalAccounts('Conflux', 'Assets:Credits:Conflux', map);
    expect(accounts.asset).toBe('Assets:Credits:Conflux');
    expect(accounts.counter.purchase).toBe('Liabilities:CreditCard');
    expect(accounts.counter.usage).toBe('Expenses:Conflux:Usage');
  });

  it('refuses a --map without =, an unknown type, a type given twice, a bad account and the asset account itself', () => {
    const refused = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        return [(error as UsageError).message, (error as UsageError).suggestion];
      }
      throw new Error('not refused');
    };
    expect(refused(() => parseAccountMap(['usage']))).toEqual([
      '--map "usage" is not <type>=<account>',
      'such as --map usage=Expenses:AI:Usage',
    ]);
    expect(refused(() => parseAccountMap(['fees=Expenses:Fees']))).toEqual([
      '--map "fees=Expenses:Fees": "fees" is not an entry type',
      'use one of: purchase, usage, refund, credit, debit, adjustment, subscription, consumption',
    ]);
    expect(refused(() => parseAccountMap(['usage=Expenses:A', 'usage=Expenses:B']))).toEqual([
      '--map names usage twice',
      'give each type one account',
    ]);
    expect(refused(() => parseAccountMap(['usage=expenses:ai']))).toEqual([
      '--map usage="expenses:ai" is not an account name',
      'an account is Assets, Liabilities, Equity, Income or Expenses, then :-separated parts that start with a capital letter or digit and hold only letters, digits and -, such as Assets:Prepaid:Conduit',
    ]);
    expect(refused(() => journalAccounts('Conduit', undefined, { usage: 'Assets:Prepaid:Conduit' }))).toEqual([
      '--map usage=Assets:Prepaid:Conduit is the asset account itself',
      'a counter-account must differ from --account',
    ]);
  });
});

describe('the walk from entries to transactions', () => {
  const chain = [
    entry('a', '2026-11-01T08:00:00.000Z', 'purchase', '50.00', '60.00', { reference: 'pi_1' }),
    entry('b', '2026-11-01T09:00:00.000Z', 'usage', '-2.50', '57.50'),
    entry('c', '2026-11-02T09:00:00.000Z', 'refund', '1.25', '58.75'),
  ];

  it('opens with the balance before the first entry when it is not 0, and asserts every balance_after', () => {
    expect(body(write(hledgerJournal, chain))).toEqual([
      [
        '2026-11-01 Conduit | Opening balance',
        '    Assets:Prepaid:Conduit                         10.00 USD = 10.00 USD',
        '    Equity:Opening-Balances                       -10.00 USD',
      ].join('\n'),
      [
        '2026-11-01 Conduit | purchase  ; id:a, type:purchase, provider_type:purchase, reference:pi_1',
        '    Assets:Prepaid:Conduit                         50.00 USD = 60.00 USD',
        '    Assets:Bank                                   -50.00 USD',
      ].join('\n'),
      [
        '2026-11-01 Conduit | usage  ; id:b, type:usage, provider_type:usage',
        '    Assets:Prepaid:Conduit                         -2.50 USD = 57.50 USD',
        '    Expenses:Conduit:Usage                          2.50 USD',
      ].join('\n'),
      [
        '2026-11-02 Conduit | refund  ; id:c, type:refund, provider_type:refund',
        '    Assets:Prepaid:Conduit                          1.25 USD = 58.75 USD',
        '    Expenses:Conduit:Refunds                       -1.25 USD',
      ].join('\n'),
    ]);
  });

  it('writes no opening when the ledger starts from 0, and one of 0 after a --since', () => {
    const fromZero = [entry('a', '2026-11-01T08:00:00.000Z', 'purchase', '50.00', '50.00')];
    expect(write(hledgerJournal, fromZero)).not.toContain('Opening balance');
    expect(body(write(hledgerJournal, fromZero, { since: true }))[0]).toBe(
      [
        '2026-11-01 Conduit | Opening balance',
        '    Assets:Prepaid:Conduit                          0.00 USD = 0.00 USD',
        '    Equity:Opening-Balances                         0.00 USD',
      ].join('\n'),
    );
  });

  it('asserts nothing on an entry without balance_after, and opens from the first entry that has one', () => {
    const gap = [
      entry('a', '2026-11-01T08:00:00.000Z', 'usage', '-1.00', null),
      entry('b', '2026-11-01T09:00:00.000Z', 'usage', '-2.00', '7.00'),
    ];
    const lines = write(hledgerJournal, gap);
    expect(lines).toContain('    Assets:Prepaid:Conduit                         10.00 USD = 10.00 USD\n');
    expect(lines).toContain('    Assets:Prepaid:Conduit                         -1.00 USD\n');
    expect(lines).toContain('    Assets:Prepaid:Conduit                         -2.00 USD = 7.00 USD\n');
    expect(lines.indexOf('Opening balance')).toBeLessThan(lines.indexOf('id:a'));
  });

  it('posts conflux consumption before each purchase so its balance holds, and none where the balance rose', () => {
    const conflux = {
      provider: { id: 'conflux', name: 'Conflux', ledgerKind: 'purchases' as const },
      accounts: defaultAccounts('Conflux'),
    };
    const purchases = [
      entry('p1', '2026-11-01T08:00:00.000Z', 'purchase', '5000', '5000', { unit: 'credits' }),
      // 5000 + 6000 - 10000: 1000 consumed between the two purchases
      entry('p2', '2026-11-02T08:00:00.000Z', 'purchase', '6000', '10000', { unit: 'credits' }),
      // 10000 + 1000 < 12000: the balance rose, which no consumption explains
      entry('p3', '2026-11-03T08:00:00.000Z', 'purchase', '1000', '12000', { unit: 'credits' }),
    ];
    const blocks = body(write(hledgerJournal, purchases, conflux));
    expect(blocks[1]).toBe(
      [
        '2026-11-02 Conflux | purchase  ; id:p2, type:purchase, provider_type:purchase',
        '    Expenses:Conflux:Usage                          1000 CREDITS  ; type:consumption',
        '    Assets:Prepaid:Conflux                         -1000 CREDITS',
        '    Assets:Prepaid:Conflux                          6000 CREDITS = 10000 CREDITS',
        '    Assets:Bank                                    -6000 CREDITS',
      ].join('\n'),
    );
    expect(blocks[2]).not.toContain('consumption');
    expect(blocks[2]).toContain('1000 CREDITS = 12000 CREDITS');
    expect(body(write(beancountJournal, purchases, conflux))[2]).toContain(
      '  Expenses:Conflux:Usage                          1000 CREDITS\n    type: "consumption"\n  Assets:Prepaid:Conflux                         -1000 CREDITS\n',
    );
  });

  it('checks each day’s closing balance in Beancount the next day, and opens every account on its first day, at the end', () => {
    const text = write(beancountJournal, chain);
    expect(text).toContain('2026-11-02 balance Assets:Prepaid:Conduit  57.50 USD\n');
    expect(text).toContain('2026-11-03 balance Assets:Prepaid:Conduit  58.75 USD\n');
    expect(text.indexOf('2026-11-02 balance')).toBeLessThan(text.indexOf('id: "c"'));
    expect(text.slice(text.indexOf('; what this file uses'))).toBe(
      [
        '; what this file uses, from the day of its first use',
        '2026-11-01 commodity USD',
        '2026-11-01 open Assets:Prepaid:Conduit',
        '2026-11-01 open Equity:Opening-Balances',
        '2026-11-01 open Assets:Bank',
        '2026-11-01 open Expenses:Conduit:Usage',
        '2026-11-02 open Expenses:Conduit:Refunds',
        '',
      ].join('\n'),
    );
  });

  it('writes several profiles into one file, each with its asset account, declaring shared accounts once', () => {
    const writer = hledgerJournal('UTC');
    let text = writer.start();
    for (const [profile, asset] of [
      ['work', 'Assets:Prepaid:Conduit:Work'],
      ['home', 'Assets:Prepaid:Conduit:Home'],
    ] as const) {
      const stream = writer.stream(source({ profile, accounts: { ...defaultAccounts('Conduit'), asset } }));
      text += chain.map((e) => stream.add(e)).join('') + stream.end();
    }
    text += writer.end();
    expect(writer.entries).toBe(6);
    expect(text).toContain('; profile:home, id:a, type:purchase');
    expect(text.match(/^account Assets:Bank$/gm)).toHaveLength(1);
    expect(text).toContain('account Assets:Prepaid:Conduit:Work\n');
    expect(text).toContain('account Assets:Prepaid:Conduit:Home\n');
  });

  it('dates transactions in the zone given', () => {
    const late = [entry('a', '2026-10-31T23:30:00.000Z', 'purchase', '5.00', '5.00')];
    expect(body(write(hledgerJournal, late, {}, 'Europe/Berlin'))[0]).toMatch(/^2026-11-01 /);
    expect(write(hledgerJournal, late, {}, 'Europe/Berlin')).toMatch(/^; .* dated in Europe\/Berlin\n/);
    expect(body(write(hledgerJournal, late))[0]).toMatch(/^2026-10-31 /);
  });

  it('writes an empty ledger as a journal with nothing in it', () => {
    expect(write(hledgerJournal, [])).toBe(hledgerJournal('UTC').start());
    expect(write(beancountJournal, [])).toBe(beancountJournal('UTC').start());
  });
});

describe('the journal flags, parsed', () => {
  const options = async (argv: string[]) => (await parseArgs(argv, { now: new Date('2026-12-01T12:00:00Z') })).options;

  it('writes a journal oldest first without --order, with the provider defaults unless --account or --map name others', async () => {
    expect(await options(['ledger', 'export', '--format', 'hledger'])).toMatchObject({
      format: 'hledger',
      order: 'asc',
      journal: { map: {} },
    });
    expect(await options(['ledger', 'export', '--format', 'beancount', '--order', 'asc'])).toMatchObject({ order: 'asc' });
    expect(
      await options([
        'ledger',
        'export',
        '--format',
        'beancount',
        '--account',
        'Assets:AI:Conduit',
        '--map',
        'purchase=Liabilities:Card',
        '--map',
        'usage=Expenses:AI',
      ]),
    ).toMatchObject({ journal: { account: 'Assets:AI:Conduit', map: { purchase: 'Liabilities:Card', usage: 'Expenses:AI' } } });
    expect(await options(['ledger', 'export'])).toMatchObject({ format: 'csv', order: 'desc', journal: undefined });
  });
});
