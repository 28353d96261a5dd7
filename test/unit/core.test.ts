import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configDir, readConfig, validateConfig } from '../../src/core/config.js';
import { parseGlobalOptions } from '../../src/core/context.js';
import { ExitCode, exitCodeOf, formatError, keepSecret, maskKey, ProviderError, UsageError } from '../../src/core/errors.js';
import { backoffDelay, genericMessage, loadUndici, parseRetryAfter, saysItFailed } from '../../src/core/http.js';
import { clipEcho, colorEnabled, type IOStreams, terminalSafe } from '../../src/core/io.js';
import { decodeUtf8 } from '../../src/core/utf8.js';
import { checkKey, redactKey } from '../../src/core/secrets.js';
import { isLoopbackHost, joinUrl, parseBaseUrl } from '../../src/core/url.js';
import { VERSION } from '../../src/version.js';

describe('base URLs', () => {
  it('accepts an origin with a path prefix and drops the trailing slash', () => {
    expect(parseBaseUrl('http://127.0.0.1:4010/conduit/', 'x').href).toBe('http://127.0.0.1:4010/conduit');
    expect(joinUrl(parseBaseUrl('https://conduit.im', 'x'), '/api/billing/ledger', { limit: 100, offset: 0 }).href).toBe(
      'https://conduit.im/api/billing/ledger?limit=100&offset=0',
    );
  });

  it('refuses plain http to a host that is not loopback', () => {
    expect(() => parseBaseUrl('http://conduit.im', '--base-url')).toThrow(/plain http/);
    expect(() => parseBaseUrl('http://10.0.0.5:8080', '--base-url')).toThrow(UsageError);
    expect(() => parseBaseUrl('http://localhost:1', 'x')).not.toThrow();
    expect(() => parseBaseUrl('http://[::1]:1', 'x')).not.toThrow();
  });

  it('refuses what is not a URL, other schemes, credentials and queries', () => {
    expect(() => parseBaseUrl('not a url', '--base-url')).toThrow(/not a URL/);
    expect(() => parseBaseUrl('ftp://x.example', 'x')).toThrow(UsageError);
    expect(() => parseBaseUrl('https://u:p@x.example', 'x')).toThrow(/credentials/);
    expect(() => parseBaseUrl('https://x.example/?a=1', 'x')).toThrow(/query/);
  });

  it('knows loopback hosts', () => {
    for (const h of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', '::1']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['128.0.0.1', 'example.com', '10.0.0.1', 'localhost.example.com']) expect(isLoopbackHost(h)).toBe(false);
  });
});

describe('retry timing', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-23T10:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 10:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('backs off exponentially with jitter and a cap', () => {
    expect(backoffDelay(0, 500, 8000, () => 0)).toBe(250);
    expect(backoffDelay(0, 500, 8000, () => 0.999)).toBeLessThanOrEqual(500);
    expect(backoffDelay(3, 500, 8000, () => 0)).toBe(2000);
    expect(backoffDelay(10, 500, 8000, () => 1)).toBe(8000);
    const spread = new Set(Array.from({ length: 20 }, (_, i) => backoffDelay(2, 500, 8000, () => i / 20)));
    expect(spread.size).toBeGreaterThan(10);
  });

  it('finds the provider message in the common error shapes', () => {
    expect(genericMessage({ error: { type: 'authentication_error', message: 'revoked' } })).toBe('revoked');
    expect(genericMessage({ error: 'Unauthorized' })).toBe('Unauthorized');
    expect(genericMessage({ status: false, message: 'Missing scope' })).toBe('Missing scope');
    expect(genericMessage({ detail: 'nope' })).toBe('nope');
    expect(genericMessage('<html>')).toBeUndefined();
  });
});

