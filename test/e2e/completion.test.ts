// Shell completion: generated from the command tree, kept in completions/, and working in real bash, zsh and fish
// (under CI=true a shell that is missing fails its tests, naming the Debian package; elsewhere they are skipped).
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { spawn } from 'node-pty';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plain } from '../helpers/pty.js';
import { BIN, tally, tempConfigDir, waitFor } from '../helpers/tally.js';
import { installed } from '../helpers/tools.js';

const COMPLETIONS = resolve(import.meta.dirname, '../../completions');
const ENTRY_TYPES = ['purchase', 'usage', 'refund', 'credit', 'debit', 'adjustment', 'subscription'];

/** A saved-profiles config (work, home) and `tally` on PATH, as an installed user has it: profile names are read at completion time. */
function userSetup() {
  const cfg = tempConfigDir();
  const key = 'sk-0123456789abcdef';
  writeFileSync(
    join(cfg.dir, 'config.json'),
    JSON.stringify({ profiles: { work: { provider: 'conduit', key }, home: { provider: 'conduit', key } } }),
  );
  const bin = join(cfg.dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'tally'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(bin, 'tally'), 0o755);
  // files for the flags that take one
  mkdirSync(join(cfg.dir, 'files'));
  for (const f of ['export-a.csv', 'export-b.csv']) writeFileSync(join(cfg.dir, 'files', f), '');
  const env = { PATH: `${bin}:${process.env.PATH}`, TALLY_CONFIG_DIR: cfg.dir, HOME: cfg.dir, TERM: 'xterm' };
  return { ...cfg, env };
}

/**
 * userSetup, with profiles whose names are shell code beside work and home in the config (a hand edit), and a
 * `tally` in fakeEnv's PATH that lists such names as they are (a tally that did not skip them): each name, run by
 * a shell, creates a file pwned-N in the config dir.
 */
