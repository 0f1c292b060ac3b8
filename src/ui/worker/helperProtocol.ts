// What the prediction worker says to its model helper (modelHelper.worker.ts): a second copy of the
// wasm model on a thread of its own, which takes every other chunk of a big job.
import type { MoleculePrediction } from '../../model/contracts';
import type { PackedGraphs } from '../../model/packedGraphs';

export interface ModelHelperApi {
  /**
   * Loads the model at this URL on tfjs' wasm backend and predicts the warm-up molecules (packed,
   * transferred) until V8 has optimized the code a job's chunks run; answers after that.
   */
  load: { args: { modelUrl: string; warmUp: PackedGraphs }; result: void };
  /** A chunk's molecules, packed (transferred); the predictions carry no domain warnings. */
  predict: { args: { graphs: PackedGraphs }; result: MoleculePrediction[] };
}
