// Table rows as the prediction worker sends them, for the page's unit tests.
import type { ResultRow } from '../../src/ui/worker/protocol';

/** Row `id` (record `id` of x.smi): predicted gap ± 0.1 eV, or an error row when gap is undefined. */
export function resultRow(id: number, gap?: number, extra: Partial<ResultRow> = {}): ResultRow {
  return {
    id,
    source: 'x.smi',
    record: id,
    name: `m${id}`,
    status: gap === undefined ? 'error' : 'predicted',
    warnings: [],
    ...(gap === undefined
      ? {}
      : { prediction: { values: { gap }, std: { gap: 0.1 }, warnings: [] } }),
    ...extra,
  };
}
