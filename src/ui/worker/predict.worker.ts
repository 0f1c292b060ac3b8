/// <reference lib="webworker" />
// The page's only place for chemistry and inference: parsing 10,000 molecules or running the
// model never blocks the main thread, and cancel is honoured between chunks.
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { initChem, parseSmiles, parseText, readMoleculeFile } from '../../chem';
import type { MoleculeResult } from '../../chem/types';
import { setupBackend } from '../../model/backend';
import { loadPredictor, type Predictor } from '../../model/predictor';
import { chemInitOptions, tfWasmPaths } from './assets';
import { loadWithFallback, type LoadedPredictor } from './backendFallback';
import { softwareRenderer } from './gpuProbe';
import { queuePredictions } from '../../logging';
import { resultToRow, withPrediction, type WorkerRow } from './rows';
import type { BenchmarkResult, FromWorker, JobInput, ToWorker } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
/**
 * Molecules per predict() call. tfjs-cpu's UnsortedSegmentSum costs segments x elements, so on cpu
 * large batches get slower per molecule; small ones also keep cancel responsive there.
 */
function predictChunk(): number {
  return loaded?.backend === 'cpu' ? 16 : 256;
}
const ROW_FLUSH = 256;

let loaded: LoadedPredictor<Predictor> | null = null;
let modelLoading: Promise<void> = Promise.resolve();
let modelProblem: string | null = 'model not loaded yet';
const cancelled = new Set<number>();

// Opt-in drift logging starts here because the graphs are here: the page never holds feature
// matrices. queuePredictions reads the user's consent itself and queues nothing while logging is off.
async function logPredictions(rows: WorkerRow[]): Promise<void> {
  if (!loaded) return;
  const predicted = rows.flatMap((row) =>
    row.graph && row.prediction?.values.gap !== undefined
      ? [{ graph: row.graph, gapEv: row.prediction.values.gap }]
      : [],
  );
  try {
    await queuePredictions(predicted, `${loaded.predictor.name}@${loaded.predictor.version}`);
  } catch (error) {
    // Logging must never cost the user a prediction; the settings panel shows the outbox state.
    console.warn('drift logging: could not queue records', error);
  }
}

// Once per worker: tfjs refuses new wasm paths after the wasm backend has started.
setWasmPaths(tfWasmPaths);

/** A clear message for the usual failure: no model published at that URL (SPA servers answer with a page). */
async function assertModelPublished(modelUrl: string): Promise<void> {
  const url = new URL('model.json', new URL(modelUrl, self.location.href)).toString();
  const response = await fetch(url);
  const type = response.headers.get('content-type') ?? '';
  if (!response.ok || type.includes('text/html')) {
    throw new Error(
      `no model published at ${url} (HTTP ${response.status}${type.includes('html') ? ', an HTML page' : ''})`,
    );
  }
}

/** Methane: the smallest molecule that exercises every layer, to prove a backend and warm its kernels. */
async function warmupGraph() {
  await initChem(chemInitOptions());
  const result = parseSmiles('C', { source: 'warm-up' });
  if (!result.ok) throw new Error(`warm-up molecule failed to parse: ${result.error.message}`);
  return result.molecule;
}

function post(message: FromWorker): void {
  scope.postMessage(message);
}

// A macrotask boundary so that a queued 'cancel' message is handled between chunks.
function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

async function loadModel(
  modelUrl: string,
  requested: ToWorker & { type: 'load-model' },
): Promise<void> {
  const started = performance.now();
  if (loaded) {
    loaded.predictor.dispose();
    loaded = null;
  }
  try {
    // RDKit's wasm compiles while tfjs starts and the weights download.
    const warmup = warmupGraph();
    warmup.catch(() => undefined);
    loaded = await loadWithFallback<Predictor>(requested.backend, {
      init: async (backend) => {
        const software = requested.backend === 'auto' ? await softwareRenderer(backend) : null;
        if (software) throw new Error(`${software}, slower than wasm here`);
        // tfjs bundles webgl, cpu and (via src/model) wasm; WebGPU's backend loads only when tried.
        if (backend === 'webgpu') await import('@tensorflow/tfjs-backend-webgpu');
        await setupBackend({ backend });
      },
      load: async (backend) => {
        await assertModelPublished(modelUrl);
        return loadPredictor(modelUrl, { backend, batchSize: backend === 'cpu' ? 16 : 256 });
      },
      verify: async (predictor) => {
        const [prediction] = await predictor.predict([await warmup]);
        if (!Object.values(prediction.values).every((v) => Number.isFinite(v))) {
          throw new Error('non-finite output on the warm-up molecule');
        }
      },
      dispose: (predictor) => predictor.dispose(),
    });
    modelProblem = null;
    post({
      type: 'model-ready',
      backend: loaded.backend,
      requested: requested.backend,
      fallbackNotice: loaded.notice,
      model: {
        name: loaded.predictor.name,
        version: loaded.predictor.version,
        card: loaded.predictor.card,
      },
      loadMs: performance.now() - started,
    });
  } catch (error) {
    modelProblem = error instanceof Error ? error.message : String(error);
    post({ type: 'model-failed', requested: requested.backend, message: modelProblem });
  }
}

function readInput(input: JobInput): MoleculeResult[] {
  if (input.kind === 'text') return parseText(input.text, input.source);
  return readMoleculeFile(input.name, new Uint8Array(input.bytes));
}

