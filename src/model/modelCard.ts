import type { Architecture } from './gnn';
import { checkFormat } from './manifest';
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

/**
 * The model's predictions on a seeded sample of training molecules, per target (target units): the
 * page places each new prediction among them.
 */
export interface TrainingPredictions {
  sampleSize: number;
  targets: Partial<Record<TargetKey, DistributionSummary>>;
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
  /** The member card's training summary; its epochs are in the ensemble's evaluation.json. */
  training: Record<string, unknown>;
}

export const CARD_FORMAT = 'qm9-model-card';
export const EVALUATION_FORMAT = 'qm9-model-evaluation';
/** The files a model directory holds beside its manifests and weights. */
export const CARD_FILE = 'model-card.json';
export const EVALUATION_FILE = 'evaluation.json';
export const DRIFT_REFERENCE_FILE = 'drift-reference.json';

/**
 * model-card.json: what a person reads about the model, small enough to read (tens of KB). The
 * bulky test-split detail lives in evaluation.json beside it, loaded only by the model page, and
 * the drift server's reference in drift-reference.json, loaded only by the server.
 */
export interface ModelCard {
  format: typeof CARD_FORMAT;
  formatVersion: 1;
  name: string;
  version: string;
  createdAt: string;
  description: string;
  architecture: Architecture;
  parameters: number;
  targets: { key: TargetKey; label: string; unit: string }[];
  data: CardData;
  metrics: { test: TargetMetrics[]; validation: TargetMetrics[] };
  uncertainty: { method: string; calibration: Partial<Record<TargetKey, number>> } | null;
  baseline: {
    name: string;
    description: string;
    test: TargetMetrics[];
    training: Record<string, unknown>;
  } | null;
  /** How the model was trained (backend, seed, epochs, hyperparameters); the epochs themselves are in evaluation.json. */
  training: Record<string, unknown>;
  quantization: QuantizationReport[];
  ablations: { name: string; description: string; result: string }[];
  limitations: string[];
  trainingPredictions: TrainingPredictions;
  /** Present when the model is an ensemble; `architecture` is then its first member's. */
  ensemble?: { combination: string; members: EnsembleMember[] };
}

/** A card as loadPredictor returns it: with the directory (path or URL) it was read from, when it was. */
export type LoadedCard = ModelCard & { dir?: string };

/** One epoch of training as the run recorded it (target units, wall-clock seconds). */
export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  valScore: number;
  /** Validation HOMO-LUMO gap MAE after the epoch, in eV. */
  valGapMae?: number;
  seconds: number;
}

/** The epochs of one model's training: the card's own model, or each member of an ensemble. */
export interface TrainingHistory {
  /** "name version" */
  model: string;
  /** Epochs of the model a fine-tune started from: its epochs are numbered after them. */
  startEpoch: number;
  epochs: EpochRecord[];
}

/**
 * Observed coverage of the central Gaussian interval value ± z_p·std (std the calibrated one the
 * app shows) at several nominal levels p: the calibration curve, of which the card's coverage50
 * and coverage90 are two points.
 */
export interface IntervalCoverage {
  split: 'test' | 'validation' | 'train';
  /** Molecules measured per target. */
  n: number;
  /** Nominal levels p (0..1), increasing. */
  levels: number[];
  /** Per target with a std: the share (0..1) of molecules inside each level's interval. */
  observed: Partial<Record<TargetKey, number[]>>;
}

/** evaluation.json: the test-split detail and training histories the model page plots. */
export interface ModelEvaluation {
  format: typeof EVALUATION_FORMAT;
  formatVersion: 1;
  name: string;
  version: string;
  testResiduals: TestResiduals;
  trainingHistory: TrainingHistory[];
  /** Written for ensembles (the shipped product); single models' evaluations have none. */
  errorsBySize?: ErrorsBySize;
  smallMolecules?: SmallMoleculeCheck;
  /** Absent in files written before it was measured, and for models without a std. */
  intervalCoverage?: IntervalCoverage;
}

function fail(where: string, message: string): never {
  throw new Error(`${where}: ${message}`);
}

