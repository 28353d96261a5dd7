// Tables: boxed and coloured on a TTY (cli-table3), tab-separated with one header line on a pipe.
import { type IOStreams, terminalSafe } from '../core/io.js';

export type Tone = 'positive' | 'negative' | 'warning' | 'muted' | 'error';

export interface Column {
  header: string;
  /** Amounts are right-aligned and never truncated. */
  kind?: 'text' | 'amount';
  /** Free text (a description, a message, a note, a purpose): wrapped or shrunk first when the table is too
   *  wide. A column that is not free (an id, a date, a kind, an amount, a URL, a key) is never cut. */
  free?: boolean;
  /** When the table is still too wide with its free text at its narrowest, columns with a rank are dropped,
   *  lowest rank first; a column without one is never dropped. */
  dropRank?: number;
}

export interface StyledCell {
  text: string;
  tone?: Tone;
}
export type Cell = string | StyledCell;

const cellText = (c: Cell): string => (typeof c === 'string' ? c : c.text);
/** A cell with its text made safe for a terminal: cells carry provider text (descriptions, ids, names). */
const safeCell = (c: Cell): Cell => (typeof c === 'string' ? terminalSafe(c) : { ...c, text: terminalSafe(c.text) });

export async function renderTable(io: IOStreams, header: readonly Column[], cells: readonly Cell[][]): Promise<void> {
  const columns = header.map((c) => ({ ...c, header: terminalSafe(c.header) }));
  const rows = cells.map((r) => r.map(safeCell));
  if (!io.stdoutIsTTY) {
    // terminalSafe has turned tabs and line breaks into spaces: one row, one line, one cell per tab. Colour
    // here only when FORCE_COLOR asked for it off a TTY: the same lines, the header and tones painted.
    const paint = await painter(io.color);
    const text = (c: Cell) => (typeof c === 'string' ? c : paint(c.tone ?? 'plain', c.text));
    const lines = [columns.map((c) => paint('header', c.header)).join('\t'), ...rows.map((r) => r.map(text).join('\t'))];
    io.out(`${lines.join('\n')}\n`);
    return;
  }
  const widths = fitWidths(columns, rows, io.columns);
  const shown = columns.flatMap((_, i) => (widths[i] === null ? [] : [i]));
  const [{ default: Table }, paint] = await Promise.all([import('cli-table3'), painter(io.color)]);
  const table = new Table({
    head: shown.map((i) => paint('header', (columns[i] as Column).header)),
    colWidths: shown.map((i) => widths[i] as number),
    colAligns: shown.map((i) => (columns[i]?.kind === 'amount' ? 'right' : 'left')),
    style: { head: [], border: [] },
    // compact: no rule between rows
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    // only free text is ever narrower than its cells, and it breaks between words: fitWidths makes a free
    // column at least as wide as its longest word, so no word (an id or a URL in a message) is cut
    wordWrap: true,
    wrapOnWordBoundary: true,
  });
  for (const row of rows) {
    table.push(shown.map((i) => row[i] ?? '').map((c) => (typeof c === 'string' ? c : paint(c.tone ?? 'plain', c.text))));
  }
  io.out(`${table.toString()}\n`);
}

/** How wide the boxed table is with every column at its full width. */
export function naturalWidth(columns: readonly Column[], rows: readonly Cell[][]): number {
  return fitWidths(columns, rows, Infinity).reduce((s: number, w) => (w === null ? s : s + w + 1), 1);
}

/** Cell padding (1 each side) plus the border between columns. */
const CELL_OVERHEAD = 3;
/** Free text is not squeezed below this while a column can be dropped instead: a few words a line. */
const FREE_COMFORT = 24;
/** ...nor below this at all (or below its longest word), however wide the rest: a word or two a line. */
const FREE_MIN = 10;

// How cli-table3 (string-width 4) measures: what it counts two columns wide must be counted so here too, or a
// CJK cell measured as its length would be cut.
/** East Asian wide and fullwidth characters (is-fullwidth-code-point's ranges). */
const FULLWIDTH =
  /[\u1100-\u115f\u2329\u232a\u2e80-\u303e\u3040-\u3247\u3250-\u4dbf\u4e00-\ua4c6\ua960-\ua97c\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe6b\uff01-\uff60\uffe0-\uffe6\u{1b000}\u{1b001}\u{1f200}-\u{1f251}\u{20000}-\u{3fffd}]/u;
