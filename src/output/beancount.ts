// The Beancount file of a ledger export (SPEC §8): transactions with metadata, each day's closing balance checked.
//
// Syntax as Beancount 2.3.5 reads it. Beancount checks a `balance` at the start of its day, so a day's
// closing balance is dated the next day. Strings are double-quoted with `\` and `"` escaped, on one line.
// Beancount orders everything by date itself, so the `open` directives can come last, dated each account's
// first use, once every stream of the file has been written.
import { type DayClose, type JournalSyntax, JournalWriter, nextDay, type Posting, type Transaction } from './journal.js';

/** A Beancount string literal. */
export function beancountString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

const ACCOUNT_WIDTH = 36;
const AMOUNT_WIDTH = 14;

function posting(p: Posting): string {
  const line = `  ${p.account.padEnd(ACCOUNT_WIDTH)}  ${p.amount.padStart(AMOUNT_WIDTH)} ${p.commodity}\n`;
  return p.derived === undefined ? line : `${line}    type: ${beancountString(p.derived)}\n`;
}

export const beancountSyntax: JournalSyntax = {
  header: (zone) =>
    `; tally ledger export --format beancount: one transaction per ledger entry, oldest first, dated in ${zone};\n` +
    `; each day's closing balance is checked the next morning. Check it with: bean-check FILE\n\n`,
  transaction(t: Transaction): string {
    const meta = t.tags.map(([name, value]) => `  ${name}: ${beancountString(value)}\n`).join('');
    return `${t.day} * ${beancountString(t.payee)} ${beancountString(t.narration)}\n${meta}${t.postings.map(posting).join('')}\n`;
  },
  dayClose(c: DayClose): string {
    const day = nextDay(c.day);
    // after 9999-12-31 there is no day to check it on
    return day === null ? '' : `${day} balance ${c.account}  ${c.balance} ${c.commodity}\n\n`;
  },
  declarations(commodities, accounts) {
    if (accounts.size === 0) return '';
    const lines = ['; what this file uses, from the day of its first use'];
    for (const [c, day] of commodities) lines.push(`${day} commodity ${c}`);
    for (const [a, day] of accounts) lines.push(`${day} open ${a}`);
    return `${lines.join('\n')}\n`;
  },
};

export function createJournal(zone: string): JournalWriter {
  return new JournalWriter(beancountSyntax, zone);
}
