// The hledger journal of a ledger export (SPEC §8): transactions with tags, every asset posting asserting its balance.
//
// Syntax as hledger 1.25 reads it. A description ends at `;` (a comment, whose `name:value` words are tags),
// so a `;` in the provider's text becomes `,`; a tag's value ends at a comma or the line's end, so in tag
// values `%` and `,` are written %25 and %2C: a reference can neither cut its tag short nor add one.
// Dates are days (hledger has no times); within a day hledger keeps the file's order, which is the ledger's.
import { type DayClose, type JournalSyntax, JournalWriter, type Posting, type Transaction } from './journal.js';

/** A tag value that cannot end early or start another tag. */
export function tagValue(text: string): string {
  return /[%,]/.test(text) ? text.replace(/%/g, '%25').replace(/,/g, '%2C') : text;
}

/** A description hledger reads whole: one line (already folded), no `;` to start a comment. */
export function descriptionText(text: string): string {
  return text.includes(';') ? text.replace(/;/g, ',') : text;
}

/** Wide enough for the default accounts, so amounts line up; a longer name still gets its two spaces. */
const ACCOUNT_WIDTH = 36;
const AMOUNT_WIDTH = 14;

function posting(p: Posting): string {
  const assertion = p.assert === undefined ? '' : ` = ${p.assert} ${p.commodity}`;
  const comment = p.derived === undefined ? '' : `  ; type:${p.derived}`;
  return `    ${p.account.padEnd(ACCOUNT_WIDTH)}  ${p.amount.padStart(AMOUNT_WIDTH)} ${p.commodity}${assertion}${comment}\n`;
}

export const hledgerSyntax: JournalSyntax = {
  header: (zone) =>
    `; tally ledger export --format hledger: one transaction per ledger entry, oldest first, dated in ${zone}\n` +
    `; check it with: hledger -f FILE check\n` +
    // amounts are written with a decimal point and no digit groups: said once, so hledger never guesses
    'decimal-mark .\n\n',
  transaction(t: Transaction): string {
    const tags = t.tags.map(([name, value]) => `${name}:${tagValue(value)}`).join(', ');
    const head = `${t.day} ${t.payee} | ${descriptionText(t.narration)}${tags ? `  ; ${tags}` : ''}\n`;
    return `${head}${t.postings.map(posting).join('')}\n`;
  },
  dayClose: (_c: DayClose) => '',
  declarations(commodities, accounts) {
    if (accounts.size === 0) return '';
    const lines = ['; what this journal uses (declared, so `hledger check --strict` passes too)'];
    for (const c of commodities.keys()) lines.push(`commodity ${c}`);
    for (const a of accounts.keys()) lines.push(`account ${a}`);
    return `${lines.join('\n')}\n`;
  },
};

export function createJournal(zone: string): JournalWriter {
  return new JournalWriter(hledgerSyntax, zone);
}
