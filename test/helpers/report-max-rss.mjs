// Preloaded (node --import) into a tally a test drives: at exit, writes the process's peak resident set size
// (KiB, getrusage's ru_maxrss) to the file named in TALLY_TEST_MAX_RSS, for the memory budget tests.
import { writeFileSync } from 'node:fs';
import process from 'node:process';

const report = process.env.TALLY_TEST_MAX_RSS;
if (report) process.on('exit', () => writeFileSync(report, String(process.resourceUsage().maxRSS)));
