// Starts `tally sandbox` in its own process, as a user would, for the benchmarks.
import { spawn } from 'node:child_process';

/** The sandbox of the tally at `bin`, with `size` entries: its process, and the bytespike base URL and `ok` key. */
export async function startSandbox(bin, size) {
  const child = spawn(process.execPath, [bin, 'sandbox', '--port', '0', '--json', '--entries', String(size)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let text = '';
  for await (const chunk of child.stdout) {
    text += chunk;
    try {
      const info = JSON.parse(text);
      const spike = info.providers.find((p) => p.id === 'bytespike');
      return { child, baseUrl: spike.baseUrl, key: spike.accounts.find((a) => a.name === 'ok').key };
    } catch {
      // not all of it yet
    }
  }
  throw new Error('sandbox did not start');
}