describe('a successful body that says it failed', () => {
  it.each([
    [{ error: { message: 'database down' } }, true],
    [{ error: 'database down' }, true],
    [{ error: { type: 'api_error' } }, true],
    [{ status: false, message: 'Missing scope' }, true],
    [{ success: false }, true],
    [{ ok: false }, true],
    [{ error: null, items: [] }, false],
    [{ error: false }, false],
    [{ error: '' }, false],
    [{ status: true, message: 'Billing history fetched', data: [] }, false],
    [{ status: 'ok' }, false],
    [[{ error: 'an entry' }], false],
    ['error', false],
    [null, false],
  ])('%j says it failed: %s', (body, failed) => {
    expect(saysItFailed(body)).toBe(failed);
  });
});

describe('undici', () => {
  it("loads its Agent from its own module, not undici's index (~100 ms at every start)", async () => {
    // fails when an undici upgrade moves them: tally still works through the index, but starts slower
    const core = await loadUndici();
    expect(core.via).toBe('modules');
    expect(typeof core.Agent).toBe('function');
  });
});

describe('secrets', () => {
  it('shows at most the last four characters, and none of a short key', () => {
    expect(redactKey('sk-live-abcdefgh1234')).toBe('****1234');
    expect(redactKey('short')).toBe('****');
  });

  it('trims a trailing newline or CR from a key and refuses control characters, invalid UTF-8 and 8 KiB', () => {
    expect(checkKey('sk-abc\r\n', 'TALLY_API_KEY', 'hint')).toBe('sk-abc');
    expect(checkKey('sk-abc\n\n', 'TALLY_API_KEY', 'hint')).toBe('sk-abc');
    expect(checkKey('k'.repeat(8192), 'x', 'hint')).toHaveLength(8192);
    expect(() => checkKey('k'.repeat(8193), 'x', 'hint')).toThrow('the key from x is longer than 8 KiB');
    expect(() => checkKey('é'.repeat(4097), 'x', 'hint')).toThrow('the key from x is longer than 8 KiB');
    expect(() => checkKey('sk-\uFFFDabc', '$KEY', 'hint')).toThrow('the key from $KEY is not valid UTF-8');
    for (const [c, code] of [
      ['\u0000', '0000'],
      ['\t', '0009'],
      ['\u001b', '001B'],
      ['\u007f', '007F'],
      ['\u009b', '009B'],
    ]) {
      const error = (() => {
        try {
          checkKey(`sk-secret${c}x`, 'TALLY_API_KEY', 'hint');
        } catch (e) {
          return e as UsageError;
        }
      })();
      expect(error).toBeInstanceOf(UsageError);
      expect(error?.exitCode).toBe(ExitCode.usage);
      expect(error?.message).toBe(`the key from TALLY_API_KEY contains a control character (U+${code})`);
      expect(formatError(error, false)).not.toContain('secret');
    }
  });
});

describe('keys in what a provider sends back', () => {
  it('masks every occurrence of a key, not only the first', () => {
    expect(maskKey('sk-live-abcdefgh1234 and sk-live-abcdefgh1234', 'sk-live-abcdefgh1234')).toBe('****1234 and ****1234');
  });

  it('masks its URL-encoded form, with the hex in either case', () => {
    const key = 'sk+live/abc=def&1234';
    expect(maskKey(`token=${encodeURIComponent(key)}`, key)).toBe('token=****1234');
    expect(maskKey('token=sk%2blive%2fabc%3ddef%261234', key)).toBe('token=****1234');
  });

  it('masks its JSON-escaped form, the slash escaped or not', () => {
    const key = 'sk-"live"\\abc/1234';
    expect(maskKey(`{"key": ${JSON.stringify(key)}}`, key)).toBe('{"key": "****1234"}');
    expect(maskKey('{"key": "sk-\\"live\\"\\\\abc\\/1234"}', key)).toBe('{"key": "****1234"}');
  });

  it('masks a key of any length in provider text, inside words too, and shows none of a short one', () => {
    expect(maskKey('key k3y rejected; k3yk3y', 'k3y')).toBe('key **** rejected; ********');
    expect(maskKey('the key e is revoked', 'e')).toBe('th**** k****y **** is r****vok****d');
  });

  it('leaves text without the key as it is', () => {
    expect(maskKey('nothing to see: 100% \\o/', 'sk-live-abcdefgh1234')).toBe('nothing to see: 100% \\o/');
    expect(maskKey('anything', '')).toBe('anything');
  });

  it('keeps a key this process has sent out of every error message and hint, whoever builds them', () => {
    keepSecret('sk-unit-kept-secret-9876');
    keepSecret('Qz9');
    const error = new ProviderError('entry sk-unit-kept-secret-9876 and Qz9 listed twice; Qz9x stays', 'try sk-unit-kept-secret-9876');
    expect(error.message).toBe('entry ****9876 and **** listed twice; Qz9x stays');
    expect(error.suggestion).toBe('try ****9876');
    expect(formatError(new Error('internal: sk-unit-kept-secret-9876'), true)).not.toContain('sk-unit-kept-secret-9876');
  });
});

