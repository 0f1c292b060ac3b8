/// <reference lib="webworker" />
// The model helper: the prediction worker's second thread for big jobs on wasm. tfjs' wasm kernels
// (matrix products included) run on the calling thread only, so one worker predicts on one core;
// on a machine with two or more, this worker predicts chunks of a big job on another.
import {
  batchSizeFor,
  loadPredictor,
  locateWasmFiles,
  type GraphInput,
  type Predictor,
} from '../../model';
import { tfWasmPaths } from '../../model/runtime/wasmAssets';
import type { ModelHelperApi } from './helperProtocol';
import { serve } from './rpc';

const scope = self as unknown as DedicatedWorkerGlobalScope;
locateWasmFiles(tfWasmPaths);

/** Forward passes of a full batch of warm-up molecules: enough for V8 to optimize the hot code. */
const WARM_UP_PASSES = 8;

let predictor: Promise<Predictor> = Promise.reject(new Error('the helper has no model yet'));
predictor.catch(() => undefined);

serve<ModelHelperApi>(scope, {
  load: async ({ modelUrl, warmUp }) => {
    const batchSize = batchSizeFor('wasm');
    predictor = loadPredictor(modelUrl, { backend: 'wasm', batchSize });
    predictor.catch(() => undefined);
    const loaded = await predictor;
    const batch = Array<GraphInput>(batchSize).fill(warmUp);
    for (let pass = 0; pass < WARM_UP_PASSES; pass++) await loaded.predict(batch);
  },
  predict: async ({ graphs }) => (await predictor).predictPacked(graphs),
});
