#!/usr/bin/env node
// The executable: hands argv to the built CLI. `--version` alone skips loading the CLI: startup is a feature.
import module from 'node:module';
import v8 from 'node:v8';

// Node 22+ caches compiled code between runs; Node 20 has no such call and skips it.
module.enableCompileCache?.();
// undici parses HTTP with a WebAssembly module; tiering it up to TurboFan costs ~250 ms of CPU and ~35 MB
// at every run, more than a whole export spends parsing with the baseline compiler.
v8.setFlagsFromString('--liftoff-only');
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { VERSION } = await import('../dist/version.js');
  process.stdout.write(`${VERSION}\n`);
} else {
  const { main } = await import('../dist/cli.js');
  await main(process.argv);
}
