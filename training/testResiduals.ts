import type { Histogram, ParityGrid } from '../src/model/modelCard';
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
  const edges = Array.from({ length: ERROR_BINS + 1 }, (_, i) => -range + i * width);
  const counts = new Array<number>(ERROR_BINS).fill(0);
  let clipped = 0;
  for (const e of errors) {
    if (Math.abs(e) > range) clipped++;
    counts[Math.min(ERROR_BINS - 1, Math.max(0, Math.floor((e + range) / width)))]++;
  }
  return { edges, counts, clipped };
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
  const edges = Array.from({ length: PARITY_BINS + 1 }, (_, i) => lo + i * width);
  const counts = Array.from({ length: PARITY_BINS }, () => new Array<number>(PARITY_BINS).fill(0));
  let outside = 0;
  for (let i = 0; i < predicted.length; i++) {
    const row = Math.floor((truth[i] - lo) / width);
    const col = Math.floor((predicted[i] - lo) / width);
    if (row < 0 || row >= PARITY_BINS || col < 0 || col >= PARITY_BINS) outside++;
    else counts[row][col]++;
  }
  return { edges, counts, outside };
}
