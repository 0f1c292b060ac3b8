// Model-card sections computed the same way for a single exported model and for an ensemble.
import { readFile } from 'node:fs/promises';
import type { IntervalCoverage, ModelCard, TestResiduals, TrainingPredictions } from '../src/model';
import { TARGETS, type TargetKey } from '../src/model';
import { computeDriftReference, Rng } from '../src/stats';
import type { PackedGraphs } from './packed';
import { graphAt } from '../src/model';
import { trainingPredictions } from './referenceStats';
import { COVERAGE_LEVELS, coverageAtLevels } from './metrics';
import { errorHistogram, parityGrid } from './testResiduals';

/** A seeded sample of training molecules (sorted ids) for the reference statistics. */
export function referenceSample(train: Int32Array, seed: number, size = 10_000): Int32Array {
  return new Rng(seed + 7)
    .shuffle(Int32Array.from(train))
    .subarray(0, Math.min(size, train.length))
    .sort();
}

/**
 * The training-set reference the app's histograms and the drift report compare against: the
 * model's predictions on the sample per target (for the card), and the drift server's table (its
 * own file; only models that predict the gap have one).
 */
export function referenceSections(
  packed: PackedGraphs,
  sample: Int32Array,
  trainCount: number,
  predictions: Partial<Record<TargetKey, Float64Array>>,
  seed: number,
): { trainingPredictions: TrainingPredictions; driftReference?: unknown } {
  const summary = trainingPredictions(sample.length, predictions);
  const gaps = predictions.gap;
  if (!gaps) return { trainingPredictions: summary };
  return {
    trainingPredictions: summary,
    driftReference: computeDriftReference(
      Array.from(sample, (i) => graphAt(packed, i)),
      Array.from(gaps),
      {
        seed,
        source: `QM9 training split, seeded sample of ${sample.length} of ${trainCount} molecules; gap = this model's prediction`,
      },
    ),
  };
}

/** Error histograms and parity grids per target, for the model page. */
export function residualSections(
  targets: TargetKey[],
  predicted: (key: TargetKey) => ArrayLike<number>,
  truth: (key: TargetKey) => ArrayLike<number>,
): TestResiduals {
  const residuals: TestResiduals = { errorHistograms: {}, parity: {} };
  for (const key of targets) {
    const p = predicted(key);
    const t = truth(key);
    residuals.errorHistograms[key] = errorHistogram(p, t);
    residuals.parity[key] = parityGrid(p, t);
  }
  return residuals;
}

/**
 * The calibration curve for evaluation.json: per target with a std, the observed coverage of the
 * central interval at each of COVERAGE_LEVELS. Undefined when no target has a std.
 */
export function intervalCoverageSection(
  split: IntervalCoverage['split'],
  targets: TargetKey[],
  predicted: (key: TargetKey) => ArrayLike<number>,
  truth: (key: TargetKey) => ArrayLike<number>,
  std: (key: TargetKey) => ArrayLike<number> | null,
): IntervalCoverage | undefined {
  const observed: IntervalCoverage['observed'] = {};
  let n = 0;
  for (const key of targets) {
    const s = std(key);
    if (!s) continue;
    const t = truth(key);
    n = t.length;
    observed[key] = coverageAtLevels(predicted(key), t, s);
  }
  return Object.keys(observed).length === 0
    ? undefined
    : { split, n, levels: COVERAGE_LEVELS, observed };
}

/** evaluation.json's test-split plots: residuals and, where the model gives a std, the calibration curve. */
export function testSplitSections(
  targets: TargetKey[],
  predicted: (key: TargetKey) => ArrayLike<number>,
  truth: (key: TargetKey) => ArrayLike<number>,
  std: (key: TargetKey) => ArrayLike<number> | null,
): { testResiduals: TestResiduals; intervalCoverage?: IntervalCoverage } {
  const intervalCoverage = intervalCoverageSection('test', targets, predicted, truth, std);
  return {
    testResiduals: residualSections(targets, predicted, truth),
    ...(intervalCoverage && { intervalCoverage }),
  };
}

export type CardNotes = { ablations?: ModelCard['ablations']; limitations?: string[] };

/** The notes file holds one entry per model name (ablations and limitations for its card). */
export async function readCardNotes(
  name: string,
  file = 'training/model-notes.json',
): Promise<CardNotes> {
  try {
    const all = JSON.parse(await readFile(file, 'utf8')) as Record<string, CardNotes>;
    return all[name] ?? {};
  } catch {
    return {};
  }
}

/** Label and unit of each target, as the card lists them. */
export function cardTargets(keys: TargetKey[]): ModelCard['targets'] {
  return keys.map((key) => {
    const t = TARGETS.find((x) => x.key === key)!;
    return { key, label: t.label, unit: t.unit };
  });
}
