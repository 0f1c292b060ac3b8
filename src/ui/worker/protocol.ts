import type { DomainWarning } from '../../chem/types';
import type { MoleculePrediction, TargetKey } from '../../model/types';

/** Backends in the order the app tries them when the user leaves the choice to it. */
export const BACKEND_ORDER = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_ORDER)[number];
export type BackendChoice = BackendName | 'auto';

/** A pasted text or a dropped file, as the worker reads it. */
export type JobInput =
  | { kind: 'text'; text: string; source: string }
  | { kind: 'file'; name: string; bytes: ArrayBuffer };

export type RowStatus = 'predicted' | 'warning' | 'error' | 'parsed';

/** One molecule of a job (or one record that failed), as the page shows and exports it. */
export interface ResultRow {
  /** Unique within the page session; rows keep it across jobs. */
  id: number;
  source: string;
  record: number;
  name: string;
  status: RowStatus;
  /** Why a record failed: parser, featurizer or model message. */
  message?: string;
  smiles?: string;
  formula?: string;
  heavyAtoms?: number;
  atomicNumbers?: number[];
  coords?: number[][];
  molblock?: string;
  fields?: Record<string, string>;
  warnings: DomainWarning[];
  prediction?: MoleculePrediction;
}

export interface ModelInfo {
  name: string;
  version: string;
  /** The model card as published next to the weights; shape owned by src/model. */
  card: unknown;
}

export type ToWorker =
  /** The page's first message: the port to the chemistry worker (RDKit), which it started too. */
  | { type: 'chem-port'; port: MessagePort }
  | { type: 'load-model'; modelUrl: string; backend: BackendChoice }
  | { type: 'run-job'; jobId: number; inputs: JobInput[]; firstRowId: number }
  | { type: 'cancel'; jobId: number }
  | { type: 'validate'; requestId: number; text: string }
  | {
      type: 'contributions';
      requestId: number;
      rowId: number;
      /** The row's structure: the worker re-reads it (it keeps graphs only during a job). */
      molblock?: string;
      smiles?: string;
      target: TargetKey;
    }
  | {
      type: 'benchmark';
      requestId: number;
      smiles: string[];
      singleRepeats: number;
      batchSize: number;
    };

/** Timings measured inside the worker on the active backend (model only, featurizing separately). */
export interface BenchmarkResult {
  backend: BackendName;
  /** Wall time of predict() on one molecule, each repeat. */
  singleMs: number[];
  /** Featurizing the batch from SMILES. */
  featurizeMs: number;
  batchMolecules: number;
  /** Wall time of predict() over the whole batch. */
  batchMs: number;
}

/** One start-up mark; `at` is wall-clock epoch ms so page and worker marks share one timeline. */
export interface StartupStage {
  stage: string;
  at: number;
}

/** A displayed atom: a heavy atom with its hydrogens folded in (or a lone hydrogen). */
export interface AtomContributionView {
  /** Index among the displayed atoms: the atom index of the 2D drawing. */
  index: number;
  element: string;
  hydrogens: number;
  /** Learned contribution in the target's unit. */
  value: number;
}

/**
 * One molecule's atom contributions to one property, ready to show. The prediction splits as
 * value = reference + offset + learned; the atoms sum to `learned` up to the integration error.
 */
export interface ContributionView {
  target: TargetKey;
  atoms: AtomContributionView[];
  learned: number;
  /** Sum of the per-element reference values (0 for targets without one). */
  reference: number;
  /** The prediction for all-zero atom embeddings: the same for every molecule. */
  offset: number;
  value: number;
  steps: number;
  /** Colour scale limit: -range is full blue, +range full red. */
  range: number;
  /** RDKit 2D drawing with each displayed atom highlighted in its colour. */
  svg: string;
}

/** A problem found in pasted text, located by its record (line for SMILES lists). */
export interface InputIssue {
  record: number;
  name: string;
  message: string;
}

export type FromWorker =
  | {
      type: 'model-ready';
      backend: BackendName;
      requested: BackendChoice;
      /** Set when a preferred backend failed and another one took over. */
      fallbackNotice: string | null;
      model: ModelInfo;
      loadMs: number;
      /** Worker start-up marks (worker script, RDKit, each backend tried, model fetch and build, warm-up). */
      stages: StartupStage[];
    }
  | { type: 'model-failed'; requested: BackendChoice; message: string }
  | {
      type: 'job-progress';
      jobId: number;
      phase: 'reading' | 'predicting';
      done: number;
      total: number;
      perSecond: number;
    }
  | { type: 'job-rows'; jobId: number; rows: ResultRow[] }
  | {
      type: 'job-done';
      jobId: number;
      cancelled: boolean;
      molecules: number;
      errors: number;
      /** Wall time of model inference alone (all chunks); null when nothing was predicted. */
      inferenceMs: number | null;
      /** Why predictions are missing, when the model is not loaded. */
      notice: string | null;
    }
  | { type: 'job-failed'; jobId: number; message: string }
  | { type: 'validated'; requestId: number; molecules: number; issues: InputIssue[] }
  | {
      type: 'benchmarked';
      requestId: number;
      result: BenchmarkResult | null;
      error: string | null;
    }
  | {
      type: 'contributions-result';
      requestId: number;
      rowId: number;
      target: TargetKey;
      result: ContributionView | null;
      error: string | null;
    };
