// What the prediction worker says to its model helper (modelHelper.worker.ts): a second copy of the
// wasm model on a thread of its own, which takes every other chunk of a big job.
import type { MoleculePrediction } from '../../model/contracts';

export interface ModelHelperApi {
  /**
   * Loads the model at this URL on tfjs' wasm backend and predicts the warm-up molecule (JSON, as
   * in predict) until V8 has optimized the code a job runs; answers after that.
   */
  load: { args: { modelUrl: string; warmUp: string }; result: void };
  /**
   * The molecules' graphs as JSON (GraphInput[]: x, edgeIndex, edgeAttr, warnings): the receiving
   * side builds their small arrays several times faster from JSON than from a structured clone.
   */
  predict: { args: { graphs: string }; result: MoleculePrediction[] };
}
