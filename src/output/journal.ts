// What the hledger and Beancount journals share: account names, commodities, folded text, and the walk from entries to transactions.
//
// A journal is one transaction per ledger entry, oldest first, the asset posting asserting the provider's
// balance_after, so the accountant's own tool re-checks tally's chain. The walk is written once here; the two
// writers (output/hledger.ts, output/beancount.ts) only spell its transactions in their syntax. A writer is
// one file; each profile's entries are a stream of it (JournalSource), so `--all` can write several profiles
// into one journal: what the file declares (accounts, commodities) is collected over every stream and
// written at its end, where neither tool minds it (Beancount sorts by date, hledger reads declarations
// anywhere), and where a stream written later can still add to it.
import { formatInZone } from '../core/dates.js';
import { UsageError } from '../core/errors.js';
import { Decimal, formatAmount } from '../core/money.js';
import type { ProviderInfo } from '../providers/types.js';
import { consumptionBetween, MOVEMENTS, type Movement, OneUnit } from '../reconcile/rollforward.js';
import type { EntryJson } from './ledger.js';

/** Where an entry's other side is posted, per normalised type (and conflux's derived consumption). */
export type CounterAccounts = Record<Movement, string>;

export interface JournalAccounts {
  /** The account the provider's balance lives in, and its balance assertions. */
  asset: string;
  counter: CounterAccounts;
  /** The other side of an opening balance. */
  opening: string;
}

/** One profile's entries, as a stream of a journal. */
export interface JournalSource {
  /** Named in each transaction's tags, when known. */
  profile: string | null;
  provider: Pick<ProviderInfo, 'id' | 'name' | 'ledgerKind'>;
  accounts: JournalAccounts;
  /** The export begins after the ledger's start (a --since): an opening balance is written even when it is 0. */
  since: boolean;
}

export const OPENING_ACCOUNT = 'Equity:Opening-Balances';

/**
 * The account names both tools accept: one of Beancount's five roots, then parts that each start with a
 * capital letter or digit and hold only letters, digits and `-` (Beancount's rule, which hledger accepts too).
 */
const ACCOUNT_NAME = /^(?:Assets|Liabilities|Equity|Income|Expenses)(?::[\p{Lu}\p{Nd}][\p{L}\p{Nd}-]*)+$/u;
export const ACCOUNT_RULE =
  'an account is Assets, Liabilities, Equity, Income or Expenses, then :-separated parts that start with a capital letter or digit and hold only letters, digits and -';

export function isAccountName(name: string): boolean {
  return ACCOUNT_NAME.test(name);
}

/** A provider's name as one account part: "Account API" → AccountAPI, each word's first letter capitalised. */
export function accountPart(name: string): string {
  const part = name
    .split(/[^\p{L}\p{Nd}]+/u)
    .filter((w) => w !== '')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
  return /^[\p{Lu}\p{Nd}]/u.test(part) ? part : `P${part}`;
}

/** The default accounts of a provider (documented in `ledger export --help` and the README). */
export function defaultAccounts(providerName: string): JournalAccounts {
  const p = accountPart(providerName);
  return {
    asset: `Assets:Prepaid:${p}`,
    counter: {
      purchase: 'Assets:Bank',
      usage: `Expenses:${p}:Usage`,
      refund: `Expenses:${p}:Refunds`,
      credit: `Income:${p}:Credits`,
      debit: `Expenses:${p}:Usage`,
      adjustment: `Equity:${p}:Adjustments`,
      subscription: `Expenses:${p}:Subscriptions`,
      consumption: `Expenses:${p}:Usage`,
    },
    opening: OPENING_ACCOUNT,
  };
}

/** `--map <type>=<account>` values, checked: each type once, each account valid. */
export function parseAccountMap(values: readonly string[]): Partial<CounterAccounts> {
  const map: Partial<CounterAccounts> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq < 0) throw new UsageError(`--map "${value}" is not <type>=<account>`, 'such as --map usage=Expenses:AI:Usage');
    const type = value.slice(0, eq).trim();
    const account = value.slice(eq + 1).trim();
    if (!(MOVEMENTS as readonly string[]).includes(type)) {
      throw new UsageError(`--map "${value}": "${type}" is not an entry type`, `use one of: ${MOVEMENTS.join(', ')}`);
    }
    const movement = type as Movement;
    if (map[movement] !== undefined) throw new UsageError(`--map names ${movement} twice`, 'give each type one account');
    map[movement] = checkAccount(account, `--map ${movement}=`);
  }
  return map;
}

/** An account a flag names; exit 2 naming the flag when neither tool would take it. */
export function checkAccount(name: string, flag: string): string {
  if (!isAccountName(name))
    throw new UsageError(`${flag}"${name}" is not an account name`, `${ACCOUNT_RULE}, such as Assets:Prepaid:Conduit`);
  return name;
}

