// Typed failures and the one place that maps them to exit codes (SPEC §6).
import { clipEcho, terminalSafe } from './io.js';

export const ExitCode = {
  ok: 0,
  checkFailed: 1,
  usage: 2,
  auth: 3,
  provider: 4,
  unsupported: 5,
  /** a bug in tally: cron must not read it as the provider failing */
  internal: 70,
  interrupted: 130,
  terminated: 143,
  hungUp: 129,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * A failure the user can act on: a message, an optional hint, and the exit code it maps to. Both are made
 * without any key this process has sent (`keepSecret`), whoever builds them from whatever a provider said:
 * the message reaches stderr, a --json failure row on stdout and a --verbose stack alike.
 */
export class TallyError extends Error {
  readonly suggestion?: string;

  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
    suggestion?: string,
  ) {
    super(maskKeysInUse(message));
    this.name = 'TallyError';
    if (suggestion !== undefined) this.suggestion = maskKeysInUse(suggestion);
  }
}

/** Bad flag, bad value, bad or missing configuration: exit 2. */
export class UsageError extends TallyError {
  constructor(message: string, suggestion?: string) {
    super(message, ExitCode.usage, suggestion);
    this.name = 'UsageError';
  }
}

/** The provider refused the credentials (401/403): exit 3. */
export class AuthError extends TallyError {
  constructor(message: string, suggestion?: string) {
    super(message, ExitCode.auth, suggestion);
    this.name = 'AuthError';
  }
}

/** The provider could not be read: network, timeout, 5xx, wrong shape: exit 4. */
export class ProviderError extends TallyError {
  constructor(message: string, suggestion?: string) {
    super(message, ExitCode.provider, suggestion);
    this.name = 'ProviderError';
  }
}

/** A response body that is not JSON or not the documented shape: exit 4, naming endpoint and field. */
export class ShapeError extends ProviderError {
  constructor(
    readonly endpoint: string,
    readonly field: string,
    detail: string,
  ) {
    super(
      `unexpected response from ${endpoint}: ${field} ${detail}`,
      'the provider answered in a shape tally does not know; check --base-url, or report it if the provider changed its API',
    );
    this.name = 'ShapeError';
  }
}

/** The provider does not offer the command: exit 5. */
export class UnsupportedError extends TallyError {
  constructor(message: string, suggestion?: string) {
    super(message, ExitCode.unsupported, suggestion);
    this.name = 'UnsupportedError';
  }
}

/** A check ran and failed (discrepancies, balance below --min): exit 1. */
export class CheckFailedError extends TallyError {
  constructor(message: string, suggestion?: string) {
    super(message, ExitCode.checkFailed, suggestion);
    this.name = 'CheckFailedError';
  }
}

export class InterruptedError extends TallyError {
  constructor() {
    super('interrupted', ExitCode.interrupted);
    this.name = 'InterruptedError';
  }
}

/** A local file (or standard output) that cannot be written: disk full, I/O error, closed: exit 2, in one line. */
export class WriteError extends UsageError {
  constructor(
    readonly target: string,
    error: unknown,
  ) {
    super(`cannot write ${target}: ${systemReason(error)}`);
    this.name = 'WriteError';
  }
}

/** The reader of what tally writes went away (`| head`, a FIFO's reader): a quiet stop, not a failure. */
export class ReaderGoneError extends TallyError {
  constructor() {
    super('the reader went away', ExitCode.ok);
    this.name = 'ReaderGoneError';
  }
}

/** A system error's reason in words ("no space left on device"), from Node's "ENOSPC: no space left on device, write". */
export function systemReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const words = /^[A-Z0-9_]+: (.+?)(?:, \w+.*)?$/.exec(message)?.[1];
  return words ?? code ?? message;
}

/**
 * Which code wins when profiles fail in different ways, for every --all command (balance, reconcile, statement,
 * ledger export): what only the user can fix (a bug in tally, the configuration, a refused key, a command the
 * provider lacks) before what may pass (the provider failing), and any failure before a check that ran and failed
 * (discrepancies, a statement that does not roll forward, below --min or --min-days). `tally help exit-codes`
 * says this order in words; a test holds the two together.
 */
export const EXIT_PRECEDENCE: readonly ExitCodeValue[] = [
  ExitCode.internal,
  ExitCode.usage,
  ExitCode.auth,
  ExitCode.unsupported,
  ExitCode.provider,
  ExitCode.checkFailed,
  ExitCode.ok,
];

/** Of two exit codes, the one that stands for both (EXIT_PRECEDENCE): the one way every --all command aggregates. */
export function worstCode(a: number, b: number): number {
  const rank = (c: number) => {
    const i = EXIT_PRECEDENCE.indexOf(c as ExitCodeValue);
    return i < 0 ? -1 : i;
  };
  return rank(b) < rank(a) ? b : a;
}

