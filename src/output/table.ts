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
  const [{ default: Table }, paint] = await Promise.all([import('cli-table3'), painter(io.color)]);
  const table = new Table({
    head: columns.map((c) => paint('header', c.header)),
    colWidths: fitWidths(columns, rows, io.columns),
    colAligns: columns.map((c) => (c.kind === 'amount' ? 'right' : 'left')),
    style: { head: [], border: [] },
    // compact: no rule between rows
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    wordWrap: false,
  });
  for (const row of rows) {
    table.push(row.map((c) => (typeof c === 'string' ? c : paint(c.tone ?? 'plain', c.text))));
  }
  io.out(`${table.toString()}\n`);
}

/** Cell padding (1 each side) plus the border between columns. */
const CELL_OVERHEAD = 3;
const MIN_TEXT = 6;

/**
 * Column widths that fit `width`: amounts keep their full width (an amount is never truncated); the widest
 * text columns give way first, down to a few characters, and cli-table3 truncates them with an ellipsis.
 */
export function fitWidths(columns: readonly Column[], rows: readonly Cell[][], width: number): number[] {
  const natural = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => [...cellText(r[i] ?? '')].length)));
  const widths = [...natural];
  const total = () => widths.reduce((s, w) => s + w + CELL_OVERHEAD, 1);
  while (total() > width) {
    let widest = -1;
    for (let i = 0; i < columns.length; i++) {
      if (columns[i]?.kind === 'amount' || (widths[i] as number) <= MIN_TEXT) continue;
      if (widest < 0 || (widths[i] as number) > (widths[widest] as number)) widest = i;
    }
    if (widest < 0) break; // only amounts and narrow text left: let it be wider than the terminal
    widths[widest] = (widths[widest] as number) - 1;
  }
  return widths.map((w) => w + 2);
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
