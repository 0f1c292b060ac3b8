// The results table's order: sortRows leaves rows already in order alone (the store keeps input
// order, so a job's new rows need no sort) and sorts any other order like compareRows.
import { describe, expect, it } from 'vitest';
import { compareRows, sortRows, type SortOrder } from '../../src/ui/components/BatchTable';
import { resultRow } from '../helpers/resultRows';

const byId: SortOrder = { key: 'id', descending: false };
const byGapDown: SortOrder = { key: 'gap', descending: true };

describe('sortRows', () => {
  it('returns rows already in order as they are', () => {
    const rows = [resultRow(1, 5), resultRow(2, 3), resultRow(3)];
    const sorted = sortRows(rows, byId);
    expect(sorted).toBe(rows);
    expect(sorted.map((r) => r.id)).toEqual([1, 2, 3]);
  });

  it('sorts any other order as compareRows does, rows without a value last', () => {
    const rows = [resultRow(1, 3), resultRow(2), resultRow(3, 7), resultRow(4, 3), resultRow(5, 5)];
    const expected = [...rows].sort((a, b) => compareRows(a, b, byGapDown)).map((r) => r.id);
    expect(sortRows([...rows], byGapDown).map((r) => r.id)).toEqual(expected);
    expect(expected).toEqual([3, 5, 1, 4, 2]);
    expect(sortRows([resultRow(3), resultRow(1), resultRow(2)], byId).map((r) => r.id)).toEqual([
      1, 2, 3,
    ]);
  });
});

describe('sorting a property column', () => {
  const rows = [
    resultRow(1, undefined),
    resultRow(2, 5),
    resultRow(3, 9),
    resultRow(4, undefined),
    resultRow(5, 7),
  ];
  it.each([false, true])('keeps rows without a value last (descending: %s)', (descending) => {
    const order = [...rows].sort((a, b) => compareRows(a, b, { key: 'gap', descending }));
    expect(order.map((r) => r.id)).toEqual(descending ? [3, 5, 2, 1, 4] : [2, 5, 3, 1, 4]);
  });
});
