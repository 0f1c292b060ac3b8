// What the page and the prediction worker say to each other: the records they exchange and the
// worker's methods (PredictApi), called through the RPC in rpc.ts.
import type { DomainWarning } from '../../chem/types';
// The light contracts, not the model index: the page's main thread reads these types too.
import type {
  BackendChoice,
  BackendName,
  LoadedCard,
  MoleculePrediction,
  TargetKey,
} from '../../model/contracts';

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
  /** With coords only: the elements of the atoms they place. */
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
  /** The model card loadPredictor parsed (format and version checked); null when the model has none. */
  card: LoadedCard | null;
}

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

/** The model is loaded (first on the backend that answers first, again after a GPU upgrade). */
export interface ModelReady {
  backend: BackendName;
  requested: BackendChoice;
  /** Set when a preferred backend failed and another one took over. */
  fallbackNotice: string | null;
  model: ModelInfo;
  loadMs: number;
  /** Worker start-up marks (worker script, RDKit, each backend tried, model fetch and build, warm-up). */
  stages: StartupStage[];
}

/** What a running job reports: how far it got, and the rows finished since the last report. */
export type JobUpdate =
  | {
      type: 'progress';
      phase: 'reading' | 'predicting';
      done: number;
      total: number;
      perSecond: number;
    }
  | { type: 'rows'; rows: ResultRow[] };

/** How a job ended (a failure rejects the call instead). */
export interface JobDone {
  cancelled: boolean;
  molecules: number;
  errors: number;
  /** Wall time of model inference alone (all chunks); null when nothing was predicted. */
  inferenceMs: number | null;
  /** Threads that predicted (2 when the model helper took chunks); 0 when nothing was predicted. */
  threads: number;
  /** Why predictions are missing, when the model is not loaded. */
  notice: string | null;
}

/** A row's structure, as the page keeps it: the molblock when the input had one, else SMILES. */
export interface StructureSource {
  molblock?: string;
  smiles?: string;
}

/** The prediction worker's methods (see rpc.ts for progress and cancel). */
export interface PredictApi {
  /** The page's first call: the port to the chemistry worker (RDKit), which it started too. */
  connectChem: { args: { port: MessagePort }; result: void };
  /** Reports each ModelReady as progress; rejects with the reason when no backend runs the model. */
  loadModel: {
    args: { modelUrl: string; backend: BackendChoice };
    result: void;
    progress: ModelReady;
  };
  /** Reads and predicts; cancelling stops between chunks and answers with cancelled: true. */
  runJob: {
    args: { inputs: JobInput[]; firstRowId: number };
    result: JobDone;
    progress: JobUpdate;
  };
  /** Pasted text checked record by record, nothing predicted. */
  validate: { args: { text: string }; result: { molecules: number; issues: InputIssue[] } };
  /** One row's atom contributions to one property (the worker re-reads the structure). */
  contributions: {
    args: { structure: StructureSource; target: TargetKey };
    result: ContributionView;
  };
  benchmark: {
    args: { smiles: string[]; singleRepeats: number; batchSize: number };
    result: BenchmarkResult;
  };
}