/** The provider's defaults with --account and --map applied; a counter-account that is the asset account is exit 2. */
export function journalAccounts(providerName: string, asset: string | undefined, map: Partial<CounterAccounts>): JournalAccounts {
  const defaults = defaultAccounts(providerName);
  const accounts: JournalAccounts = { ...defaults, asset: asset ?? defaults.asset, counter: { ...defaults.counter, ...map } };
  for (const m of MOVEMENTS) {
    const counter = accounts.counter[m];
    if (counter === accounts.asset) {
      throw new UsageError(`--map ${m}=${accounts.asset} is the asset account itself`, 'a counter-account must differ from --account');
    }
    // Beancount's balance of an account counts its sub-accounts' postings, and so do hledger's totals
    if (counter.startsWith(`${accounts.asset}:`)) {
      throw new UsageError(
        `--map ${m}=${counter} is inside the asset account ${accounts.asset}`,
        "a counter-account must be outside it: the asset account's balance (Beancount's balance checks, hledger's totals) would count it",
      );
    }
  }
  return accounts;
}

/** The commodity of a unit: an ISO code as it is, credits as CREDITS (`credits` is no Beancount commodity). */
export function commodityOf(unit: string): string {
  if (unit === 'credits') return 'CREDITS';
  if (/^[A-Z]{3}$/.test(unit)) return unit;
  // units are checked where entries are read (SPEC §8: exit 4 there): nothing else reaches an export
  throw new RangeError(`"${unit}" is not a unit a journal can carry`);
}

/** What folding changes: white space other than a single inner space, or a control character. */
const NEEDS_FOLD = /[^\P{Cc}]|[\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]| {2}|^ | $/u;

/** Free text on one line: every run of white space or control characters is one space, none at either end. */
export function foldLine(text: string): string {
  // asked of every entry's id, type word, description and reference: most need nothing
  return NEEDS_FOLD.test(text) ? text.replace(/[\s\p{Cc}]+/gu, ' ').trim() : text;
}

/** The calendar day of an instant in `zone` (UTC by default: the same ledger gives the same journal everywhere). */
export function dayOf(iso: string, zone: string): string {
  return zone === 'UTC' ? iso.slice(0, 10) : formatInZone(iso, zone).slice(0, 10);
}

/** The day after a YYYY-MM-DD day; null after 9999-12-31, which has none of four digits. */
export function nextDay(day: string): string | null {
  // parsed whole: Date.UTC would read years 0-99 as 1900-1999 (a provider's zero time is 0001-01-01)
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString();
  return next.length === 24 ? next.slice(0, 10) : null;
}

export interface Posting {
  account: string;
  /** Formatted as the unit shows it. */
  amount: string;
  commodity: string;
  /** The balance the account holds after this posting (the provider's balance_after), when known. */
  assert?: string;
  /** A derived posting (conflux's consumption) says what it is. */
  derived?: Movement;
}

export interface Transaction {
  day: string;
  /** The provider's name (ours: it never begins like a status mark or a code). */
  payee: string;
  /** The entry's description (or the provider's type word), folded to one line. */
  narration: string;
  /** In order; values folded to one line. */
  tags: Array<[name: string, value: string]>;
  postings: Posting[];
}

/** The balance an account holds at the end of `day`, as the provider reported it. */
export interface DayClose {
  day: string;
  account: string;
  balance: string;
  commodity: string;
}

/** The syntax of one journal format. */
export interface JournalSyntax {
  /** The file's first lines. */
  header(zone: string): string;
  transaction(t: Transaction): string;
  /** A day's closing balance (Beancount checks it; hledger asserts every posting instead and writes ''). */
  dayClose(c: DayClose): string;
  /** What the file used, written at its end: commodities and accounts, each with the day of its first use. */
  declarations(commodities: ReadonlyMap<string, string>, accounts: ReadonlyMap<string, string>): string;
}

/** A journal file: a header, streams of entries (one per profile), the declarations of what they used. */
export class JournalWriter {
  private readonly commodities = new Map<string, string>();
  private readonly accounts = new Map<string, string>();
  private count = 0;

  constructor(
    private readonly syntax: JournalSyntax,
    /** The zone transactions are dated in. */
    readonly zone: string,
  ) {}

  start(): string {
    return this.syntax.header(this.zone);
  }

  /** The entries of one profile, oldest first. */
  stream(source: JournalSource): JournalStream {
    return new JournalStream(this, source);
  }

  end(): string {
    return this.syntax.declarations(this.commodities, this.accounts);
  }

  /** Entries written, over every stream. */
  get entries(): number {
    return this.count;
  }

  /** @internal the text of a transaction, noting the accounts and commodities it uses */
  write(t: Transaction, entry: boolean): string {
    if (entry) this.count++;
    for (const p of t.postings) {
      if (!this.accounts.has(p.account)) this.accounts.set(p.account, t.day);
      if (!this.commodities.has(p.commodity)) this.commodities.set(p.commodity, t.day);
    }
    return this.syntax.transaction(t);
  }

  /** @internal */
  close(c: DayClose): string {
    return this.syntax.dayClose(c);
  }
}

