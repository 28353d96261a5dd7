// vitest global setup: builds dist/ before any test runs when it is older than the source, so the e2e
// tests, which run the built bin/tally.js, test today's code however the suite is started
// (`npx vitest run test/e2e/ledger.test.ts` too). test/e2e/build.test.ts checks what this ensures.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

/** Source files (relative to src/) with the dist/ file each compiles to. */
export function compiledFiles(): Array<{ source: string; built: string }> {
  return readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ source: join(ROOT, 'src', f), built: join(ROOT, 'dist', f.replace(/\.ts$/, '.js')) }));
}

/** Source files whose compiled file is missing or older than them, or than the compiler settings. */
export function staleFiles(): string[] {
  const mtime = (path: string) => statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? -1;
  const settings = Math.max(mtime(join(ROOT, 'tsconfig.json')), mtime(join(ROOT, 'tsconfig.build.json')));
  return compiledFiles()
    .filter(({ source, built }) => mtime(built) < Math.max(mtime(source), settings))
    .map(({ source }) => source.slice(ROOT.length + 1));
}

export default function build(): void {
  // a full build costs ~12 s of CPU here, so a dist/ newer than every source file is kept (tsc's own
  // incremental mode decides by content hashes kept aside, and does not rewrite a deleted output)
  if (staleFiles().length === 0) return;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: Buffer | string; stderr?: Buffer | string };
    throw new Error(`the build before the tests failed (tsc -p tsconfig.build.json):\n${String(stdout)}${String(stderr)}`);
  }
}
