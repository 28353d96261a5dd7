// Where a JSON text stops being JSON, as a line and column: for messages about a local file that must
// not quote it (it may hold a key, or be another file reached through a symlink).

/** The offset of the first character that makes `text` not JSON (text.length when it ends too early), or null when it is JSON. */
export function jsonErrorOffset(text: string): number | null {
  let i = 0;
  /** The open arrays and objects, innermost last. */
  const open: Array<'[' | '{'> = [];
  const skipSpace = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  /** A string at i: true with i past it, or false with i at the fault. */
  const string = (): boolean => {
    i++;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 0x5c) {
        const next = text[i + 1];
        if (next !== undefined && '"\\/bfnrt'.includes(next)) i += 2;
        else if (next === 'u') {
          for (let k = 2; k < 6; k++) {
            if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) {
              i += k;
              return false;
            }
          }
          i += 6;
        } else {
          i++;
          return false;
        }
      } else i++;
    }
    return false;
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  /** A string, number or literal at i: true with i past it, or false with i at the fault. */
  const scalar = (): boolean => {
    if (text[i] === '"') return string();
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return true;
      }
    }
    NUMBER.lastIndex = i;
    if (!NUMBER.test(text)) return false;
    i = NUMBER.lastIndex;
    return true;
  };
  let expect: 'value' | 'first value' | 'key' | 'first key' | 'after value' = 'value';
  for (;;) {
    skipSpace();
    if (expect === 'value' || expect === 'first value') {
      if (expect === 'first value' && text[i] === ']') {
        open.pop();
        i++;
        expect = 'after value';
      } else if (text[i] === '[' || text[i] === '{') {
        open.push(text[i] as '[' | '{');
        expect = text[i] === '[' ? 'first value' : 'first key';
        i++;
      } else if (scalar()) expect = 'after value';
      else return i;
      continue;
    }
    if (expect === 'key' || expect === 'first key') {
      if (expect === 'first key' && text[i] === '}') {
        open.pop();
        i++;
        expect = 'after value';
        continue;
      }
      if (text[i] !== '"' || !string()) return i;
      skipSpace();
      if (text[i] !== ':') return i;
      i++;
      expect = 'value';
      continue;
    }
    const inner = open.at(-1);
    if (inner === undefined) return i < text.length ? i : null;
    if (text[i] === ',') {
      i++;
      expect = inner === '[' ? 'value' : 'key';
    } else if (text[i] === (inner === '[' ? ']' : '}')) {
      open.pop();
      i++;
    } else return i;
  }
}

/** Line and column (from 1, counted in characters) of an offset into `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  let line = 1;
  for (let at = before.indexOf('\n'); at >= 0; at = before.indexOf('\n', at + 1)) line++;
  return { line, column: [...before.slice(lineStart)].length + 1 };
}

/** What is wrong with a text JSON.parse refused, by position only: "not JSON at line 3, column 14". */
export function describeJsonError(text: string): string {
  if (text.trim() === '') return text === '' ? 'not JSON: it is empty' : 'not JSON: it holds only blank space';
  const offset = jsonErrorOffset(text);
  // JSON.parse refused it: a text this scanner takes is still not JSON, without a place to name
  if (offset === null) return 'not JSON';
  const { line, column } = lineAndColumn(text, offset);
  return offset >= text.length
    ? `not JSON: it ends at line ${line}, column ${column} before the JSON does`
    : `not JSON at line ${line}, column ${column}`;
}