/**
 * One profile's entries as transactions, oldest first. Entries before the first that carries a balance are
 * held (there is usually none) until the opening balance is known: that balance less the amounts up to it.
 */
export class JournalStream {
  private readonly purchasesOnly: boolean;
  /** A journal asserts balances in one commodity: an entry in another unit fails the export (exit 4). */
  private readonly units: OneUnit;
  private held: EntryJson[] = [];
  private opened = false;
  /** The balance after the previous entry, where it is known (conflux's consumption is measured from it). */
  private running: Decimal | null = null;
  private day: string | null = null;
  /** The balance after the current day's last entry, when that entry carries one. */
  private dayBalance: { balance: string; commodity: string } | null = null;

  constructor(
    private readonly writer: JournalWriter,
    private readonly source: JournalSource,
  ) {
    this.purchasesOnly = source.provider.ledgerKind === 'purchases';
    const { id } = source.provider;
    this.units = new OneUnit(source.profile === null ? id : `${id} (profile ${source.profile})`, 'asc');
  }

  add(e: EntryJson): string {
    this.units.check(e);
    if (this.opened) return this.entry(e);
    this.held.push(e);
    if (e.balanceAfter === null) return '';
    let text = this.opening(e);
    const held = this.held;
    this.held = [];
    for (const h of held) text += this.entry(h);
    return text;
  }

  /** What is still held (entries of a ledger with no balance at all), and the last day's close. */
  end(): string {
    this.opened = true;
    let text = '';
    for (const h of this.held) text += this.entry(h);
    this.held = [];
    return text + this.closeDay();
  }

  /** The opening balance, from the held entries and `first`, the first with a balance; '' when it is 0 from the ledger's start. */
  private opening(first: EntryJson): string {
    this.opened = true;
    let opening = Decimal.parse(first.balanceAfter as string);
    for (const h of this.held) opening = opening.sub(Decimal.parse(h.amount));
    this.running = opening;
    if (!this.source.since && opening.units === 0n) return '';
    const oldest = this.held[0] as EntryJson;
    const commodity = commodityOf(first.unit);
    const amount = formatAmount(opening, first.unit);
    return this.writer.write(
      {
        day: dayOf(oldest.createdAt, this.writer.zone),
        payee: this.source.provider.name,
        narration: 'Opening balance',
        tags: this.source.profile === null ? [] : [['profile', this.source.profile]],
        postings: [
          { account: this.source.accounts.asset, amount, commodity, assert: amount },
          { account: this.source.accounts.opening, amount: formatAmount(opening.neg(), first.unit), commodity },
        ],
      },
      false,
    );
  }

  private entry(e: EntryJson): string {
    const day = dayOf(e.createdAt, this.writer.zone);
    let text = day === this.day ? '' : this.closeDay();
    this.day = day;
    const { accounts, provider, profile } = this.source;
    const commodity = commodityOf(e.unit);
    const amount = Decimal.parse(e.amount);
    const after = e.balanceAfter === null ? null : Decimal.parse(e.balanceAfter);
    const postings: Posting[] = [];
    if (this.purchasesOnly && e.type === 'purchase') {
      // the credits used since the previous purchase: the drop that explains this purchase's balance. A rise
      // explains nothing (consumptionBetween is null): no posting, so the assertion below fails here, at the break
      const drop = consumptionBetween(this.running, { amount, balanceAfter: after });
      if (drop !== null && drop.units !== 0n) {
        const used = formatAmount(drop, e.unit);
        postings.push(
          { account: accounts.counter.consumption, amount: used, commodity, derived: 'consumption' },
          { account: accounts.asset, amount: formatAmount(drop.neg(), e.unit), commodity },
        );
        this.running = (this.running as Decimal).sub(drop);
      }
    }
    postings.push(
      { account: accounts.asset, amount: e.amount, commodity, assert: e.balanceAfter ?? undefined },
      {
        account: accounts.counter[e.type as Movement] ?? accounts.counter.adjustment,
        amount: formatAmount(amount.neg(), e.unit),
        commodity,
      },
    );
    this.running = after ?? (this.running === null ? null : this.running.add(amount));
    this.dayBalance = e.balanceAfter === null ? null : { balance: e.balanceAfter, commodity };
    const tags: Array<[string, string]> = profile === null ? [] : [['profile', profile]];
    tags.push(['id', foldLine(e.id)], ['type', e.type], ['provider_type', foldLine(e.providerType)]);
    if (e.reference !== null && foldLine(e.reference) !== '') tags.push(['reference', foldLine(e.reference)]);
    const narration = foldLine(e.description ?? '') || foldLine(e.providerType);
    text += this.writer.write({ day, payee: provider.name, narration, tags, postings }, true);
    return text;
  }

  /** The close of the day just finished, when its last entry carries a balance. */
  private closeDay(): string {
    const close = this.day !== null && this.dayBalance !== null ? this.dayBalance : null;
    this.dayBalance = null;
    if (close === null || this.day === null) return '';
    return this.writer.close({ day: this.day, account: this.source.accounts.asset, ...close });
  }
}
