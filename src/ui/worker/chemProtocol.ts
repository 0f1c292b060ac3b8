// Messages between the prediction worker and the chemistry worker (RDKit's own thread), over the
// MessagePort the page hands to both. The page talks only to the prediction worker.
import type { MoleculeGraph } from '../../chem/types';
import type { AtomContributionView, InputIssue, JobInput, StartupStage } from './protocol';
import type { WorkerRow } from './rows';

/** A row's structure, as the page keeps it: the molblock when the input had one, else SMILES. */
export interface StructureSource {
  molblock?: string;
  smiles?: string;
}

/** The chemistry worker's request/answer calls: name -> [argument, answer]. */
export interface ChemCalls {
  /** One SMILES featurized (the model's warm-up molecule). */
  parseSmiles: [{ smiles: string; source: string }, MoleculeGraph];
  /** Pasted text checked record by record, nothing predicted. */
  validate: [{ text: string }, { molecules: number; issues: InputIssue[] }];
  /** SMILES featurized for the page's benchmark; featurizeMs is RDKit's time alone. */
  featurize: [{ smiles: string[] }, { graphs: MoleculeGraph[]; featurizeMs: number }];
  /** A row's structure read again for attribution (the worker keeps no graphs between jobs). */
  reread: [StructureSource, MoleculeGraph];
  /** RDKit's 2D drawing with each displayed atom circled in its contribution colour. */
  drawContributions: [
    { structure: StructureSource; atoms: AtomContributionView[]; range: number },
    string,
  ];
}
export type ChemCallName = keyof ChemCalls;

export type ToChem =
  | {
      [K in ChemCallName]: { type: 'call'; callId: number; name: K; argument: ChemCalls[K][0] };
    }[ChemCallName]
  | { type: 'read'; jobId: number; inputs: JobInput[]; firstRowId: number }
  | { type: 'cancel'; jobId: number };

export type FromChem =
  | { type: 'answer'; callId: number; ok: true; value: unknown }
  | { type: 'answer'; callId: number; ok: false; message: string }
  | { type: 'read-progress'; jobId: number; done: number; total: number; perSecond: number }
  /** Rows read so far in this slice, graphs included (structured clone). */
  | { type: 'read-rows'; jobId: number; rows: WorkerRow[] }
  | { type: 'read-done'; jobId: number; cancelled: boolean }
  | { type: 'read-failed'; jobId: number; message: string }
  /** The chemistry worker's start-up marks (script running, RDKit init), sent once RDKit is up. */
  | { type: 'stages'; stages: StartupStage[] };

/**
 * The page's messages to the chemistry worker: the port to the prediction worker, and RDKit's wasm,
 * which the page starts compiling before this worker's script has even loaded (null: the page could
 * not compile it, the worker compiles it itself).
 */
export type FromPageToChem =
  | { type: 'connect'; port: MessagePort }
  | { type: 'rdkit-wasm'; module: WebAssembly.Module | null };
