import type { DistributionSummary, TrainingPredictions } from '../src/model';
import { QUANTILE_LEVELS } from '../src/model';
import type { TargetKey } from '../src/model';
import { countClamped, evenEdges } from '../src/stats';
import { quantile } from './metrics';

const MAX_BINS = 20;

/** Summary with quantiles and a histogram (unit bins for small-integer data, else 20 equal bins). */
export function summarize(values: ArrayLike<number>): DistributionSummary {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const mean = sorted.reduce((s, v) => s + v, 0) / n;
  const std = Math.sqrt(sorted.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
  const min = sorted[0];
  const max = sorted[n - 1];
  const integral = sorted.every((v) => Number.isInteger(v)) && max - min <= 40;
  let edges: number[];
  if (integral) edges = evenEdges(min - 0.5, 1, max - min + 1);
  else if (max > min)
    edges = Array.from({ length: MAX_BINS + 1 }, (_, i) => min + ((max - min) * i) / MAX_BINS);
  else edges = [min - 0.5, min + 0.5];
  const counts = countClamped(sorted, edges[0], edges[1] - edges[0], edges.length - 1);
  return {
    n,
    mean,
    std,
    min,
    max,
    quantiles: QUANTILE_LEVELS.map((q) => quantile(sorted, q)),
    histogram: { edges, counts },
  };
}

/** The model's predictions on a sample of training molecules, summarized per target. */
export function trainingPredictions(
  sampleSize: number,
  predictions: Partial<Record<TargetKey, ArrayLike<number>>>,
): TrainingPredictions {
  return {
    sampleSize,
    targets: Object.fromEntries(
      Object.entries(predictions).map(([k, v]) => [k, summarize(v as ArrayLike<number>)]),
    ),
  };
}
