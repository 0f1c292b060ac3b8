import type { DistributionSummary, ReferenceStats } from '../src/model/modelCard';
import { QUANTILE_LEVELS } from '../src/model/modelCard';
import { NODE_FEATURE_NAMES, NUM_NODE_FEATURES } from '../src/chem/types';
import type { TargetKey } from '../src/model/types';
import { countClamped, evenEdges } from '../src/stats';
import { quantile } from './metrics';
import type { PackedGraphs } from './packed';

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

/** Reference distributions over the molecules `ids` (a sample of the training split). */
export function referenceStats(
  p: PackedGraphs,
  ids: Int32Array,
  predictions: Partial<Record<TargetKey, ArrayLike<number>>>,
): ReferenceStats {
  const perFeature: number[][] = NODE_FEATURE_NAMES.map(() => []);
  const perMolMean: number[][] = NODE_FEATURE_NAMES.map(() => []);
  const atoms: number[] = [];
  const heavy: number[] = [];
  const edges: number[] = [];
  for (const i of ids) {
    const a0 = p.nodeOffset[i];
    const n = p.nodeOffset[i + 1] - a0;
    const sums = new Array<number>(NUM_NODE_FEATURES).fill(0);
    for (let a = a0; a < a0 + n; a++) {
      for (let f = 0; f < NUM_NODE_FEATURES; f++) {
        const v = p.x[a * NUM_NODE_FEATURES + f];
        perFeature[f].push(v);
        sums[f] += v;
      }
    }
    sums.forEach((s, f) => perMolMean[f].push(s / n));
    atoms.push(n);
    heavy.push(n - sums[0]);
    edges.push(p.edgeOffset[i + 1] - p.edgeOffset[i]);
  }
  const byName = (lists: number[][]) =>
    Object.fromEntries(NODE_FEATURE_NAMES.map((name, f) => [name, summarize(lists[f])]));
  return {
    sampleSize: ids.length,
    nodeFeatures: byName(perFeature),
    meanNodeFeatures: byName(perMolMean),
    atomCount: summarize(atoms),
    heavyAtomCount: summarize(heavy),
    edgeCount: summarize(edges),
    predictions: Object.fromEntries(
      Object.entries(predictions).map(([k, v]) => [k, summarize(v as ArrayLike<number>)]),
    ),
  };
}
