// The position of a JSON syntax error, named without quoting the text: agrees with JSON.parse on what is JSON.
import { describe, expect, it } from 'vitest';
import { describeJsonError, jsonErrorOffset, lineAndColumn } from '../../src/core/json-position.js';

const parses = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

const SAMPLE = `{\n  "defaultProfile": "work",\n  "profiles": {\n    "work": {"provider": "conduit", "key": "sk-\\u00e9\\n", "min": "10", "minDays": 7.5e0},\n    "x": [true, false, null, -0.5, [], {}, [1, [2, {"a": "b"}]]]\n  }\n}\n`;

describe('jsonErrorOffset', () => {
  it('takes every text JSON.parse takes, and refuses every one it refuses, over every one-character cut, doubling and change of a config', () => {
    expect(parses(SAMPLE)).toBe(true);
    expect(jsonErrorOffset(SAMPLE)).toBeNull();
    const variants: string[] = [];
    for (let i = 0; i <= SAMPLE.length; i++) {
      variants.push(
        SAMPLE.slice(0, i) + SAMPLE.slice(i + 1),
        SAMPLE.slice(0, i) + SAMPLE.slice(i, i + 1) + SAMPLE.slice(i),
        SAMPLE.slice(0, i),
      );
      for (const c of ['"', ',', '}', ']', ':', 'x', '\\', '\t', '\u0001', '0', '-', '.', 'e'])
        variants.push(SAMPLE.slice(0, i) + c + SAMPLE.slice(i + 1));
    }
    for (const text of variants) expect(jsonErrorOffset(text) === null, JSON.stringify(text)).toBe(parses(text));
  });

  it('points at the first character that is wrong, or at the end when the text stops early', () => {
    expect(jsonErrorOffset('{"a": 1,}')).toBe(8);
    expect(jsonErrorOffset('{"a": sk-123}')).toBe(6);
    expect(jsonErrorOffset('[1, 2')).toBe(5);
    expect(jsonErrorOffset('{"a": "b\u0001"}')).toBe(8);
    expect(jsonErrorOffset('{} {}')).toBe(3);
    expect(jsonErrorOffset('\uFEFF{}')).toBe(0);
    // deep nesting is walked without recursion
    expect(jsonErrorOffset('['.repeat(200_000) + ']'.repeat(200_000))).toBeNull();
  });
});

describe('describeJsonError', () => {
  it('names the line and column, counting characters, not bytes', () => {
    expect(lineAndColumn('{\n  "é": x', 9)).toEqual({ line: 2, column: 8 });
    expect(describeJsonError('{\n  "é": x}')).toBe('not JSON at line 2, column 8');
    expect(describeJsonError('{\r\n  "a": [1,\r\n')).toBe('not JSON: it ends at line 3, column 1 before the JSON does');
  });

  it('says a file is empty or blank rather than naming a position in it', () => {
    expect(describeJsonError('')).toBe('not JSON: it is empty');
    expect(describeJsonError(' \n')).toBe('not JSON: it holds only blank space');
  });
});
