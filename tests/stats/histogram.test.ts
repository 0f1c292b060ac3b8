import { describe, expect, it } from 'vitest';
import { binIndex, comparisonHistogram, countClamped, evenEdges } from '../../src/stats';

describe('equal-width bins', () => {
  it('puts a value on an inner edge in the bin it opens', () => {
    expect(evenEdges(-1, 0.5, 4)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(binIndex(0, -1, 0.5)).toBe(2);
    expect(binIndex(-1.2, -1, 0.5)).toBe(-1);
  });

  it('counts values beyond either end in the outer bins', () => {
    expect(countClamped([-5, -1, 0, 0.99, 1, 7], -1, 0.5, 4)).toEqual([2, 0, 1, 3]);
  });
});

describe('comparisonHistogram (the drift report charts)', () => {
  it('draws discrete columns per value and continuous ones in 20 bins, as shares', () => {
    const discrete = comparisonHistogram([0, 1, 1, 1], [1, 1]);
    expect(discrete).toEqual({
      kind: 'values',
      edges: [0, 1],
      reference: [0.25, 0.75],
      current: [0, 1],
    });
    const continuous = comparisonHistogram(
      Array.from({ length: 100 }, (_, i) => i / 10),
      [0, 9.9],
    );
    expect(continuous.kind).toBe('bins');
    expect(continuous.edges.length).toBe(21);
    expect(continuous.reference.reduce((a, b) => a + b, 0)).toBeCloseTo(1);
    expect(continuous.current[0]).toBe(0.5);
    expect(continuous.current[19]).toBe(0.5);
  });
});

describe('comparisonHistogram edges', () => {
  it('keeps one bar per value up to 20 distinct values in both samples together', () => {
    const reference = Array.from({ length: 19 }, (_, i) => i);
    const twenty = comparisonHistogram(reference, [19, 19, 0, 0]);
    expect(twenty.kind).toBe('values');
    expect(twenty.edges).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(twenty.current[19]).toBe(0.5);
    expect(twenty.reference[19]).toBe(0);
    expect(comparisonHistogram(reference, [19, 20]).kind).toBe('bins');
  });

  it('orders the bars numerically, values seen only in the current sample included', () => {
    expect(comparisonHistogram([10, 9, 10, 10], [-1, 2])).toEqual({
      kind: 'values',
      edges: [-1, 2, 9, 10],
      reference: [0, 0, 0.25, 0.75],
      current: [0.5, 0.5, 0, 0],
    });
  });

  it('spans both samples with 20 equal bins', () => {
    // 2, 2.5, ..., 12: 21 distinct values, so bins of width (12 - 2) / 20 = 0.5 from 2.
    const halves = Array.from({ length: 21 }, (_, i) => 2 + i / 2);
    const h = comparisonHistogram(halves.slice(0, 11), halves.slice(10));
    expect(h.kind).toBe('bins');
    expect(h.edges).toEqual(halves);
    expect(h.reference.slice(0, 10)).toEqual(Array(10).fill(1 / 11));
    expect(h.current[19]).toBe(2 / 11); // 11.5 and 12 (the upper end is counted in the last bin)
  });
});