function hostileSetup() {
  const cfg = userSetup();
  const key = 'sk-0123456789abcdef';
  const names = [
    `$(touch\${IFS}${cfg.dir}/pwned-1)`,
    `\`touch ${cfg.dir}/pwned-2\``,
    `w;touch\${IFS}${cfg.dir}/pwned-3`,
    `$(touch ${cfg.dir}/pwned-4)`,
    '*',
  ];
  const profiles = Object.fromEntries(['work', 'home', ...names].map((n) => [n, { provider: 'conduit', key }]));
  writeFileSync(join(cfg.dir, 'config.json'), JSON.stringify({ profiles }));
  const fake = join(cfg.dir, 'fakebin');
  mkdirSync(fake);
  writeFileSync(
    join(fake, 'tally'),
    `#!/bin/sh\nprintf 'NAME\\tPROVIDER\\n'\nprintf '%s\\tconduit\\n' work home ${names.map((n) => `'${n}'`).join(' ')}\n`,
  );
  chmodSync(join(fake, 'tally'), 0o755);
  return {
    ...cfg,
    fakeEnv: { ...cfg.env, PATH: `${fake}:${process.env.PATH}` },
    pwned: () => readdirSync(cfg.dir).filter((n) => n.startsWith('pwned')),
  };
}

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
  let cfg: ReturnType<typeof userSetup>;
  beforeAll(() => {
    cfg = userSetup();
  });
  afterAll(() => cfg.cleanup());

  /** Sources the script, sets COMP_WORDS/COMP_CWORD as bash would, calls the function, returns COMPREPLY. */
  async function complete(...words: string[]): Promise<string[]> {
    return completeIn(cfg.env, ...words);
  }

  async function completeIn(env: Record<string, string>, ...words: string[]): Promise<string[]> {
    const quoted = words.map((w) => `'${w}'`).join(' ');
    const script = `source '${join(COMPLETIONS, 'tally.bash')}'; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _tally; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const r = await execa('bash', ['-c', script], {
      env,
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

  it('completes the profile a profiles command takes, and offers no files when none matches', async () => {
    for (const command of ['use', 'remove', 'rm'])
      expect((await complete('tally', 'profiles', command, '')).sort()).toEqual(['home', 'work']);
    expect(await complete('tally', 'profiles', 'use', 'h')).toEqual(['home']);
    expect(await complete('tally', 'profiles', 'use', 'zz')).toEqual([]);
  });

  it("completes only a command's first argument: no second profile after `profiles show work`, no taken name for rename's new one", async () => {
    expect(await complete('tally', 'profiles', 'rename', 'work', '')).toEqual([]);
    expect(await complete('tally', 'profiles', 'show', 'work', '')).toEqual([]);
    expect(await complete('tally', '-p', 'home', 'profiles', 'use', 'work', '')).toEqual([]);
    expect(await complete('tally', 'help', 'exit-codes', '')).toEqual([]);
    expect((await complete('tally', '-p', 'home', 'profiles', 'rename', '')).sort()).toEqual(['home', 'work']);
    // bash splits --profile=home at the =: the value is no argument of the command that follows
    expect((await complete('tally', '--profile', '=', 'home', 'profiles', 'use', '')).sort()).toEqual(['home', 'work']);
  });

  it("completes help's topics and commands, and --type's entry types", async () => {
    expect(await complete('tally', 'help', '')).toEqual(expect.arrayContaining(['exit-codes', 'environment', 'ledger', 'reconcile']));
    expect(await complete('tally', 'help', 'ex')).toEqual(['exit-codes']);
    expect(await complete('tally', 'ledger', 'list', '--type', '')).toEqual(ENTRY_TYPES);
    expect(await complete('tally', 'ledger', 'export', '--type', 'ref')).toEqual(['refund']);
  });

  it('completes files for the flags that take one, and only for those', async () => {
    const files = join(cfg.dir, 'files');
    expect((await complete('tally', 'ledger', 'export', '--out', `${files}/`)).sort()).toEqual([
      `${files}/export-a.csv`,
      `${files}/export-b.csv`,
    ]);
    expect(await complete('tally', 'reconcile', '--file', `${files}/export-a`)).toEqual([`${files}/export-a.csv`]);
    expect(await complete('tally', 'ledger', 'export', '--since', `${files}/`)).toEqual([]);
  });

  it('never runs a profile name as code: names such as $(touch …) in the config, or in what tally lists, are not offered', async () => {
    const hostile = hostileSetup();
    try {
      for (const env of [hostile.env, hostile.fakeEnv]) {
        expect((await completeIn(env, 'tally', '-p', '')).sort()).toEqual(['home', 'work']);
        expect(await completeIn(env, 'tally', '--profile', 'w')).toEqual(['work']);
        expect((await completeIn(env, 'tally', 'profiles', 'use', '')).sort()).toEqual(['home', 'work']);
        expect(await completeIn(env, 'tally', 'profiles', 'use', '$')).toEqual([]);
      }
      expect(hostile.pwned()).toEqual([]);
    } finally {
      hostile.cleanup();
    }
  });

  it('works as the install lines set it up, in an interactive bash without the bash-completion package: sourced from ~/.bashrc', async () => {
    writeFileSync(join(cfg.dir, '.tally-completion.bash'), readFileSync(join(COMPLETIONS, 'tally.bash')));
    writeFileSync(join(cfg.dir, '.bashrc'), "PS1='$ '\nsource ~/.tally-completion.bash\n");
    const screen = await inPty('bash', ['--rcfile', join(cfg.dir, '.bashrc'), '-i'], cfg.env, '$ ', [
      'type -t _init_completion || echo "no bash-completion here"\r',
      'tally profiles use \t\t',
    ]);
    expect(screen).toContain('no bash-completion here');
    expect(screen).toMatch(/home\s+work/);
  });
});

/**
 * Runs an interactive shell in a pseudo-terminal and types each of `keys` once it shows `prompt` after the
 * previous, then kills the line and prints a marker: the shell reads keys in order, so once the marker shows,
 * every completion typed before it has run. Returns the screen.
 */
async function inPty(shell: string, args: string[], env: Record<string, string>, prompt: string, keys: string[]): Promise<string> {
  const child = spawn(shell, args, { cols: 200, rows: 50, env });
  let screen = '';
  child.onData((d) => {
    screen += d;
  });
  const exited = new Promise<void>((resolve) => child.onExit(() => resolve()));
  try {
    let shown = 0;
    for (const k of keys) {
      await waitFor(`a ${shell} prompt; it shows ${JSON.stringify(plain(screen).slice(-300))}`, () =>
        plain(screen).slice(shown).endsWith(prompt),
      );
      shown = plain(screen).length;
      child.write(k);
    }
    child.write('\x15echo COMPLETION-""DONE\r');
    await waitFor(`${shell} to finish; it shows ${JSON.stringify(plain(screen).slice(-300))}`, () =>
      plain(screen).includes('COMPLETION-DONE'),
    );
    return plain(screen);
  } finally {
    child.kill();
    // gone before its directory is removed
    await exited;
  }
}

const hasZsh = installed('zsh', 'zsh');
describe.runIf(hasZsh || process.env.CI === 'true')('zsh completion, for real', () => {
  let cfg: ReturnType<typeof userSetup>;
  beforeAll(() => {
    if (!hasZsh) throw new Error('zsh is not installed: CI needs the Debian package zsh (.ci/run installs it)');
    cfg = userSetup();
  });
  afterAll(() => cfg?.cleanup());

  /**
   * Types `line` and Tab into an interactive zsh with compinit and the script installed as `how` says, and returns the
   * matches zsh's completion system added: a compadd wrapper records what the builtin would show.
   */
  async function complete(line: string, how: 'fpath' | 'source' = 'fpath', env = cfg.env): Promise<string[]> {
    const capture = join(cfg.dir, 'capture');
    writeFileSync(capture, '');
    // ZDOTDIR's .zshrc and no global ones: nothing but this setup
    const rc = join(cfg.dir, '.zshrc');
    writeFileSync(
      rc,
      [
        "PS1='> '",
        how === 'fpath' ? `fpath=(${COMPLETIONS} $fpath)` : '',
        'autoload -Uz compinit && compinit -u -D',
        how === 'source' ? `source ${join(COMPLETIONS, '_tally')}` : '',
        'compadd() {',
        '  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\\ * ]]; then builtin compadd "$@"; return $?; fi',
        '  local -a hits',
        '  builtin compadd -A hits "$@"',
        `  (( $#hits )) && print -rl -- $hits >> ${capture}`,
        '  builtin compadd "$@"',
        '}',
        '',
      ].join('\n'),
    );
    await inPty('zsh', ['--no-globalrcs', '-i'], { ...env, ZDOTDIR: cfg.dir }, '> ', [`${line}\t`]);
    return readFileSync(capture, 'utf8').split('\n').filter(Boolean);
  }

  it('completes commands and subcommands, installed in fpath or sourced', async () => {
    for (const how of ['fpath', 'source'] as const) {
      expect(await complete('tally pro', how)).toEqual(['providers', 'profiles']);
      expect(await complete('tally ledger ', how)).toEqual(['list', 'export']);
    }
  });

  it('completes flags and their values', async () => {
    expect(await complete('tally balance --m')).toEqual(['--min', '--min-days']);
    expect(await complete('tally usage --by ')).toEqual(['model', 'day', 'product']);
    expect(await complete('tally ledger list --type ')).toEqual(ENTRY_TYPES);
  });

  it('completes saved profile names for --profile and for the profiles commands', async () => {
    expect((await complete('tally -p ')).sort()).toEqual(['home', 'work']);
    expect((await complete('tally profiles use ')).sort()).toEqual(['home', 'work']);
    expect(await complete('tally profiles remove w')).toEqual(['work']);
  });

  it("completes only a command's first argument: no second profile after `profiles show work`, no taken name for rename's new one", async () => {
    expect(await complete('tally profiles rename work ')).toEqual([]);
    expect(await complete('tally profiles show work ')).toEqual([]);
    expect(await complete('tally help exit-codes ')).toEqual([]);
    expect((await complete('tally -p home profiles rename ')).sort()).toEqual(['home', 'work']);
  });

  it("completes help's topics and commands", async () => {
    expect(await complete('tally help ')).toEqual(expect.arrayContaining(['exit-codes', 'environment', 'ledger']));
    expect(await complete('tally help env')).toEqual(['environment']);
  });

  it('completes files for --out', async () => {
    expect((await complete(`tally ledger export --out ${join(cfg.dir, 'files')}/`)).sort()).toEqual(['export-a.csv', 'export-b.csv']);
  });

  it('never runs a profile name as code: names such as $(touch …) in the config, or in what tally lists, are not offered', async () => {
    const hostile = hostileSetup();
    try {
      for (const env of [hostile.env, hostile.fakeEnv]) {
        expect((await complete('tally -p ', 'fpath', env)).sort()).toEqual(['home', 'work']);
        expect((await complete('tally profiles use ', 'source', env)).sort()).toEqual(['home', 'work']);
      }
      expect(hostile.pwned()).toEqual([]);
    } finally {
      hostile.cleanup();
    }
  });
});

