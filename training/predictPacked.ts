import type { GraphModel } from '../src/model';
import { predictBatchArrays } from '../src/model';
import type { OutputTransform } from '../src/model';
import type { TargetMetrics } from '../src/model';
import { targetMetrics } from './metrics';
import { batchFromPacked, NUM_TARGET_COLUMNS, type PackedGraphs } from './packed';
import { targetColumn } from './standardize';

export interface PackedPredictions {
  ids: Int32Array;
  /** ids.length x targets, target units. */
  values: Float64Array;
  std: Float64Array | null;
  standardized: Float32Array;
}

export async function predictPacked(
  model: GraphModel,
  transform: OutputTransform,
  p: PackedGraphs,
  ids: Int32Array,
  batchSize = 512,
): Promise<PackedPredictions> {
  const t = transform.targets.length;
  const values = new Float64Array(ids.length * t);
  const standardized = new Float32Array(ids.length * t);
  let std: Float64Array | null = null;
  for (let s = 0; s < ids.length; s += batchSize) {
    const chunk = ids.subarray(s, s + batchSize);
    const r = await predictBatchArrays(model, transform, batchFromPacked(p, chunk));
    values.set(r.values, s * t);
    standardized.set(r.standardized, s * t);
    if (r.std) {
      std ??= new Float64Array(ids.length * t);
      std.set(r.std, s * t);
    }
  }
  return { ids, values, std, standardized };
}

/** Column k of a row-major n x t array. */
export function column(a: ArrayLike<number>, k: number, t: number): Float64Array {
  const n = a.length / t;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = a[i * t + k];
  return out;
}

export function truthColumn(
  p: PackedGraphs,
  ids: Int32Array,
  key: Parameters<typeof targetColumn>[0],
): Float64Array {
  const c = targetColumn(key);
  return Float64Array.from(ids, (i) => p.targets[i * NUM_TARGET_COLUMNS + c]);
}

export function metricsOf(
  pred: PackedPredictions,
  transform: OutputTransform,
  p: PackedGraphs,
  stdScale?: number[],
): TargetMetrics[] {
  const t = transform.targets.length;
  return transform.targets.map((key, k) => {
    const std = pred.std ? column(pred.std, k, t).map((s) => s * (stdScale?.[k] ?? 1)) : null;
    return targetMetrics(key, column(pred.values, k, t), truthColumn(p, pred.ids, key), std);
  });
}
