// UTF-8 decoding of response bodies with the ASCII stretches copied, not decoded.
import { isAscii } from 'node:buffer';

/** Bytes looked at a time: small enough that one non-ASCII character costs little, large enough to be few. */
const BLOCK = 2048;

const isContinuation = (byte: number | undefined) => byte !== undefined && (byte & 0xc0) === 0x80;

/**
 * The string `buffer.toString('utf8')` gives (a leading byte-order mark skipped, as undici's text() does).
 * V8 decodes UTF-8 a byte at a time, ~10x slower than it copies Latin-1, and a page of a ledger is ASCII
 * but for a few characters in notes: so blocks of pure ASCII are copied as Latin-1 (the same characters)
 * and only the blocks holding other characters are decoded, each extended to the end of its last
 * character so that no sequence is ever split.
 */
export function decodeUtf8(bytes: Uint8Array): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = buf.length;
  let start = n > 2 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  if (isAscii(buf.subarray(start))) return buf.toString('latin1', start, n);
  let text = '';
  while (start < n) {
    let end = Math.min(start + BLOCK, n);
    if (isAscii(buf.subarray(start, end))) {
      text += buf.toString('latin1', start, end);
    } else {
      while (isContinuation(buf[end])) end++;
      text += buf.toString('utf8', start, end);
    }
    start = end;
  }
  return text;
}
