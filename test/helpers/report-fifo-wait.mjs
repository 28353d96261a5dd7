// Preloaded (node --import) into a tally a test drives: when tally finds a FIFO with no reader (a
// non-blocking open fails with ENXIO, and it will look again), it creates the file named in
// TALLY_TEST_FIFO_WAITING, so the test acts once tally waits there rather than after a guessed sleep.
import fs, { writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import process from 'node:process';

const marker = process.env.TALLY_TEST_FIFO_WAITING;
if (marker) {
  const openSync = fs.openSync;
  fs.openSync = function (...args) {
    try {
      return openSync.apply(this, args);
    } catch (error) {
      if (error?.code === 'ENXIO') writeFileSync(marker, '');
      throw error;
    }
  };
  syncBuiltinESMExports(); // `import { openSync } from 'node:fs'` in tally sees the wrapper too
}
