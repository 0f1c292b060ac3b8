// Per-target metrics of loaded predictors (their average when several) on one split, through the
// public inference API: what `npm run evaluate`, the promotion gate and the production check share.
import {
  averagePredictions,
  withIntervals,
  type MoleculePrediction,
  type Predictor,
} from '../src/model';
import type { TargetMetrics } from '../src/model';
import type { Qm9Dataset } from './dataset';
import { targetMetrics } from './metrics';
import { graphAt } from '../src/model';
import { truthColumn } from './predictPacked';
import type { SplitName } from './split';

export interface SplitEvaluation {
  metrics: TargetMetrics[];
  /** One per molecule of the split, in the split's order, with 90 % intervals from the mixed std. */
  predictions: MoleculePrediction[];
  molecules: number;
  seconds: number;
}

export async function evaluateOnSplit(
  predictors: Predictor[],
  dataset: Qm9Dataset,
  split: SplitName,
): Promise<SplitEvaluation> {
  const ids = dataset.split[split];
  const graphs = Array.from(ids, (i) => graphAt(dataset.packed, i));
  const t0 = Date.now();
  const perModel = [];
  for (const predictor of predictors) perModel.push(await predictor.predict(graphs));
  const seconds = (Date.now() - t0) / 1000;
  const preds = averagePredictions(perModel).map(withIntervals);
  const targets = [...new Set(predictors.flatMap((p) => p.targets))];
  const metrics = targets.map((key) => {
    const hasStd = preds[0]?.std[key] !== undefined;
    return targetMetrics(
      key,
      preds.map((p) => p.values[key]!),
      truthColumn(dataset.packed, ids, key),
      hasStd ? preds.map((p) => p.std[key]!) : null,
    );
  });
  return { metrics, predictions: preds, molecules: ids.length, seconds };
}
