// JSON and NDJSON renderers: decimals serialise as strings through Decimal.toJSON.
import type { IOStreams } from '../core/io.js';

export function writeJson(io: IOStreams, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}
