// Evidently's method choice and cut-offs at their exact boundaries. Every case is small enough
// to check by hand; SciPy agrees on the two boundary statistics (noted where used).
import { describe, expect, it } from 'vitest';
import { DRIFT_RULES, columnDrift, tableDrift } from '../../src/stats';

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

describe('columnDrift method choice', () => {
  it.each([
    [[0, 1], [1, 0], 'ztest', 2],
    [[1, 2], [2, 3], 'chisquare', 3],
    [range(5, 1), range(5, 1), 'chisquare', 5],
    [range(5, 1), [6], 'ks', 6],
  ])('%j against %j: %s over %i distinct values', (reference, current, method, distinct) => {
    const result = columnDrift(reference, current);
    expect(result.method).toBe(method);
    expect(result.distinctValues).toBe(distinct);
    expect(result.referenceRows).toBe(reference.length);
    expect(result.currentRows).toBe(current.length);
    expect(result.threshold).toBe(DRIFT_RULES.pValueThreshold);
  });

  it('uses p-value tests up to 1000 reference rows and distances above', () => {
    const thousand = range(1000).map((i) => i / 1000);
    const small = columnDrift(thousand, thousand);
    expect(small).toEqual({
      method: 'ks',
      statistic: 0,
      pValue: 1,
      threshold: 0.05,
      drift: false,
      referenceRows: 1000,
      currentRows: 1000,
      distinctValues: 1000,
    });
    const large = columnDrift([...thousand, 2], thousand);
    expect(large.method).toBe('wasserstein');
    expect(large.threshold).toBe(0.1);
    expect('pValue' in large).toBe(false);
    expect(large.referenceRows).toBe(1001);
    const discrete = columnDrift([...Array(1001).fill(1), 2], [1, 2]);
    expect(discrete.method).toBe('jensenshannon');
    expect(discrete.distinctValues).toBe(2);
  });
});

describe('columnDrift cut-offs (Evidently: p < 0.05 drifts, distance >= 0.1 drifts)', () => {
  it('does not call a p-value of exactly 0.05 drift', () => {
    // One reference row below 39 current rows: 2 of the C(40, 1) orderings are as extreme,
    // p = 2/40 exactly (scipy.stats.ks_2samp(..., method='exact') gives 0.05 too).
    const result = columnDrift([0], range(39, 1));
    expect(result.method).toBe('ks');
    expect(result.statistic).toBe(1);
    expect(result.pValue).toBe(0.05);
    expect(result.drift).toBe(false);
  });

  it('calls a normalized Wasserstein distance of exactly 0.1 drift', () => {
    // Reference: 501 x -10 and 501 x 10 (std 10). Current: -11, -9, 9, 11. The CDFs differ
    // by 1/4 over four unit intervals, so W = 1 and W / std = 0.1 (SciPy: 1.0 and 0.1).
    const reference = [...Array(501).fill(-10), ...Array(501).fill(10)];
    const result = columnDrift(reference, [-11, -9, 9, 11]);
    expect(result.method).toBe('wasserstein');
    expect(result.distinctValues).toBe(6);
    expect(result.statistic).toBe(0.1);
    expect(result.drift).toBe(true);
  });
});

describe('tableDrift', () => {
  // Z-test columns: all zeros against all ones drifts (p ~ 1e-5); identical samples do not.
  const drifting = { reference: Array(10).fill(0), current: Array(10).fill(1) };
  const stable = { reference: [0, 1, 0, 1], current: [1, 0, 1, 0] };

  it('counts drifted columns and their share', () => {
    const result = tableDrift(
      { a: drifting.reference, b: stable.reference, c: stable.reference },
      { a: drifting.current, b: stable.current, c: stable.current },
    );
    expect(result.columns.a.drift).toBe(true);
    expect(result.columns.b.drift).toBe(false);
    expect(result.driftedColumns).toBe(1);
    expect(result.totalColumns).toBe(3);
    expect(result.share).toBe(1 / 3);
    expect(result.datasetDrift).toBe(false);
  });

  it('calls the dataset drifted when exactly half of its columns drift', () => {
    const result = tableDrift(
      { a: drifting.reference, b: stable.reference },
      { a: drifting.current, b: stable.current },
    );
    expect(result.share).toBe(0.5);
    expect(result.datasetDrift).toBe(true);
  });

  it('reports an empty table as not drifted', () => {
    expect(tableDrift({}, {})).toEqual({
      columns: {},
      driftedColumns: 0,
      totalColumns: 0,
      share: 0,
      datasetDrift: false,
    });
  });

  it('names a column missing from the current data', () => {
    expect(() => tableDrift({ num_nodes: [5] }, { num_edges: [8] })).toThrow(
      /^current data has no column "num_nodes"$/,
    );
  });
});
