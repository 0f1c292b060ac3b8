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
