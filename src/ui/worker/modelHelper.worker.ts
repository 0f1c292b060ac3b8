/// <reference lib="webworker" />
// The model helper: the prediction worker's second thread for big jobs on wasm. tfjs' wasm kernels
// (matrix products included) run on the calling thread only, so one worker predicts on one core;
// on a machine with two or more, this worker predicts chunks of a big job on another.
import { batchSizeFor, loadPredictor, locateWasmFiles, type Predictor } from '../../model';
import { tfWasmPaths } from '../../model/runtime/wasmAssets';
import type { ModelHelperApi } from './helperProtocol';
import { serve } from './rpc';

const scope = self as unknown as DedicatedWorkerGlobalScope;
locateWasmFiles(tfWasmPaths);

/**
 * Passes over the warm-up molecules: enough for V8 to optimize the code a chunk runs (packing,
 * environment plans, the forward pass, the output transform) before a job needs this thread.
 */
const WARM_UP_PASSES = 8;

let predictor: Promise<Predictor> = Promise.reject(new Error('the helper has no model yet'));
predictor.catch(() => undefined);

serve<ModelHelperApi>(scope, {
  load: async ({ modelUrl, warmUp }) => {
    const batchSize = batchSizeFor('wasm');
    predictor = loadPredictor(modelUrl, { backend: 'wasm', batchSize });
    predictor.catch(() => undefined);
    const loaded = await predictor;
    // A fresh pack object each pass: the predictor caches a pack's batches and plans by identity,
    // and a job's chunks are new packs, whose batches and plans are built each time.
    for (let pass = 0; pass < WARM_UP_PASSES; pass++) await loaded.predictPacked({ ...warmUp });
  },
  predict: async ({ graphs }) => (await predictor).predictPacked(graphs),
});