describe('remote text on a terminal', () => {
  it('drops every C0 and C1 control character and DEL, and turns line breaks and tabs into one space', () => {
    expect(terminalSafe('a\u001b]52;c;ZWNobw==\u0007b')).toBe('a]52;c;ZWNobw==b');
    expect(terminalSafe('\u001b[2Jclear\u009b31m')).toBe('[2Jclear31m');
    expect(terminalSafe('one\r\ntwo\tthree\u2028four\u0085five')).toBe('one two three four five');
    expect(terminalSafe('\u0000\u0008\u000b\u000c\u007f\u0080\u009f')).toBe(' ');
    for (let c = 0; c < 0xa0; c++) {
      if (c >= 0x20 && c < 0x7f) continue;
      expect(terminalSafe(`x${String.fromCharCode(c)}y`)).toMatch(/^x ?y$/);
    }
    expect(terminalSafe('é — plain ＝1+1')).toBe('é — plain ＝1+1');
  });

  it('cuts an echoed text to 300 characters, saying so, and leaves a short one alone', () => {
    expect(clipEcho('short')).toBe('short');
    expect(clipEcho('x'.repeat(1000))).toBe(`${'x'.repeat(300)}… (cut; 1000 characters in all)`);
    expect(clipEcho('x'.repeat(1000), 'the error body was 2000 bytes')).toBe(`${'x'.repeat(300)}… (cut; the error body was 2000 bytes)`);
    expect(clipEcho(`${'x'.repeat(299)}😀rest`)).toBe(`${'x'.repeat(299)}… (cut; 305 characters in all)`);
  });

  it('renders error messages and hints without control characters, and no longer than 2000 characters', () => {
    const e = new UsageError('bad \u001b[2Jthing\nforged line', 'do \u001b]52;c;eA==\u0007this');
    expect(formatError(e, false)).toBe('tally: bad [2Jthing forged line\n  do ]52;c;eA==this\n');
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    expect(formatError(new Error('\u001b[2Jboom'), true)).not.toMatch(/\u001b/);
    const long = formatError(new UsageError('y'.repeat(3_000_000)), false);
    expect(long).toBe(`tally: ${'y'.repeat(2000)}… (cut; 3000000 characters in all)\n`);
  });
});

