// Reading config.json: a broken file is named by its position, never quoted; what it holds is checked before use.
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tallyInProcess } from '../helpers/in-process.js';
import { tempConfigDir } from '../helpers/tally.js';

let cfg: { dir: string; cleanup: () => void };
let file: string;
beforeEach(() => {
  cfg = tempConfigDir();
  file = join(cfg.dir, 'config.json');
});
afterEach(() => cfg.cleanup());

const run = (args: string[], opts: { env?: Record<string, string>; input?: string } = {}) =>
  tallyInProcess(args, { configDir: cfg.dir, ...opts });

const BROKEN_HINT = '  fix it by hand or move it away; tally will not rewrite it while it is broken';

describe('a config file that is not JSON', () => {
  it('names the line and column of the error and never quotes the file, which holds a key', async () => {
    const key = 'sk-live-0123456789abcdef';
    writeFileSync(file, `{\n  "profiles": {\n    "work": { "provider": "conduit", "key": ${key} }\n  }\n}\n`);
    for (const args of [['balance'], ['profiles', 'list']]) {
      const r = await run(args);
      expect(r.exitCode).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`tally: config file ${file} is not valid: not JSON at line 3, column 45\n${BROKEN_HINT}`);
      expect(r.stderr).not.toContain('sk-live');
    }
  });

  it('names the position in a config.json that is a symlink to a file of other text, quoting none of it', async () => {
    const other = join(cfg.dir, 'passwd');
    writeFileSync(other, 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n');
    symlinkSync(other, file);
    const r = await run(['profiles', 'list']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(`tally: config file ${file} is not valid: not JSON at line 1, column 1\n${BROKEN_HINT}`);
    expect(r.stderr).not.toContain('root');
  });

  it('says where the text stops when it ends before the JSON does, and when the file is empty', async () => {
    writeFileSync(file, '{\n  "profiles": {\n    "work": { "provider": "conduit", "key": "sk-live-0123456789abcdef"');
    expect(await run(['balance'])).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: `tally: config file ${file} is not valid: not JSON: it ends at line 3, column 71 before the JSON does\n${BROKEN_HINT}`,
    });
    writeFileSync(file, '');
    expect(await run(['balance'])).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: `tally: config file ${file} is not valid: not JSON: it is empty\n${BROKEN_HINT}`,
    });
  });
});
