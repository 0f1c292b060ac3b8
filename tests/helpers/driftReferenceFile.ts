// The drift reference a server test starts its app or process with.
import { writeFileSync } from 'node:fs';
import { computeDriftReference } from '../../src/stats';

/** Writes the drift reference of `graphs` with their `gaps` to `file` and returns `file`. */
export function writeDriftReference(
  file: string,
  graphs: Parameters<typeof computeDriftReference>[0],
  gaps: readonly number[],
): string {
  writeFileSync(file, JSON.stringify(computeDriftReference(graphs, gaps)));
  return file;
}