describe('colour decision', () => {
  it('follows the TTY unless told otherwise', () => {
    expect(colorEnabled(true, {}, false)).toBe(true);
    expect(colorEnabled(false, {}, false)).toBe(false);
  });
  it('is off with --no-color, NO_COLOR or CLICOLOR=0, on with FORCE_COLOR or CLICOLOR_FORCE', () => {
    expect(colorEnabled(true, {}, true)).toBe(false);
    expect(colorEnabled(true, { NO_COLOR: '1' }, false)).toBe(false);
    expect(colorEnabled(true, { CLICOLOR: '0' }, false)).toBe(false);
    expect(colorEnabled(false, { FORCE_COLOR: '1' }, false)).toBe(true);
    expect(colorEnabled(true, { FORCE_COLOR: '0' }, false)).toBe(false);
    expect(colorEnabled(false, { CLICOLOR_FORCE: '1' }, false)).toBe(true);
  });
  it('gives FORCE_COLOR precedence over NO_COLOR (force-color.org), and --no-color over both', () => {
    expect(colorEnabled(false, { NO_COLOR: '1', FORCE_COLOR: '1' }, false)).toBe(true);
    expect(colorEnabled(false, { NO_COLOR: '1', FORCE_COLOR: '1' }, true)).toBe(false);
    expect(colorEnabled(true, { FORCE_COLOR: 'false' }, false)).toBe(false);
    expect(colorEnabled(true, { NO_COLOR: '1', FORCE_COLOR: '0' }, false)).toBe(false);
    // CLICOLOR_FORCE is the older, weaker word: NO_COLOR wins over it
    expect(colorEnabled(false, { NO_COLOR: '1', CLICOLOR_FORCE: '1' }, false)).toBe(false);
  });
  it('reads an empty FORCE_COLOR or NO_COLOR as not set', () => {
    expect(colorEnabled(false, { FORCE_COLOR: '' }, false)).toBe(false);
    expect(colorEnabled(true, { FORCE_COLOR: '' }, false)).toBe(true);
    expect(colorEnabled(true, { NO_COLOR: '' }, false)).toBe(true);
    expect(colorEnabled(true, { NO_COLOR: '1', FORCE_COLOR: '' }, false)).toBe(false);
  });
});

describe('global options', () => {
  it('has the documented defaults', () => {
    const o = parseGlobalOptions({});
    expect(o.timeout).toBe(30);
    expect(o.retries).toBe(4);
    expect(o.color).toBe(true);
  });
  it.each([['0'], ['-1'], ['abc'], ['1e9']])('rejects --timeout %s', (t) => {
    expect(() => parseGlobalOptions({ timeout: t })).toThrow(/--timeout/);
  });
  it.each([['-1'], ['x'], ['2.5'], ['99']])('rejects --retries %s', (r) => {
    expect(() => parseGlobalOptions({ retries: r })).toThrow(/--retries/);
  });
});

describe('config file', () => {
  it('lives in TALLY_CONFIG_DIR, else ~/.config/tally without a -nodejs suffix', () => {
    expect(configDir({ TALLY_CONFIG_DIR: '/x/y' })).toBe('/x/y');
    if (process.platform === 'linux') {
      expect(configDir({ XDG_CONFIG_HOME: '/cfg' })).toBe('/cfg/tally');
      expect(configDir({})).toMatch(/\.config\/tally$/);
    }
  });

  it('reads a missing file as no profiles', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tally-unit-'));
    expect(readConfig(dir)).toEqual({ profiles: {} });
  });

  it('names the file when it is not JSON, and leaves it alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tally-unit-'));
    writeFileSync(join(dir, 'config.json'), '{"profiles": {');
    expect(() => readConfig(dir)).toThrow(new RegExp(`${join(dir, 'config.json')}.*not JSON`));
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe('{"profiles": {');
  });

  it('names the field when a profile is malformed', () => {
    expect(() => validateConfig({ profiles: { a: { provider: 3 } } }, 'f.json')).toThrow(/profile "a" has no "provider"/);
    expect(() => validateConfig({ profiles: [] }, 'f.json')).toThrow(/"profiles" must be an object/);
    expect(() => validateConfig([], 'f.json')).toThrow(/expected a JSON object/);
    expect(() => validateConfig({ profiles: { a: { provider: 'conduit', key: 5 } } }, 'f.json')).toThrow(/"key" must be a string/);
  });
});