const hasFish = installed('fish', 'fish');
describe.runIf(hasFish || process.env.CI === 'true')('fish completion, for real', () => {
  let cfg: ReturnType<typeof userSetup>;
  beforeAll(() => {
    if (!hasFish) throw new Error('fish is not installed: CI needs the Debian package fish (.ci/run installs it)');
    cfg = userSetup();
  });
  afterAll(() => cfg?.cleanup());

  /** What fish offers for `line` (`complete -C`), the script sourced as an installed one is. */
  async function complete(line: string, env = cfg.env): Promise<string[]> {
    const script = `source ${join(COMPLETIONS, 'tally.fish')}; complete -C ${JSON.stringify(line)}`;
    const r = await execa('fish', ['--no-config', '-c', script], { env, extendEnv: false, reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    return r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t')[0] as string);
  }

  it('completes commands and subcommands', async () => {
    expect(await complete('tally pro')).toEqual(['profiles', 'providers']);
    expect(await complete('tally ledger ')).toEqual(['export', 'list']);
  });

  it('completes flags and their values', async () => {
    expect(await complete('tally balance --m')).toEqual(['--min', '--min-days']);
    expect(await complete('tally usage --by ')).toEqual(['day', 'model', 'product']);
    expect(await complete('tally ledger list --type ')).toEqual([...ENTRY_TYPES].sort());
  });

  it('completes saved profile names for --profile and for the profiles commands, and no files', async () => {
    expect(await complete('tally -p ')).toEqual(['home', 'work']);
    expect(await complete('tally profiles use ')).toEqual(['home', 'work']);
    expect(await complete('tally profiles remove w')).toEqual(['work']);
  });

  it("completes only a command's first argument: no second profile after `profiles show work`, no taken name for rename's new one", async () => {
    expect(await complete('tally profiles rename work ')).toEqual([]);
    expect(await complete('tally profiles show work ')).toEqual([]);
    expect(await complete('tally help exit-codes ')).toEqual([]);
    expect((await complete('tally -p home profiles rename ')).sort()).toEqual(['home', 'work']);
  });

  it("completes help's topics and commands", async () => {
    expect(await complete('tally help ')).toEqual(expect.arrayContaining(['exit-codes', 'environment', 'ledger']));
    expect(await complete('tally help env')).toEqual(['environment']);
  });

  it('completes files for --out', async () => {
    const files = join(cfg.dir, 'files');
    expect(await complete(`tally ledger export --out ${files}/`)).toEqual([`${files}/export-a.csv`, `${files}/export-b.csv`]);
  });

  it('never runs a profile name as code: names such as $(touch …) in the config, or in what tally lists, are not offered', async () => {
    const hostile = hostileSetup();
    try {
      for (const env of [hostile.env, hostile.fakeEnv]) {
        expect(await complete('tally -p ', env)).toEqual(['home', 'work']);
        expect(await complete('tally profiles use ', env)).toEqual(['home', 'work']);
      }
      expect(hostile.pwned()).toEqual([]);
    } finally {
      hostile.cleanup();
    }
  });
});
