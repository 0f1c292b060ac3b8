import type { ParityGrid } from '../src/model';
import { binIndex, countClamped, evenEdges, type Histogram } from '../src/stats';
import { quantile } from './metrics';

const ERROR_BINS = 41;
const PARITY_BINS = 40;

/**
 * Residual histogram (predicted - true) on symmetric bins around zero. The range is the 99th
 * percentile of |error|, so one wild molecule cannot squash the useful part into a single bar;
 * errors beyond it are counted in the outer bins and reported as `clipped`.
 */
export function errorHistogram(
  predicted: ArrayLike<number>,
  truth: ArrayLike<number>,
): Histogram & { clipped: number } {
  const n = predicted.length;
  const errors = Float64Array.from({ length: n }, (_, i) => predicted[i] - truth[i]);
  const absSorted = errors.map(Math.abs).sort();
  const range = quantile(absSorted, 0.99) || absSorted[n - 1] || 1;
  const width = (2 * range) / ERROR_BINS;
  return {
    edges: evenEdges(-range, width, ERROR_BINS),
    counts: countClamped(errors, -range, width, ERROR_BINS),
    clipped: errors.filter((e) => Math.abs(e) > range).length,
  };
}

/**
 * Predicted-vs-true counts on a square grid spanning the 0.5-99.5th percentiles of both, for a
 * parity plot that stays small in the card (40 x 40 counts instead of one point per molecule).
 */
export function parityGrid(predicted: ArrayLike<number>, truth: ArrayLike<number>): ParityGrid {
  const all = Float64Array.from([...Array.from(predicted), ...Array.from(truth)]).sort();
  let lo = quantile(all, 0.005);
  let hi = quantile(all, 0.995);
  if (!(hi > lo)) {
    lo -= 0.5;
    hi += 0.5;
  }
  const width = (hi - lo) / PARITY_BINS;
  const edges = evenEdges(lo, width, PARITY_BINS);
  const counts = Array.from({ length: PARITY_BINS }, () => new Array<number>(PARITY_BINS).fill(0));
  let outside = 0;
  for (let i = 0; i < predicted.length; i++) {
    const row = binIndex(truth[i], lo, width);
    const col = binIndex(predicted[i], lo, width);
    if (row < 0 || row >= PARITY_BINS || col < 0 || col >= PARITY_BINS) outside++;
    else counts[row][col]++;
  }
  return { edges, counts, outside };
}
