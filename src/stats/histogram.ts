// Equal-width binning, shared by the model card's distributions and test residuals (training)
// and the drift report's charts (server). Callers choose the range; the bin of a value is
// computed here, so a value on an edge lands in the same bin wherever it is counted.

/** Counts per bin; `edges` has one more entry than `counts`. */
export interface Histogram {
  /** Bin edges, length counts.length + 1. */
  edges: number[];
  counts: number[];
}

/** `bins` + 1 edges from `lo`, `width` apart. */
export function evenEdges(lo: number, width: number, bins: number): number[] {
  return Array.from({ length: bins + 1 }, (_, i) => lo + i * width);
}

/** The equal-width bin starting at `lo` that holds `v`; below 0 or past the last bin when outside. */
export function binIndex(v: number, lo: number, width: number): number {
  return Math.floor((v - lo) / width);
}

/** Counts in `bins` bins from `lo`; values beyond either end are counted in the outer bins. */
export function countClamped(
  values: ArrayLike<number>,
  lo: number,
  width: number,
  bins: number,
): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++)
    counts[Math.min(bins - 1, Math.max(0, binIndex(values[i], lo, width)))]++;
  return counts;
}

/** Two samples drawn on the same bars, each as shares of its own size (the drift report's charts). */
export interface ComparisonHistogram {
  /** Bin edges (continuous) or the distinct values themselves (discrete). */
  kind: 'bins' | 'values';
  edges: number[];
  reference: number[];
  current: number[];
}

const MAX_DISCRETE_BARS = 20;
const COMPARISON_BINS = 20;

function fractions(counts: number[], total: number): number[] {
  return counts.map((c) => (total ? c / total : 0));
}

/** One bar per value when both samples hold at most 20 distinct values, else 20 equal bins. */
export function comparisonHistogram(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
): ComparisonHistogram {
  const distinct = new Set<number>();
  for (let i = 0; i < reference.length; i++) distinct.add(reference[i]);
  for (let i = 0; i < current.length; i++) distinct.add(current[i]);
  if (distinct.size <= MAX_DISCRETE_BARS) {
    const values = [...distinct].sort((a, b) => a - b);
    const index = new Map(values.map((v, i) => [v, i]));
    const count = (sample: ArrayLike<number>) => {
      const c = new Array<number>(values.length).fill(0);
      for (let i = 0; i < sample.length; i++) c[index.get(sample[i])!]++;
      return fractions(c, sample.length);
    };
    return { kind: 'values', edges: values, reference: count(reference), current: count(current) };
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of distinct) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const width = (hi - lo) / COMPARISON_BINS;
  const count = (sample: ArrayLike<number>) =>
    fractions(countClamped(sample, lo, width, COMPARISON_BINS), sample.length);
  return {
    kind: 'bins',
    edges: evenEdges(lo, width, COMPARISON_BINS),
    reference: count(reference),
    current: count(current),
  };
}
