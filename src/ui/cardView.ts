import type {
  DistributionSummary,
  Histogram,
  ModelCard,
  ParityGrid,
  TargetMetrics,
} from '../model/modelCard';
import type { TargetKey } from '../model/types';

/** The model card as the worker sent it; null when the model was published without one. */
export function asCard(card: unknown): ModelCard | null {
  if (!card || typeof card !== 'object' || !('metrics' in card)) return null;
  return card as ModelCard;
}

export function trainingDistribution(
  card: ModelCard | null,
  key: TargetKey,
): DistributionSummary | null {
  return card?.referenceStats?.predictions?.[key] ?? null;
}

export function testMetrics(card: ModelCard | null, key: TargetKey): TargetMetrics | null {
  return card?.metrics?.test?.find((m) => m.key === key) ?? null;
}

/** Test-split residuals (predicted minus true, target units); cards exported before them have none. */
export function testErrorHistogram(
  card: ModelCard | null,
  key: TargetKey,
): (Histogram & { clipped: number }) | null {
  return card?.metrics?.testResiduals?.errorHistograms[key] ?? null;
}

export function testParity(card: ModelCard | null, key: TargetKey): ParityGrid | null {
  return card?.metrics?.testResiduals?.parity[key] ?? null;
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

interface TrainingRecord {
  history?: { epoch: number; valGapMae?: number }[];
  startedFrom?: { epochs?: unknown } | string;
}

/**
 * The validation gap MAE per epoch of the card's model, or of each ensemble member. A fine-tune's
 * epochs are numbered after those of the model it started from, so its curve continues that one.
 */
export function learningCurves(card: ModelCard): CurvePoint[] {
  const models = card.ensemble
    ? card.ensemble.members.map((m) => ({ name: `${m.name} ${m.version}`, training: m.training }))
    : [{ name: `${card.name} ${card.version}`, training: card.training }];
  return models.flatMap(({ name, training }) => {
    const t = training as TrainingRecord;
    const from = typeof t.startedFrom === 'object' ? Number(t.startedFrom.epochs) : 0;
    const offset = Number.isFinite(from) ? from : 0;
    return (t.history ?? []).flatMap((h) =>
      h.valGapMae === undefined
        ? []
        : [{ model: name, epoch: h.epoch + offset, valGapMae: h.valGapMae }],
    );
  });
}
