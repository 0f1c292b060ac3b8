import type { Architecture } from './gnn';
import type { WeightPrecision } from './weightsIO';
import type { TargetKey } from './types';
import type { Histogram } from '../stats';

// One histogram shape for the card and the drift code: src/stats owns it.
export type { Histogram };

/** Counts of test molecules by true value (rows) and predicted value (columns), shared edges. */
export interface ParityGrid {
  edges: number[];
  counts: number[][];
  /** Molecules outside the grid's range on either axis. */
  outside: number;
}

/** Test-split errors of the molecules with one heavy-atom count. */
export interface SizeErrorRow {
  heavyAtoms: number;
  n: number;
  mae: Partial<Record<TargetKey, number>>;
}

/** One badly predicted test molecule: its QM9 index and how far off the prediction was. */
export interface WorstMolecule {
  gdbIdx: number;
  heavyAtoms: number;
  absError: number;
  /** The stated one-sigma uncertainty, when the model gives one. */
  std?: number;
}

/** Errors by molecule size, because the test MAE is dominated by molecules of 8-9 heavy atoms. */
export interface ErrorsBySize {
  rows: SizeErrorRow[];
  /** Per target, the five test molecules with the largest absolute error. */
  worst: Partial<Record<TargetKey, WorstMolecule[]>>;
}

/**
 * The smallest molecules people type first, checked against QM9 in every split: each prediction
 * must be within `maeMultiple` x the target's test MAE, or the truth inside the stated 90 % interval.
 */
export interface SmallMoleculeCheck {
  maxHeavyAtoms: number;
  maeMultiple: number;
  molecules: number;
  checks: number;
  passed: number;
  failures: {
    gdbIdx: number;
    split: string;
    target: TargetKey;
    absError: number;
    allowed: number;
    std?: number;
  }[];
}

/** Per-target residual summaries on the test split, for the model page. */
export interface TestResiduals {
  errorHistograms: Partial<Record<TargetKey, Histogram & { clipped: number }>>;
  parity: Partial<Record<TargetKey, ParityGrid>>;
}

export interface DistributionSummary {
  n: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  /** Values at QUANTILE_LEVELS. */
  quantiles: number[];
  histogram: Histogram;
}

export const QUANTILE_LEVELS = [0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99];

export interface TargetMetrics {
  key: TargetKey;
  unit: string;
  n: number;
  mae: number;
  rmse: number;
  r2: number;
  /** Share of molecules whose true value lies in the central 50% / 90% predictive interval. */
  coverage50?: number;
  coverage90?: number;
}

export interface QuantizationReport {
  precision: WeightPrecision;
  manifest: string;
  weightBytes: number;
  /** Test MAE of this precision minus the float32 test MAE, per target (target units). */
  testMaeDelta: Partial<Record<TargetKey, number>>;
}

/** Reference distributions of the training data and predictions, for the drift report. */
export interface ReferenceStats {
  sampleSize: number;
  /** Per node feature over all atoms of the sample. */
  nodeFeatures: Record<string, DistributionSummary>;
  /** Per molecule: mean of each node feature. */
  meanNodeFeatures: Record<string, DistributionSummary>;
  atomCount: DistributionSummary;
  heavyAtomCount: DistributionSummary;
  edgeCount: DistributionSummary;
  /** Distribution of the model's predictions on the sample, per target (target units). */
  predictions: Partial<Record<TargetKey, DistributionSummary>>;
}

/** Which data the model was trained on, and how it was split. */
export interface CardData {
  file: string;
  sha256: string;
  rows: number;
  characterizedRows: number;
  featurizationErrors: number;
  split: { rule: string; train: number; validation: number; test: number };
}

/** For an ensemble's card: what each member is and how well it does alone. */
export interface EnsembleMember {
  name: string;
  version: string;
  /** The member's directory relative to the ensemble's. */
  path: string;
  description: string;
  architecture: Architecture;
  parameters: number;
  /** The member alone on the test split (float32). */
  test: TargetMetrics[];
  training: Record<string, unknown>;
}

export interface ModelCard {
  name: string;
  version: string;
  createdAt: string;
  description: string;
  architecture: Architecture;
  parameters: number;
  targets: { key: TargetKey; label: string; unit: string }[];
  data: CardData;
  metrics: {
    test: TargetMetrics[];
    validation: TargetMetrics[];
    testResiduals?: TestResiduals;
    errorsBySize?: ErrorsBySize;
    smallMolecules?: SmallMoleculeCheck;
  };
  uncertainty: { method: string; calibration: Partial<Record<TargetKey, number>> } | null;
  baseline: {
    name: string;
    description: string;
    test: TargetMetrics[];
    training: Record<string, unknown>;
  } | null;
  training: Record<string, unknown>;
  quantization: QuantizationReport[];
  ablations: { name: string; description: string; result: string }[];
  referenceStats: ReferenceStats;
  limitations: string[];
  /** Present when the model is an ensemble; `architecture` is then its first member's. */
  ensemble?: { combination: string; members: EnsembleMember[] };
  /** Sample of training graphs and gap predictions in the drift server's format (server/drift/reference.ts). */
  driftReference?: unknown;
}
