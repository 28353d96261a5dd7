// Reading config.json: a broken file is named by its position, never quoted; what it holds is checked before use.
import { lstatSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
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

/** A config.json as a hand edit leaves it: the JSON text as given, nothing checked on the way in. */
const handEdited = (config: unknown) => writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
const configOf = () => JSON.parse(readFileSync(file, 'utf8')) as { defaultProfile?: string; profiles: Record<string, unknown> };

describe('profile names read from the config file', () => {
  const hostile = '$(touch${IFS}/tmp/pwned)';
  const nameRule = 'use letters, digits, ".", "_" or "-", starting with a letter or digit, at most 64 characters';

  it('skips a profile whose name `profiles add` would refuse, with a warning naming it, and never lists it', async () => {
    handEdited({
      defaultProfile: 'work',
      profiles: {
        work: { provider: 'conduit', key: 'sk-0123456789abcdef' },
        [hostile]: { provider: 'conduit', key: 'sk-0123456789abcdef' },
      },
    });
    const warning = `tally: warning: config file ${file}: profile "${hostile}" is skipped: not a valid name (${nameRule}); rename it there`;
    const list = await run(['profiles', 'list']);
    expect(list).toEqual({
      exitCode: 0,
      stdout: 'NAME\tPROVIDER\tBASE URL\tKEY\tDEFAULT\nwork\tconduit\thttps://conduit.im\tconfig ****cdef\t*',
      stderr: warning,
    });
    const json = await run(['profiles', 'list', '--json']);
    expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ name: 'work' })]);
    expect(json.stderr).toBe(warning);
    const picked = await run(['-p', hostile, 'profiles', 'show', hostile]);
    expect(picked.exitCode).toBe(2);
    expect(picked.stderr).toBe(`${warning}\ntally: no profile named "${hostile}" in ${file}\n  see \`tally profiles list\``);
  });

  it('shows a skipped name with its control characters removed', async () => {
    handEdited({ profiles: { 'evil\u001b]0;owned\u0007\nname': { provider: 'conduit' } } });
    const r = await run(['profiles', 'list', '--json']);
    expect(r).toEqual({
      exitCode: 0,
      stdout: '[]',
      stderr: `tally: warning: config file ${file}: profile "evil]0;owned name" is skipped: not a valid name (${nameRule}); rename it there`,
    });
  });

  it('keeps a skipped profile in the file, as it was, when another profile is added or removed', async () => {
    const kept = { provider: 'conduit', key: 'sk-0123456789abcdef', anything: [1, 2] };
    handEdited({ profiles: { 'my work': kept, home: { provider: 'conduit', key: 'sk-fedcba9876543210' } } });
    const add = await run(['profiles', 'add', 'office', '--provider', 'conflux', '--key-stdin', '--no-verify'], { input: 'k-0123456789' });
    expect(add.exitCode, add.stderr).toBe(0);
    expect((await run(['profiles', 'remove', 'home'])).exitCode).toBe(0);
    expect(configOf().profiles).toEqual({ office: expect.objectContaining({ provider: 'conflux' }), 'my work': kept });
  });
});

describe('fields the config file does not have', () => {
  it('refuses a mistyped top-level key with exit 2, naming it and the key it is near, instead of reading no profiles', async () => {
    handEdited({ profile: { work: { provider: 'conduit', key: 'sk-0123456789abcdef' } } });
    for (const args of [['profiles', 'list'], ['balance']]) {
      expect(await run(args)).toEqual({
        exitCode: 2,
        stdout: '',
        stderr: `tally: config file ${file} is not valid: unknown field "profile" (did you mean "profiles"?)\n${BROKEN_HINT}`,
      });
    }
    // the next `profiles add` must not replace the file that holds the mistyped profile
    const before = readFileSync(file, 'utf8');
    const add = await run(['profiles', 'add', 'home', '--provider', 'conduit', '--key-stdin', '--no-verify'], { input: 'sk-0123456789ab' });
    expect(add.exitCode).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('refuses a top-level key near none it knows, naming it', async () => {
    handEdited({ profiles: {}, colour: 'never' });
    expect(await run(['profiles', 'list'])).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: `tally: config file ${file} is not valid: unknown field "colour" (it has "defaultProfile" and "profiles")\n${BROKEN_HINT}`,
    });
  });

  it("refuses a mistyped field of a profile, which the next write would drop with the profile's key source", async () => {
    handEdited({ profiles: { work: { provider: 'conduit', keyenv: 'WORK_KEY' } } });
    expect(await run(['balance'])).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: `tally: config file ${file} is not valid: profile "work": unknown field "keyenv" (did you mean "keyEnv"?)\n${BROKEN_HINT}`,
    });
  });
});

describe('writing the config file', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('never writes the keys through a symlink planted at a temp name: the write picks an unguessable name and opens it exclusively', async () => {
    handEdited({ profiles: { home: { provider: 'conduit', key: 'sk-fedcba9876543210' } } });
    const victim = join(cfg.dir, 'victim');
    writeFileSync(victim, 'not yours');
    // the clock and Math.random held still, as a guesser would predict them: a name picked from them is planted
    vi.useFakeTimers({ now: new Date('2026-03-01T00:00:00Z'), toFake: ['Date'] });
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const predicted = `${file}.tmp-${String(Date.now()).slice(-10)}000000`;
    symlinkSync(victim, predicted);
    const add = await run(['profiles', 'add', 'work', '--provider', 'conduit', '--key-stdin', '--no-verify'], {
      input: 'sk-0123456789abcdef',
    });
    expect(add.exitCode, add.stderr).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('not yours');
    expect(lstatSync(predicted).isSymbolicLink()).toBe(true);
    expect(lstatSync(file).isFile()).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Object.keys(configOf().profiles)).toEqual(['home', 'work']);
  });
});
