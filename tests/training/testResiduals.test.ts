import { describe, expect, it } from 'vitest';
import { errorHistogram, parityGrid } from '../../training/testResiduals';

describe('test residual summaries for the model card', () => {
  it('bins errors symmetrically around zero and counts every molecule once', () => {
    const truth = Array.from({ length: 1000 }, (_, i) => i / 100);
    const predicted = truth.map((v, i) => v + ((i % 21) - 10) / 100);
    predicted[0] = truth[0] + 50; // one wild molecule
    const h = errorHistogram(predicted, truth);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(h.edges.length).toBe(h.counts.length + 1);
    expect(h.edges[0]).toBeCloseTo(-h.edges[h.edges.length - 1], 12);
    // The outlier does not set the range: it is clipped into the last bin and reported.
    expect(h.edges[h.edges.length - 1]).toBeLessThan(1);
    expect(h.clipped).toBeGreaterThanOrEqual(1);
    expect(h.counts[h.counts.length - 1]).toBeGreaterThanOrEqual(1);
    // The middle bin holds the exact predictions (error 0: every 21st molecule but the outlier).
    expect(h.counts[Math.floor(h.counts.length / 2)]).toBeGreaterThanOrEqual(47);
  });

  it('puts perfect predictions on the diagonal of the parity grid', () => {
    const truth = Array.from({ length: 500 }, (_, i) => Math.sin(i) * 3);
    const grid = parityGrid(truth, truth);
    const inside = grid.counts.flat().reduce((a, b) => a + b, 0);
    expect(inside + grid.outside).toBe(500);
    grid.counts.forEach((row, r) =>
      row.forEach((count, c) => {
        if (r !== c) expect(count).toBe(0);
      }),
    );
  });

  it('survives constant data', () => {
    const grid = parityGrid([1, 1, 1], [1, 1, 1]);
    expect(grid.outside).toBe(0);
    expect(errorHistogram([1, 1], [1, 1]).counts.reduce((a, b) => a + b, 0)).toBe(2);
  });
});
