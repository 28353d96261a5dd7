// Outside tools the tests drive for real (zsh, fish, hledger, bean-check, Debian's Python with openpyxl): under
// CI=true a missing tool fails the tests that need it, naming its Debian package; elsewhere they are skipped
// with the reason printed, so `npm test` still passes on a fresh machine.
import { spawnSync } from 'node:child_process';
import { beforeAll, describe } from 'vitest';

const ON_CI = process.env.CI === 'true';

/** Whether `probe` (a shell command) succeeds; off CI a missing tool is reported as skipped. */
export function installed(what: string, debianPackage: string, probe = `command -v ${what}`): boolean {
  const found = spawnSync('sh', ['-c', probe], { stdio: 'ignore' }).status === 0;
  if (!found && !ON_CI) console.warn(`skipping the ${what} tests: ${what} is not installed (Debian package ${debianPackage})`);
  return found;
}

/** A describe block that runs when the tool is there, and under CI fails at once when it is not. */
export function describeWithTool(what: string, debianPackage: string, name: string, body: () => void, probe?: string): void {
  const found = installed(what, debianPackage, probe);
  describe.runIf(found || ON_CI)(name, () => {
    beforeAll(() => {
      if (!found) throw new Error(`${what} is not installed: CI needs the Debian package ${debianPackage} (.ci/run installs it)`);
    });
    body();
  });
}
