// Shell completion: generated from the command tree, kept in completions/, and working in a real bash.
import { mkdtempSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, tally, tempConfigDir } from '../helpers/tally.js';

const COMPLETIONS = resolve(import.meta.dirname, '../../completions');

describe('completion scripts', () => {
  it.each([
    ['bash', 'tally.bash'],
    ['zsh', '_tally'],
    ['fish', 'tally.fish'],
  ])('completions/%s matches what `tally completion %s` generates', async (shell, file) => {
    const r = await tally(['completion', shell], { stripFinalNewline: false });
    expect(r.exitCode).toBe(0);
    // if this fails: regenerate with `node bin/tally.js completion <shell> > completions/<file>`
    expect(readFileSync(join(COMPLETIONS, file), 'utf8')).toBe(r.stdout);
  });

  it('exits 2 for a shell it does not know', async () => {
    const r = await tally(['completion', 'tcsh']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('bash, zsh, fish');
  });
});

describe('bash completion, for real', () => {
  let cfg: { dir: string; cleanup: () => void };
  let pathDir: string;
  beforeAll(async () => {
    cfg = tempConfigDir();
    for (const name of ['work', 'home']) {
      await tally(['profiles', 'add', name, '--provider', 'conduit', '--key-stdin', '--no-verify'], {
        configDir: cfg.dir,
        input: 'sk-0123456789abcdef',
      });
    }
    // `tally` on PATH, as an installed user has it: profile names are read at completion time
    pathDir = mkdtempSync(join(tmpdir(), 'tally-path-'));
    writeFileSync(join(pathDir, 'tally'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(join(pathDir, 'tally'), 0o755);
  });
  afterAll(() => cfg.cleanup());

  /** Sources the script, sets COMP_WORDS/COMP_CWORD as bash would, calls the function, returns COMPREPLY. */
  async function complete(...words: string[]): Promise<string[]> {
    const quoted = words.map((w) => `'${w}'`).join(' ');
    const script = `source '${join(COMPLETIONS, 'tally.bash')}'; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _tally; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const r = await execa('bash', ['-c', script], {
      env: { PATH: `${pathDir}:${process.env.PATH}`, TALLY_CONFIG_DIR: cfg.dir, HOME: cfg.dir },
      extendEnv: false,
      reject: false,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    return r.stdout.split('\n').filter(Boolean);
  }

  it('completes commands and subcommands', async () => {
    expect(await complete('tally', '')).toEqual(expect.arrayContaining(['balance', 'ledger', 'reconcile', 'completion', 'help']));
    expect(await complete('tally', 'rec')).toEqual(['reconcile']);
    expect(await complete('tally', 'ledger', '')).toEqual(['list', 'export']);
    expect(await complete('tally', 'profiles', 'r')).toEqual(['rename', 'remove', 'rm']);
  });

  it("completes a command's flags with the global ones", async () => {
    const flags = await complete('tally', 'ledger', 'export', '--');
    expect(flags).toEqual(expect.arrayContaining(['--csv', '--ndjson', '--out', '--order', '--bom', '--since', '--json', '--provider']));
    expect(flags).not.toContain('--version');
    expect(await complete('tally', 'balance', '--m')).toEqual(['--min', '--min-days']);
  });

  it('completes flag values: providers, --order, --period, --by, shells', async () => {
    expect(await complete('tally', '--provider', '')).toEqual(['conduit', 'account-api', 'bytespike', 'conflux', 'indigenius']);
    expect(await complete('tally', 'ledger', 'export', '--order', '')).toEqual(['desc', 'asc']);
    expect(await complete('tally', 'usage', '--period', 'm')).toEqual(['monthly']);
    expect(await complete('tally', 'usage', '--by', '')).toEqual(['model', 'day', 'product']);
    expect(await complete('tally', 'completion', '')).toEqual(['bash', 'zsh', 'fish']);
  });

  it('completes profile names read from the config at completion time', async () => {
    expect((await complete('tally', '-p', '')).sort()).toEqual(['home', 'work']);
    expect(await complete('tally', '--profile', 'wo')).toEqual(['work']);
  });

  it('skips flag values when finding the command', async () => {
    expect(await complete('tally', '--provider', 'conduit', 'ledger', 'l')).toEqual(['list']);
  });
});
