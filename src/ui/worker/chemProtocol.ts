// The chemistry worker's methods (RDKit's own thread), called by the prediction worker over the
// MessagePort the page hands to both, and the page's two calls that set the worker up. The page
// talks only to the prediction worker for everything else.
import type { MoleculeGraph } from '../../chem/types';
import type {
  AtomContributionView,
  InputIssue,
  JobInput,
  StartupStage,
  StructureSource,
} from './protocol';
import type { PackedSlice } from './rows';

/** One slice of a read: its rows and their graphs (packSlice), and how far the read is. */
export interface ReadProgress extends PackedSlice {
  done: number;
  total: number;
  perSecond: number;
}

export interface ChemApi {
  /** One SMILES featurized (the model's warm-up molecule). */
  parseSmiles: { args: { smiles: string; source: string }; result: MoleculeGraph };
  /** Pasted text checked record by record, nothing predicted. */
  validate: { args: { text: string }; result: { molecules: number; issues: InputIssue[] } };
  /** SMILES featurized (the page's benchmark, the model helper's warm-up); featurizeMs is RDKit's alone. */
  featurize: {
    args: { smiles: string[] };
    result: { graphs: MoleculeGraph[]; featurizeMs: number };
  };
  /** A row's structure read again for attribution (the worker keeps no graphs between jobs). */
  reread: { args: StructureSource; result: MoleculeGraph };
  /** RDKit's 2D drawing with each displayed atom circled in its contribution colour. */
  drawContributions: {
    args: { structure: StructureSource; atoms: AtomContributionView[]; range: number };
    result: string;
  };
  /** A job's inputs read into rows, streamed slice by slice; cancelling stops between slices. */
  read: {
    args: { inputs: JobInput[]; firstRowId: number };
    result: { cancelled: boolean };
    progress: ReadProgress;
  };
  /** The worker's start-up marks (script running, RDKit init), once RDKit has started or failed. */
  stages: { args: null; result: StartupStage[] };
}

/**
 * The page's calls to the chemistry worker: the port to the prediction worker, and RDKit's wasm,
 * which the page starts compiling before this worker's script has even loaded (null: the page could
 * not compile it, the worker compiles it itself).
 */
export interface ChemSetupApi {
  connect: { args: { port: MessagePort }; result: void };
  rdkitWasm: { args: { module: WebAssembly.Module | null }; result: void };
}
