// Keys: what tally accepts as one, and how one may appear anywhere tally prints (never whole).
import { UsageError } from './errors.js';

// how a key is shown lives with the masking of keys in messages, in errors.ts
export { redactKey } from './errors.js';

/** Longest key accepted, in UTF-8 bytes: real keys are under 1 KiB; a 50 MB "key" is a mistake. */
export const MAX_KEY_BYTES = 8 * 1024;

const TRAILING_LINE_END = /[\r\n]+$/;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * The key as it will be sent: a trailing newline or CR (from `echo`, a file, a Windows editor) trimmed;
 * more than 8 KiB, invalid UTF-8 (U+FFFD is what Node makes of it in the environment) or a control
 * character is exit 2, naming where the key came from and never any of it.
 */
export function checkKey(raw: string, source: string, suggestion: string): string {
  const key = raw.replace(TRAILING_LINE_END, '');
  // a variable holding only a line end would otherwise send an empty key and read as a refusal (exit 3)
  if (key === '') throw new UsageError(`the key from ${source} is empty`, suggestion);
  if (key.length > MAX_KEY_BYTES || Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw new UsageError(`the key from ${source} is longer than 8 KiB`, suggestion);
  }
  if (key.includes('\uFFFD')) throw new UsageError(`the key from ${source} is not valid UTF-8`, suggestion);
  const control = CONTROL.exec(key);
  if (control) {
    const code = (control[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
    throw new UsageError(`the key from ${source} contains a control character (U+${code})`, suggestion);
  }
  // an HTTP header carries visible ASCII only: anything else (a space, a non-ASCII letter) fails in the
  // HTTP client, after the retries, and reads as the provider failing (exit 4)
  if (!HEADER_SAFE.test(key)) {
    throw new UsageError(
      `the key from ${source} contains a space or a character that is not ASCII, which a request header cannot carry`,
      suggestion,
    );
  }
  return key;
}

const HEADER_SAFE = /^[\x21-\x7e]+$/;

/** Where a key read at use is wrong, the advice: the key itself is never shown. */
export const KEY_AT_USE_HINT = 'check the key: it should be one line of printable characters';
