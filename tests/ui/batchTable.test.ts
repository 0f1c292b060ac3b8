// The results table's order: sortRows leaves rows already in order alone (the store keeps input
// order, so a job's new rows need no sort) and sorts any other order like compareRows.
import { describe, expect, it } from 'vitest';
import { compareRows, sortRows, type SortOrder } from '../../src/ui/components/BatchTable';
import type { ResultRow } from '../../src/ui/worker/protocol';

function row(id: number, gap?: number): ResultRow {
  return {
    id,
    source: 'test',
    record: id,
    name: `m${id}`,
    status: gap === undefined ? 'error' : 'predicted',
    warnings: [],
    prediction:
      gap === undefined
        ? undefined
        : {
            values: { gap },
            std: {},
            uncertaintyCapped: [],
            belowBound: [],
            warnings: [],
            interval90: {},
          },
  };
}

const byId: SortOrder = { key: 'id', descending: false };
const byGapDown: SortOrder = { key: 'gap', descending: true };

describe('sortRows', () => {
  it('returns rows already in order as they are', () => {
    const rows = [row(1, 5), row(2, 3), row(3)];
    const sorted = sortRows(rows, byId);
    expect(sorted).toBe(rows);
    expect(sorted.map((r) => r.id)).toEqual([1, 2, 3]);
  });

  it('sorts any other order as compareRows does, rows without a value last', () => {
    const rows = [row(1, 3), row(2), row(3, 7), row(4, 3), row(5, 5)];
    const expected = [...rows].sort((a, b) => compareRows(a, b, byGapDown)).map((r) => r.id);
    expect(sortRows([...rows], byGapDown).map((r) => r.id)).toEqual(expected);
    expect(expected).toEqual([3, 5, 1, 4, 2]);
    expect(sortRows([row(3), row(1), row(2)], byId).map((r) => r.id)).toEqual([1, 2, 3]);
  });
});
