import {
  EVALUATION_FILE,
  parseModelEvaluation,
  type DistributionSummary,
  type Histogram,
  type LoadedCard,
  type ModelEvaluation,
  type ParityGrid,
  type TargetMetrics,
} from '../model/contracts';
import type { TargetKey } from '../model/contracts';

export function trainingDistribution(
  card: LoadedCard | null,
  key: TargetKey,
): DistributionSummary | null {
  return card?.trainingPredictions.targets[key] ?? null;
}

export function testMetrics(card: LoadedCard | null, key: TargetKey): TargetMetrics | null {
  return card?.metrics.test.find((m) => m.key === key) ?? null;
}

/**
 * The evaluation file beside the card (test-split plots, training histories): fetched only when
 * the model page opens, as it is larger than the card. Null when the model was published without one.
 */
export async function loadEvaluation(
  card: LoadedCard,
  fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis),
): Promise<ModelEvaluation | null> {
  if (card.dir === undefined) return null;
  const dir = card.dir.endsWith('/') ? card.dir : `${card.dir}/`;
  const url = new URL(EVALUATION_FILE, new URL(dir, globalThis.location?.href)).toString();
  const response = await fetchImpl(url);
  // A single-page app's server answers unknown paths with its index page, not a 404.
  if (response.status === 404 || (response.headers.get('content-type') ?? '').includes('text/html'))
    return null;
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return parseModelEvaluation(await response.json(), card, url);
}

/** Test-split residuals (predicted minus true, target units). */
export function testErrorHistogram(
  evaluation: ModelEvaluation | null,
  key: TargetKey,
): (Histogram & { clipped: number }) | null {
  return evaluation?.testResiduals.errorHistograms[key] ?? null;
}

export function testParity(evaluation: ModelEvaluation | null, key: TargetKey): ParityGrid | null {
  return evaluation?.testResiduals.parity[key] ?? null;
}

/** Share of the histogram's mass below value (0..1), interpolating inside the bin. */
export function percentileInHistogram(histogram: Histogram, value: number): number {
  const total = histogram.counts.reduce((a, b) => a + b, 0);
  if (total === 0) return NaN;
  let below = 0;
  for (let i = 0; i < histogram.counts.length; i++) {
    const lo = histogram.edges[i];
    const hi = histogram.edges[i + 1];
    if (value >= hi) {
      below += histogram.counts[i];
      continue;
    }
    if (value > lo) below += (histogram.counts[i] * (value - lo)) / (hi - lo);
    break;
  }
  return below / total;
}

/** One epoch of one model's training, as the learning-curve chart plots it. */
export interface CurvePoint {
  model: string;
  epoch: number;
  /** Validation HOMO-LUMO gap MAE after the epoch, in eV. */
  valGapMae: number;
}

/**
 * The validation gap MAE per epoch of the card's model, or of each ensemble member. A fine-tune's
 * epochs are numbered after those of the model it started from, so its curve continues that one.
 */
export function learningCurves(evaluation: ModelEvaluation): CurvePoint[] {
  return evaluation.trainingHistory.flatMap(({ model, startEpoch, epochs }) =>
    epochs.flatMap((e) =>
      e.valGapMae === undefined
        ? []
        : [{ model, epoch: e.epoch + startEpoch, valGapMae: e.valGapMae }],
    ),
  );
}