describe('errors', () => {
  it('renders one or two lines, with a stack only when verbose', () => {
    const e = new UsageError('bad thing', 'do this');
    expect(e.exitCode).toBe(ExitCode.usage);
    expect(formatError(e, false)).toBe('tally: bad thing\n  do this\n');
    expect(formatError(e, true)).toContain('at ');
  });

  it('maps a failure tally did not foresee (a bug in tally) to exit 70, not to the provider failure 4', () => {
    expect(ExitCode.internal).toBe(70);
    expect(exitCodeOf(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(70);
    expect(exitCodeOf('thrown text')).toBe(70);
    expect(exitCodeOf(new ProviderError('GET /x: 502'))).toBe(4);
    expect(formatError(new TypeError('x is not a function'), false)).toBe(
      'tally: internal error: x is not a function\n  run again with --verbose for details, and report it if it persists\n',
    );
  });
});

describe('version', () => {
  it('matches package.json', () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });
});

describe('tables on a terminal', () => {
  it('fit the width by wrapping free text, never cutting amounts or ids', async () => {
    const { fitWidths } = await import('../../src/output/table.js');
    const columns = [{ header: 'ID' }, { header: 'AMOUNT', kind: 'amount' as const }, { header: 'DESCRIPTION', free: true }];
    const rows = [['clx1abc2def3ghi4jkl', '-123456789.12', 'a very long description '.repeat(5)]];
    const widths = fitWidths(columns, rows, 80);
    expect(widths.reduce((s: number, w) => s + (w ?? 0) + 1, 1)).toBeLessThanOrEqual(80);
    expect(widths[0]).toBe('clx1abc2def3ghi4jkl'.length + 2);
    expect(widths[1]).toBe('-123456789.12'.length + 2);
    expect(fitWidths(columns, [['a', '1', 'b']], 80)).toEqual([4, 8, 13]);
  });

  it('show provider text with its escape sequences dropped, in a boxed table and tab-separated alike', async () => {
    const { renderTable } = await import('../../src/output/table.js');
    for (const tty of [true, false]) {
      let out = '';
      const io = { stdoutIsTTY: tty, color: false, columns: 100, out: (t: string) => (out += t) } as unknown as IOStreams;
      await renderTable(
        io,
        [{ header: 'ID' }, { header: 'DESCRIPTION' }],
        [['1\u001b[2J', { text: 'refund \u001b]52;c;ZWNobw==\u0007done\nnext', tone: 'positive' }]],
      );
      // eslint-disable-next-line no-control-regex -- finding control characters is the point
      expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      expect(out).toContain('refund ]52;c;ZWNobw==done next');
      expect(out).toContain('1[2J');
      if (tty) expect(out).not.toContain('\t');
      else expect(out).toBe('ID\tDESCRIPTION\n1[2J\trefund ]52;c;ZWNobw==done next\n');
    }
  });
});

describe('UTF-8 decoding of bodies', () => {
  it('gives exactly what Buffer#toString does, for valid and broken UTF-8 alike', () => {
    let seed = 3;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    const pieces = ['{"note":"', 'plain ascii text ', '—', 'é', '€', '𝄞', '\uFEFF', '"}', '\n'].map((t) => Buffer.from(t));
    const differ: string[] = [];
    for (let i = 0; i < 400; i++) {
      const parts: Buffer[] = [];
      const count = next() % 600;
      for (let k = 0; k < count; k++) {
        const r = next() % 100;
        // mostly text, now and then a random (often invalid) byte, or a character cut short
        if (r < 3) parts.push(Buffer.from([next() % 256]));
        else if (r < 5) parts.push(Buffer.from('𝄞').subarray(0, 1 + (next() % 3)));
        else parts.push(pieces[next() % pieces.length] as Buffer);
      }
      const bytes = Buffer.concat(parts);
      const expected = bytes.toString('utf8').replace(/^\uFEFF/, '');
      if (decodeUtf8(bytes) !== expected) differ.push(bytes.toString('hex'));
    }
    expect(differ).toEqual([]);
    expect(decodeUtf8(Buffer.from('\uFEFF{"a":1}'))).toBe('{"a":1}');
    expect(decodeUtf8(new Uint8Array(0))).toBe('');
  });
});