async function runJob(message: ToWorker & { type: 'run-job' }): Promise<void> {
  const { jobId } = message;
  await initChem(chemInitOptions());
  const rows: WorkerRow[] = [];
  let nextId = message.firstRowId;
  let read = 0;
  const readStart = performance.now();
  for (const input of message.inputs) {
    for (const result of readInput(input)) rows.push(resultToRow(result, nextId++));
    read += 1;
    post({
      type: 'job-progress',
      jobId,
      phase: 'reading',
      done: read,
      total: message.inputs.length,
      perSecond: rows.length / ((performance.now() - readStart) / 1000 || 1e-3),
    });
    await yieldToMessages();
    if (cancelled.has(jobId)) return finishCancelled(jobId, rows);
  }

  await modelLoading;
  const toPredict = rows.filter((row) => row.status !== 'error');
  if (!loaded || toPredict.length === 0) {
    flushRows(jobId, rows);
    post({
      type: 'job-done',
      jobId,
      cancelled: false,
      molecules: rows.length,
      errors: rows.filter((row) => row.status === 'error').length,
      inferenceMs: null,
      notice: !loaded && toPredict.length > 0 ? `No predictions: ${modelProblem}` : null,
    });
    return;
  }

  // Errors go out at once; predicted rows follow chunk by chunk so the table fills while it runs.
  flushRows(
    jobId,
    rows.filter((row) => row.status === 'error'),
  );
  const started = performance.now();
  let inferenceMs = 0;
  let pending: WorkerRow[] = [];
  const chunkSize = predictChunk();
  for (let start = 0; start < toPredict.length; start += chunkSize) {
    const chunk = toPredict.slice(start, start + chunkSize);
    const t0 = performance.now();
    const predictions = await loaded.predictor.predict(chunk.map((row) => row.graph!));
    inferenceMs += performance.now() - t0;
    const predicted = chunk.map((row, i) => withPrediction(row, predictions[i]));
    pending.push(...predicted);
    await logPredictions(predicted);
    const done = Math.min(start + chunkSize, toPredict.length);
    post({
      type: 'job-progress',
      jobId,
      phase: 'predicting',
      done,
      total: toPredict.length,
      perSecond: done / ((performance.now() - started) / 1000 || 1e-3),
    });
    if (pending.length >= ROW_FLUSH) {
      flushRows(jobId, pending);
      pending = [];
    }
    await yieldToMessages();
    if (cancelled.has(jobId)) {
      flushRows(jobId, pending);
      return finishCancelled(jobId, []);
    }
  }
  flushRows(jobId, pending);
  post({
    type: 'job-done',
    jobId,
    cancelled: false,
    molecules: rows.length,
    errors: rows.filter((row) => row.status === 'error').length,
    inferenceMs,
    notice: null,
  });
}

async function benchmark(message: ToWorker & { type: 'benchmark' }): Promise<BenchmarkResult> {
  await modelLoading;
  if (!loaded) throw new Error(`no model: ${modelProblem}`);
  await initChem(chemInitOptions());
  const t0 = performance.now();
  const graphs = message.smiles.flatMap((smiles) => {
    const result = parseSmiles(smiles, { source: 'benchmark' });
    return result.ok ? [result.molecule] : [];
  });
  const featurizeMs = performance.now() - t0;
  const batch = Array.from({ length: message.batchSize }, (_, i) => graphs[i % graphs.length]);
  const singleMs: number[] = [];
  for (let i = 0; i < message.singleRepeats; i++) {
    const start = performance.now();
    await loaded.predictor.predict([graphs[i % graphs.length]]);
    singleMs.push(performance.now() - start);
  }
  await loaded.predictor.predict(batch.slice(0, 256));
  const batchStart = performance.now();
  await loaded.predictor.predict(batch);
  const batchMs = performance.now() - batchStart;
  return { backend: loaded.backend, singleMs, featurizeMs, batchMolecules: batch.length, batchMs };
}

async function validate(requestId: number, text: string): Promise<void> {
  await initChem(chemInitOptions());
  const results = parseText(text, 'input');
  const issues = results.flatMap((result) =>
    result.ok
      ? []
      : [{ record: result.error.record, name: result.error.name, message: result.error.message }],
  );
  post({ type: 'validated', requestId, molecules: results.length - issues.length, issues });
}

function flushRows(jobId: number, rows: WorkerRow[]): void {
  if (rows.length === 0) return;
  // The graph stays in the worker: the page needs coordinates and a molblock, not feature matrices.
  post({ type: 'job-rows', jobId, rows: rows.map(({ graph: _graph, ...row }) => row) });
}

function finishCancelled(jobId: number, unsent: WorkerRow[]): void {
  flushRows(jobId, unsent);
  cancelled.delete(jobId);
  post({
    type: 'job-done',
    jobId,
    cancelled: true,
    molecules: 0,
    errors: 0,
    inferenceMs: null,
    notice: null,
  });
}

scope.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'load-model':
      modelLoading = modelLoading.then(() => loadModel(message.modelUrl, message));
      break;
    case 'run-job':
      runJob(message).catch((error: unknown) =>
        post({
          type: 'job-failed',
          jobId: message.jobId,
          message: error instanceof Error ? error.message : String(error),
        }),
      );
      break;
    case 'cancel':
      cancelled.add(message.jobId);
      break;
    case 'benchmark':
      benchmark(message).then(
        (result) =>
          post({ type: 'benchmarked', requestId: message.requestId, result, error: null }),
        (error: unknown) =>
          post({
            type: 'benchmarked',
            requestId: message.requestId,
            result: null,
            error: error instanceof Error ? error.message : String(error),
          }),
      );
      break;
    case 'validate':
      validate(message.requestId, message.text).catch((error: unknown) =>
        post({
          type: 'validated',
          requestId: message.requestId,
          molecules: 0,
          issues: [
            {
              record: 0,
              name: '',
              message: error instanceof Error ? error.message : String(error),
            },
          ],
        }),
      );
      break;
  }
};