/** A TallyError's own code; anything else is a failure tally did not foresee, a bug in it (SPEC §6: 70). */
export function exitCodeOf(error: unknown): ExitCodeValue {
  return error instanceof TallyError ? error.exitCode : ExitCode.internal;
}

/**
 * Longest message line: where remote text reaches a message it is cut far shorter at its source (with the
 * size of what the provider sent); this only keeps any other path from filling a terminal.
 */
const MESSAGE_LIMIT = 2000;

/**
 * A message line as it may meet a terminal: no key this process has sent, no control characters (messages
 * carry provider text), bounded.
 */
const line = (text: string) => clipEcho(terminalSafe(maskKeysInUse(text)), undefined, MESSAGE_LIMIT);

/**
 * An error's message as a line of tally's own output may carry it ("work: <message>", for a profile that failed
 * under --all): as every error line is, with no key, no control character (a provider's text), bounded.
 */
export function messageLine(error: unknown): string {
  return line(error instanceof Error ? error.message : String(error));
}

/** Renders an error as one or two lines for stderr; the stack only when verbose. */
export function formatError(error: unknown, verbose: boolean): string {
  if (error instanceof TallyError) {
    const lines = [`tally: ${line(error.message)}`];
    if (error.suggestion) lines.push(`  ${line(error.suggestion)}`);
    if (verbose && error.stack) lines.push(stackText(error.stack));
    return `${lines.join('\n')}\n`;
  }
  const message = error instanceof Error ? error.message : String(error);
  const lines = [`tally: internal error: ${line(message)}`];
  if (verbose && error instanceof Error && error.stack) lines.push(stackText(error.stack));
  else lines.push('  run again with --verbose for details, and report it if it persists');
  return `${lines.join('\n')}\n`;
}

/** A stack's lines, each made safe: its first line repeats the message. */
function stackText(stack: string): string {
  return stack.split('\n').map(line).join('\n');
}

/** A key as it may be shown anywhere: its last four characters at most, and none of a short key (they would be most of it). */
export function redactKey(key: string): string {
  return key.length >= 12 ? `****${key.slice(-4)}` : '****';
}

/**
 * Every way a key appears in what a provider sends back: as it was sent, URL-encoded (hex in either case),
 * and JSON-escaped (`"` and `\\`, and `/` as `\\/`). A key is visible ASCII (secrets.ts), so these are all.
 */
function keyForms(key: string): string[] {
  const url = encodeURIComponent(key);
  const json = JSON.stringify(key).slice(1, -1);
  const forms = [key, url, url.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()), json, json.replaceAll('/', '\\/')];
  // the longest first: a form that holds another is masked whole
  return [...new Set(forms)].sort((a, b) => b.length - a.length);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A masker for one key: `standalone` masks only occurrences not inside a word (for tally's own text). */
function keyMasker(key: string, standalone: boolean): (text: string) => string {
  const alternatives = keyForms(key).map(escapeRegExp).join('|');
  const pattern = new RegExp(standalone ? `(?<![A-Za-z0-9])(?:${alternatives})(?![A-Za-z0-9])` : alternatives, 'g');
  const shown = redactKey(key);
  // every form but the key itself holds a % or a backslash: text with none of the three is left as it is
  return (text) => (text.includes(key) || text.includes('%') || text.includes('\\') ? text.replace(pattern, shown) : text);
}

/**
 * `text` (something a provider sent) with every occurrence of `key`, in any of its forms, replaced by its
 * redaction. Any key, however short: in text from a provider, a short key is masked inside words too.
 */
export function maskKey(text: string, key: string): string {
  return key === '' ? text : keyMasker(key, false)(text);
}

/** Keys of 8 characters and more are masked wherever they occur; shorter ones only as words of their own. */
const STANDALONE_BELOW = 8;

/** Every key this process has sent, with its masker: a process sends few, and each is kept for its life. */
const keysInUse = new Map<string, (text: string) => string>();

/**
 * Marks a key as sent: from now on no TallyError message or hint, and no error line formatError renders,
 * carries it. The second line of defence: where a message quotes what a provider sent, the quote is masked
 * with `maskKey` before it is cut short (a cut key would no longer be found whole).
 */
export function keepSecret(key: string): void {
  if (key !== '' && !keysInUse.has(key)) keysInUse.set(key, keyMasker(key, key.length < STANDALONE_BELOW));
}

function maskKeysInUse(text: string): string {
  let masked = text;
  for (const mask of keysInUse.values()) masked = mask(masked);
  return masked;
}
