// The shape of the source: completion and the CLI do not import each other, and no command knows a provider by name.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROVIDERS } from '../../src/providers/registry.js';

const SRC = resolve(import.meta.dirname, '../../src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** What a module loads at run time, static or dynamic (`import type` loads nothing), as paths under src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?'(\.[^']+)'/gm),
    ...text.matchAll(/\bimport\(\s*'(\.[^']+)'\s*\)/g),
  ].map((m) => m[1] as string);
  return specifiers.map((s) => relative(SRC, resolve(dirname(file), s.replace(/\.js$/, '.ts'))));
}

const graph = new Map(sources(SRC).map((f) => [relative(SRC, f), importsOf(f)]));

/** Every cycle, each as the path of modules from its first module back to it. */
function cycles(): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const visit = (node: string, stack: string[]) => {
    const at = stack.indexOf(node);
    if (at >= 0) {
      found.push([...stack.slice(at), node]);
      return;
    }
    if (done.has(node)) return;
    for (const next of graph.get(node) ?? []) visit(next, [...stack, node]);
    done.add(node);
  };
  for (const node of graph.keys()) visit(node, []);
  return found;
}

describe('the module graph', () => {
  it('reads the imports it checks (the test is not vacuous)', () => {
    expect(graph.get('cli.ts')).toContain('commands/index.ts');
    expect(graph.get('commands/index.ts')).toContain('commands/completion.command.ts');
    expect(graph.get('commands/completion.command.ts')).toContain('commands/completion.ts');
  });

  it('completion reads the command tree, not the CLI that registers it: no import cycle holds both, static or dynamic', () => {
    const through = cycles().filter((c) => c.includes('cli.ts') && c.includes('commands/completion.ts'));
    expect(through.map((c) => c.join(' → '))).toEqual([]);
  });
});

describe('reconcile', () => {
  const live = ['reconcile/check.ts', 'reconcile/checkpoint.ts', 'reconcile/file.ts', 'providers/session.ts'];

  it('the command chooses live, file or --all and prints: the flow (head re-reads, checkpoints, identities) lives in src/reconcile/', () => {
    const command = graph.get('commands/reconcile.ts') ?? [];
    expect(command).toContain('reconcile/live.ts');
    expect(command.filter((m) => live.includes(m))).toEqual([]);
    expect(graph.get('reconcile/live.ts')).toEqual(expect.arrayContaining(['reconcile/check.ts', 'reconcile/checkpoint.ts']));
    const offenders = sources(join(SRC, 'commands'))
      .filter((f) => /\bnew (ChainChecker|CheckpointStore)\b/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(SRC, f));
    expect(offenders).toEqual([]);
  });

  it("the chain checker takes its opening and closing from the statement's roll-forward, not a formula of its own", () => {
    expect(graph.get('reconcile/check.ts')).toContain('reconcile/rollforward.ts');
    const text = readFileSync(join(SRC, 'reconcile/check.ts'), 'utf8');
    expect(text).not.toMatch(/balanceAfter\.sub\(\w+\.amount\)/);
  });
});

describe('commands and providers', () => {
  it('no command compares a provider id with a literal: what differs lives in the provider info', () => {
    const ids = PROVIDERS.map((p) => p.id).join('|');
    const compare = new RegExp(`[=!]==?\\s*'(${ids})'|'(${ids})'\\s*[=!]==?`);
    const offenders = sources(join(SRC, 'commands'))
      .filter((f) => compare.test(readFileSync(f, 'utf8')))
      .map((f) => relative(SRC, f));
    expect(offenders).toEqual([]);
  });
});