/** An emoji, with its variation selector or joined sequence: two columns in all. */
const EMOJI = /\p{Emoji_Presentation}(?:\u{fe0f}|\u{200d}\p{Emoji_Presentation})*|\p{Extended_Pictographic}\u{fe0f}/gu;
/** Combining diacritical marks: no column of their own. */
const COMBINING = /^[\u0300-\u036f]$/u;

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** The columns text takes in a terminal. */
export function textWidth(text: string): number {
  if (PRINTABLE_ASCII.test(text)) return text.length;
  let width = 0;
  for (const ch of text.replace(EMOJI, '\u{3000}')) width += COMBINING.test(ch) ? 0 : FULLWIDTH.test(ch) ? 2 : 1;
  return width;
}

/**
 * The width of each column on a terminal `width` wide (cli-table3's colWidths, padding included), or null
 * for a column left out. A column no row has text in is left out. Then, while the table is too wide:
 * free text wraps, down to FREE_COMFORT (or its longest word); columns with a dropRank are dropped, lowest
 * first, and with room left after a drop the dropped come back, highest rank first, where they fit; free
 * text wraps further, down to FREE_MIN. Other columns keep their full width: when they alone are wider than
 * the terminal, the table is too (the terminal wraps its lines), and nothing is cut.
 */
export function fitWidths(columns: readonly Column[], rows: readonly Cell[][], width: number): Array<number | null> {
  const byColumn = columns.map((_, i) => rows.map((r) => cellText(r[i] ?? '')));
  const texts = (i: number) => byColumn[i] as string[];
  // reduce, not Math.max(...): a --limit of 200,000 rows is more arguments than a call takes
  const widest = (texts: readonly string[]) => texts.reduce((m, t) => Math.max(m, textWidth(t)), 0);
  const natural = columns.map((c, i) => widest([c.header, ...texts(i)]));
  // (only free text wraps; a text no wider than the longest word so far cannot hold a longer one)
  const longestWord = columns.map((c, i) =>
    c.free ? [c.header, ...texts(i)].reduce((m, t) => (textWidth(t) <= m ? m : Math.max(m, widest(t.split(/\s+/)))), 0) : 0,
  );
  // the narrowest a column may be at a level: free text the level or its longest word, the rest whole
  const floor = (i: number, level: number) =>
    columns[i]?.free ? Math.min(natural[i] as number, Math.max(level, longestWord[i] as number)) : (natural[i] as number);
  const need = (kept: readonly number[], level: number) => kept.reduce((s, i) => s + floor(i, level) + CELL_OVERHEAD, 1);

  const empty = (i: number) => rows.length > 0 && texts(i).every((t) => t.trim() === '');
  let kept = columns.flatMap((_, i) => (empty(i) ? [] : [i]));
  const dropped: number[] = [];
  const rank = (i: number) => columns[i]?.dropRank ?? Infinity;
  while (need(kept, FREE_COMFORT) > width) {
    const droppable = kept.filter((i) => rank(i) !== Infinity);
    if (droppable.length === 0) break;
    // lowest rank first; of equal ranks, the one further right
    const drop = droppable.reduce((a, b) => (rank(b) <= rank(a) ? b : a));
    kept = kept.filter((i) => i !== drop);
    dropped.push(drop);
  }
  for (const i of [...dropped].sort((a, b) => rank(b) - rank(a))) {
    const back = [...kept, i].sort((a, b) => a - b);
    if (need(back, FREE_COMFORT) <= width) kept = back;
  }
  const level = need(kept, FREE_COMFORT) <= width ? FREE_COMFORT : FREE_MIN;

  const widths = new Map(kept.map((i) => [i, natural[i] as number]));
  const total = () => [...widths.values()].reduce((s, w) => s + w + CELL_OVERHEAD, 1);
  while (total() > width) {
    // the widest free text gives way first, so that free columns end up about as wide as each other
    let widest = -1;
    for (const [i, w] of widths) {
      if (w > floor(i, level) && (widest < 0 || w > (widths.get(widest) as number))) widest = i;
    }
    if (widest < 0) break; // all at their narrowest: wider than the terminal rather than cut
    widths.set(widest, (widths.get(widest) as number) - 1);
  }
  return columns.map((_, i) => {
    const w = widths.get(i);
    return w === undefined ? null : w + 2;
  });
}

type Paint = (tone: Tone | 'header' | 'plain', text: string) => string;

/** Colour functions, or identity when colour is off (chalk is loaded only when it is on). */
export async function painter(color: boolean): Promise<Paint> {
  if (!color) return (_tone, text) => text;
  const { Chalk } = await import('chalk');
  const chalk = new Chalk({ level: 1 });
  return (tone, text) => {
    switch (tone) {
      case 'positive':
        return chalk.green(text);
      case 'negative':
        return chalk.red(text);
      case 'warning':
        return chalk.yellow(text);
      case 'error':
        return chalk.red(text);
      case 'muted':
        return chalk.dim(text);
      case 'header':
        return chalk.bold(text);
      default:
        return text;
    }
  };
}
