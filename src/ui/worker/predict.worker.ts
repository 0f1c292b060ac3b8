/// <reference lib="webworker" />
// The page's only place for chemistry and inference: parsing 10,000 molecules or running the
// model never blocks the main thread, and cancel is honoured between chunks.
import { initChem, parseText, readMoleculeFile } from '../../chem';
import type { MoleculeResult } from '../../chem/types';
// Registers the WebGPU backend; tfjs itself bundles webgl, cpu and (via src/model) wasm.
import '@tensorflow/tfjs-backend-webgpu';
import { loadPredictor, type Predictor } from '../../model/predictor';
import { chemInitOptions, predictorAssetOptions } from './assets';
import { loadWithFallback, type LoadedPredictor } from './backendFallback';
import { resultToRow, withPrediction, type WorkerRow } from './rows';
import type { FromWorker, JobInput, ToWorker } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const PREDICT_CHUNK = 256;
const ROW_FLUSH = 256;

let loaded: LoadedPredictor<Predictor> | null = null;
let modelLoading: Promise<void> = Promise.resolve();
let modelProblem: string | null = 'model not loaded yet';
const cancelled = new Set<number>();

function post(message: FromWorker): void {
  scope.postMessage(message);
}

// A macrotask boundary so that a queued 'cancel' message is handled between chunks.
function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

async function loadModel(modelUrl: string, requested: ToWorker & { type: 'load-model' }): Promise<void> {
  const started = performance.now();
  if (loaded) {
    loaded.predictor.dispose();
    loaded = null;
  }
  try {
    loaded = await loadWithFallback(requested.backend, (backend) =>
      loadPredictor(modelUrl, { backend, ...predictorAssetOptions() }),
    );
    modelProblem = null;
    post({
      type: 'model-ready',
      backend: loaded.backend,
      requested: requested.backend,
      fallbackNotice: loaded.notice,
      model: { name: loaded.predictor.name, version: loaded.predictor.version, card: loaded.predictor.card },
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
  for (let start = 0; start < toPredict.length; start += PREDICT_CHUNK) {
    const chunk = toPredict.slice(start, start + PREDICT_CHUNK);
    const t0 = performance.now();
    const predictions = await loaded.predictor.predict(chunk.map((row) => row.graph!));
    inferenceMs += performance.now() - t0;
    chunk.forEach((row, i) => pending.push(withPrediction(row, predictions[i])));
    const done = Math.min(start + PREDICT_CHUNK, toPredict.length);
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

async function validate(requestId: number, text: string): Promise<void> {
  await initChem(chemInitOptions());
  const results = parseText(text, 'input');
  const issues = results.flatMap((result) =>
    result.ok ? [] : [{ record: result.error.record, name: result.error.name, message: result.error.message }],
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
  post({ type: 'job-done', jobId, cancelled: true, molecules: 0, errors: 0, inferenceMs: null, notice: null });
}

scope.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'load-model':
      modelLoading = modelLoading.then(() => loadModel(message.modelUrl, message));
      break;
    case 'run-job':
      runJob(message).catch((error: unknown) =>
        post({ type: 'job-failed', jobId: message.jobId, message: error instanceof Error ? error.message : String(error) }),
      );
      break;
    case 'cancel':
      cancelled.add(message.jobId);
      break;
    case 'validate':
      validate(message.requestId, message.text).catch((error: unknown) =>
        post({
          type: 'validated',
          requestId: message.requestId,
          molecules: 0,
          issues: [{ record: 0, name: '', message: error instanceof Error ? error.message : String(error) }],
        }),
      );
      break;
  }
};