function checkMetrics(value: unknown, where: string): TargetMetrics[] {
  if (!Array.isArray(value)) fail(where, 'must be an array of target metrics');
  value.forEach((m: Partial<TargetMetrics> | null, i) => {
    if (typeof m?.key !== 'string' || !Number.isFinite(m.mae) || !Number.isFinite(m.n))
      fail(`${where}[${i}]`, 'needs a key, n and a finite mae');
  });
  return value as TargetMetrics[];
}

/** Checks a parsed model-card.json; errors name the file and the field at fault. */
export function parseModelCard(value: unknown, where = CARD_FILE): ModelCard {
  const c = checkFormat<ModelCard>(value, where, CARD_FORMAT);
  for (const key of ['name', 'version', 'createdAt', 'description'] as const) {
    if (typeof c[key] !== 'string') fail(where, `"${key}" must be a string`);
  }
  if (!c.architecture || typeof c.architecture !== 'object')
    fail(where, '"architecture" must be an object');
  if (!Array.isArray(c.targets)) fail(where, '"targets" must be an array');
  if (!c.data?.split) fail(where, '"data" must describe the data file and its split');
  if (!c.metrics || typeof c.metrics !== 'object') fail(where, '"metrics" must be an object');
  checkMetrics(c.metrics.test, `${where}: metrics.test`);
  checkMetrics(c.metrics.validation, `${where}: metrics.validation`);
  if (!c.training || typeof c.training !== 'object') fail(where, '"training" must be an object');
  for (const key of ['quantization', 'ablations', 'limitations'] as const) {
    if (!Array.isArray(c[key])) fail(where, `"${key}" must be an array`);
  }
  if (!c.trainingPredictions || typeof c.trainingPredictions.targets !== 'object')
    fail(where, '"trainingPredictions" must hold a distribution per target');
  if (c.ensemble !== undefined && !Array.isArray(c.ensemble?.members))
    fail(where, '"ensemble.members" must be an array');
  return c as ModelCard;
}

/** Checks a parsed evaluation.json against the card it belongs to. */
export function parseModelEvaluation(
  value: unknown,
  card: { name: string; version: string },
  where = EVALUATION_FILE,
): ModelEvaluation {
  const e = checkFormat<ModelEvaluation>(value, where, EVALUATION_FORMAT);
  if (e.name !== card.name || e.version !== card.version)
    fail(
      where,
      `belongs to ${String(e.name)} ${String(e.version)}, not ${card.name} ${card.version}`,
    );
  const r = e.testResiduals;
  if (!r || typeof r.errorHistograms !== 'object' || typeof r.parity !== 'object')
    fail(where, '"testResiduals" must hold errorHistograms and parity');
  if (!Array.isArray(e.trainingHistory))
    fail(where, '"trainingHistory" must be an array (one entry per model trained)');
  if (e.errorsBySize !== undefined && !Array.isArray(e.errorsBySize?.rows))
    fail(where, '"errorsBySize.rows" must be an array');
  if (e.intervalCoverage !== undefined) checkIntervalCoverage(e.intervalCoverage, where);
  return e as ModelEvaluation;
}

const isShare = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= 1;

/** Levels strictly inside (0, 1) and increasing; per target one share per level, never falling. */
function checkIntervalCoverage(c: Partial<IntervalCoverage> | null, where: string): void {
  const at = `${where}: intervalCoverage`;
  const levels = c?.levels;
  if (
    !Array.isArray(levels) ||
    levels.length === 0 ||
    !levels.every((p, i) => isShare(p) && p > 0 && p < 1 && (i === 0 || p > levels[i - 1]))
  )
    fail(at, '"levels" must be increasing nominal levels between 0 and 1');
  if (!['test', 'validation', 'train'].includes(String(c?.split)))
    fail(at, '"split" must be test, validation or train');
  if (!Number.isInteger(c?.n) || c!.n! <= 0) fail(at, '"n" must be a positive molecule count');
  if (!c?.observed || typeof c.observed !== 'object')
    fail(at, '"observed" must hold the coverage per target');
  for (const [key, shares] of Object.entries(c.observed)) {
    // A wider interval holds everything a narrower one does, so coverage cannot fall with p.
    if (
      !Array.isArray(shares) ||
      shares.length !== levels.length ||
      !shares.every((v, i) => isShare(v) && (i === 0 || v >= shares[i - 1]))
    )
      fail(at, `"observed.${key}" must be ${levels.length} non-decreasing shares between 0 and 1`);
  }
}
