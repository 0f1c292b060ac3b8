import * as tf from '@tensorflow/tfjs-core';
import { batchToTensors, disposeBatch, NUM_ELEMENTS, type GraphBatchArrays } from './batch';
import { boundedValue, lowerBound, Z90 } from './bounds';
import { LOG_VAR_LIMIT, type GraphModel } from './gnn';
import {
  disposeEnvironmentPlan,
  environmentPlan,
  environmentPlanTensors,
  type EnvironmentPlan,
} from './environmentPlan';
import { predictiveStd, toTargetUnits, type OutputTransform } from './outputTransform';

export interface BatchPrediction {
  numGraphs: number;
  numTargets: number;
  /** numGraphs x numTargets, target units. */
  values: Float64Array;
  /** numGraphs x numTargets predictive std, target units; null for models without a variance head. */
  std: Float64Array | null;
  /** numGraphs x numTargets standardized means (what the loss sees). */
  standardized: Float32Array;
  /** numGraphs x numTargets, 1 where the log variance sits at the head's clip (std is a ceiling). */
  capped: Uint8Array | null;
  /** numGraphs x numTargets, 1 where the network's whole 90 % interval lay below the physical bound. */
  belowBound: Uint8Array;
}

/**
 * Backends that run the product model on the batch's distinct environments (environmentPlan.ts):
 * the CPU ones, where the matrix products are the cost. On WebGL (SwiftShader) the planned forward
 * gave other numbers (methane's dipole 0.26 D against 0.15 D), and a GPU has the plain products'
 * rows to spare, so the GPU backends run the plain forward.
 */
const PLANNED_BACKENDS = new Set(['wasm', 'cpu']);

/** Plans made for a batch, by number of layers: an ensemble's members share their batches. */
const plans = new WeakMap<GraphBatchArrays, Map<number, EnvironmentPlan>>();

function planFor(batch: GraphBatchArrays, layers: number): EnvironmentPlan {
  let byLayers = plans.get(batch);
  if (!byLayers) plans.set(batch, (byLayers = new Map()));
  let plan = byLayers.get(layers);
  if (!plan) byLayers.set(layers, (plan = environmentPlan(batch, layers)));
  return plan;
}

/** Forward pass in inference mode on one batch, mapped back to target units. */
export async function predictBatchArrays(
  model: GraphModel,
  transform: OutputTransform,
  batch: GraphBatchArrays,
): Promise<BatchPrediction> {
  const tensors = batchToTensors(batch);
  const plan =
    model.architecture.kind === 'product' && PLANNED_BACKENDS.has(tf.getBackend())
      ? environmentPlanTensors(planFor(batch, model.architecture.layers))
      : undefined;
  const out = tf.tidy(() => {
    const o = model.forward(tensors, undefined, plan);
    return o.logVar ? { mean: o.mean, logVar: o.logVar } : { mean: o.mean };
  }) as { mean: tf.Tensor2D; logVar?: tf.Tensor2D };
  disposeBatch(tensors);
  if (plan) disposeEnvironmentPlan(plan);
  const [z, lv] = await Promise.all([
    out.mean.data() as Promise<Float32Array>,
    out.logVar?.data() as Promise<Float32Array> | undefined,
  ]);
  tf.dispose([out.mean, out.logVar].filter((t): t is tf.Tensor2D => t !== undefined));
  const g = batch.numGraphs;
  const t = model.numTargets;
  const values = new Float64Array(g * t);
  const std = lv ? new Float64Array(g * t) : null;
  const capped = lv ? new Uint8Array(g * t) : null;
  const belowBound = new Uint8Array(g * t);
  for (let i = 0; i < g; i++) {
    for (let k = 0; k < t; k++) {
      const raw = toTargetUnits(transform, k, z[i * t + k], batch.elementCounts, i * NUM_ELEMENTS);
      values[i * t + k] = boundedValue(transform.targets[k], raw);
      let upper = raw;
      if (std && capped && lv) {
        std[i * t + k] = predictiveStd(transform, k, lv[i * t + k]);
        capped[i * t + k] = lv[i * t + k] >= LOG_VAR_LIMIT * (1 - 1e-6) ? 1 : 0;
        upper = raw + Z90 * std[i * t + k];
      }
      // A median a little below zero is the model saying "about zero" (a symmetric molecule's
      // dipole); a whole interval below it is a confident impossible number.
      belowBound[i * t + k] = upper < lowerBound(transform.targets[k]) ? 1 : 0;
    }
  }
  return { numGraphs: g, numTargets: t, values, std, standardized: z, capped, belowBound };
}
