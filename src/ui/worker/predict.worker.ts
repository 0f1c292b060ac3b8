/// <reference lib="webworker" />
// The page's only contact for chemistry and inference: parsing 10,000 molecules or running the
// model never blocks the main thread, and cancel is honoured between chunks. RDKit runs in the
// chemistry worker (chem.worker.ts), reached through the port the page hands over first, so that
// RDKit's start and tfjs' start run on two threads.
import { markStage, startupStages, timedStage } from './startupStages';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { setupBackend } from '../../model/backend';
import { loadPredictor, type Predictor } from '../../model/predictor';
import { isRegistryReference, resolveRegistryReference } from '../../model/registrySource';
import { tfWasmPaths } from './assets';
import { ChemClient } from './chemClient';
import {
  loadWithFallback,
  startPlan,
  upgradeBackend,
  type BackendSteps,
  type LoadedPredictor,
} from './backendFallback';
import { prefetchModel } from './modelPrefetch';
import { softwareRenderer } from './gpuProbe';
import { queuePredictions } from '../../logging';
import { withPrediction, type WorkerRow } from './rows';
import { contributionView } from './contributions';
import type { GraphInput } from '../../model/types';
import type {
  BackendChoice,
  BackendName,
  BenchmarkResult,
  ContributionView,
  FromWorker,
  ToWorker,
} from './protocol';

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
let connectChem: (client: ChemClient) => void = () => undefined;
/** The chemistry worker, once the page's 'chem-port' message (its first) has arrived. */
const chem = new Promise<ChemClient>((resolve) => (connectChem = resolve));

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
    await queuePredictions(predicted, `${loaded.predictor.name} ${loaded.predictor.version}`);
  } catch (error) {
    // Logging must never cost the user a prediction; the settings panel shows the outbox state.
    console.warn('drift logging: could not queue records', error);
  }
}

// Once per worker: tfjs refuses new wasm paths after the wasm backend has started.
setWasmPaths(tfWasmPaths);
markStage('worker imports evaluated');

/** A clear message for the usual failure: no model published at that URL (SPA servers answer with a page). */
async function assertModelPublished(modelUrl: string, modelFetch: typeof fetch): Promise<void> {
  const url = new URL('model.json', new URL(modelUrl, self.location.href)).toString();
  const response = await modelFetch(url);
  const type = response.headers.get('content-type') ?? '';
  if (!response.ok || type.includes('text/html')) {
    throw new Error(
      `no model published at ${url} (HTTP ${response.status}${type.includes('html') ? ', an HTML page' : ''})`,
    );
  }
}

/** Methane: the smallest molecule that exercises every layer, to prove a backend and warm its kernels. */
async function warmupGraph(): Promise<GraphInput> {
  return (await chem).call('parseSmiles', { smiles: 'C', source: 'warm-up' });
}

function post(message: FromWorker): void {
  scope.postMessage(message);
}

// A macrotask boundary so that a queued 'cancel' message is handled between chunks.
function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

let runningJobs = 0;
let jobsIdle: (() => void)[] = [];

function jobEnded(): void {
  if (--runningJobs > 0) return;
  for (const resolve of jobsIdle) resolve();
  jobsIdle = [];
}

/**
 * Resolves when no job is running, or after maxMs: the GPU probes (a WebGL context, an adapter
 * request) hold this thread for tens of milliseconds, so they wait for the first answer, but a long
 * batch does not keep the faster backend away for longer than maxMs.
 */
function whenJobsIdle(maxMs: number): Promise<void> {
  if (runningJobs === 0) return Promise.resolve();
  return new Promise((resolve) => {
    jobsIdle.push(resolve);
    setTimeout(resolve, maxMs);
  });
}

/** Bumped by each load-model message; a GPU upgrade still running for an older one gives up. */
let loadGeneration = 0;
/** The background GPU upgrade of the last auto load; a new load waits for it to stop. */
let upgrading: Promise<void> = Promise.resolve();

/** How the worker starts, loads and checks a predictor on one backend (the fallback logic is in backendFallback). */
function predictorSteps(
  modelUrl: string,
  choice: BackendChoice,
  modelFetch: typeof fetch,
  warmup: Promise<GraphInput>,
): BackendSteps<Predictor> {
  return {
    init: async (backend) => {
      const software =
        choice === 'auto'
          ? await timedStage(`${backend} probe`, () => softwareRenderer(backend))
          : null;
      if (software) throw new Error(`${software}, slower than wasm here`);
      await timedStage(`${backend} init`, async () => {
        // src/model brings cpu and wasm; the GPU backends' code loads only when they are tried.
        if (backend === 'webgpu') await import('@tensorflow/tfjs-backend-webgpu');
        if (backend === 'webgl') await import('@tensorflow/tfjs-backend-webgl');
        await setupBackend({ backend });
      });
    },
    load: (backend) =>
      timedStage(`${backend} model load`, async () => {
        await assertModelPublished(modelUrl, modelFetch);
        return loadPredictor(modelUrl, {
          backend,
          batchSize: backend === 'cpu' ? 16 : 256,
          fetch: modelFetch,
        });
      }),
    verify: async (predictor, backend) => {
      const graph = await timedStage('warm-up molecule', () => warmup);
      const [prediction] = await timedStage(`${backend} warm-up predict`, () =>
        predictor.predict([graph]),
      );
      if (!Object.values(prediction.values).every((v) => Number.isFinite(v))) {
        throw new Error('non-finite output on the warm-up molecule');
      }
    },
    dispose: (predictor) => predictor.dispose(),
  };
}

async function postReady(requested: BackendChoice, started: number): Promise<void> {
  if (!loaded) return;
  const chemStages = (await chem).stages();
  post({
    type: 'model-ready',
    backend: loaded.backend,
    requested,
    fallbackNotice: loaded.notice,
    model: {
      name: loaded.predictor.name,
      version: loaded.predictor.version,
      card: loaded.predictor.card,
    },
    loadMs: performance.now() - started,
    stages: [...startupStages(), ...chemStages].sort((a, b) => a.at - b.at),
  });
}

async function loadModel(
  reference: string,
  requested: ToWorker & { type: 'load-model' },
): Promise<void> {
  const started = performance.now();
  const generation = ++loadGeneration;
  markStage(`load-model ${requested.backend}`);
  await upgrading;
  if (loaded) {
    loaded.predictor.dispose();
    loaded = null;
  }
  try {
    // Read on every load, so a reload picks up a promotion.
    const modelUrl = isRegistryReference(reference)
      ? `${(await resolveRegistryReference(new URL(reference, self.location.href).toString())).location}/`
      : reference;
    // RDKit's wasm compiles while tfjs starts and the model files download.
    const modelFetch = prefetchModel(modelUrl);
    const warmup = warmupGraph();
    warmup.catch(() => undefined);
    const steps = predictorSteps(modelUrl, requested.backend, modelFetch, warmup);
    const plan = startPlan(requested.backend);
    loaded = await loadWithFallback<Predictor>(requested.backend, steps, plan.first);
    modelProblem = null;
    await postReady(requested.backend, started);
    if (plan.upgrades.length > 0) {
      // After a macrotask, so that the first job (queued behind this load) starts, and then after
      // it has answered, so that the probes do not delay the first prediction.
      upgrading = yieldToMessages()
        .then(() => whenJobsIdle(1000))
        .then(() =>
          upgradeInBackground(plan.upgrades, steps, requested.backend, started, generation),
        );
    }
  } catch (error) {
    modelProblem = error instanceof Error ? error.message : String(error);
    post({ type: 'model-failed', requested: requested.backend, message: modelProblem });
  }
}

/**
 * Moves an auto load from wasm to the preferred GPU backend once that one proves it runs the model.
 * Jobs keep predicting on the current predictor meanwhile; tfjs copies tensors between backends if a
 * job's step runs while the global backend has already changed.
 */
async function upgradeInBackground(
  upgrades: BackendName[],
  steps: BackendSteps<Predictor>,
  requested: BackendChoice,
  started: number,
  generation: number,
): Promise<void> {
  const current = loaded;
  if (!current) return;
  const stopped = () => generation !== loadGeneration;
  try {
    const result = await upgradeBackend(current, upgrades, steps, stopped);
    if (!result || stopped()) return;
    // The search may have left active a backend that started but could not run the model.
    await setupBackend({ backend: result.backend });
    if (result.predictor !== current.predictor) current.predictor.dispose();
    loaded = result;
    await postReady(requested, started);
  } catch (error) {
    // The model keeps running where it runs now; only the faster backend is lost.
    console.warn('backend upgrade failed', error);
  }
}

async function runJob(message: ToWorker & { type: 'run-job' }): Promise<void> {
  const { jobId } = message;
  const read = await (
    await chem
  ).read(jobId, message.inputs, message.firstRowId, {
    progress: (done, total, perSecond) =>
      post({ type: 'job-progress', jobId, phase: 'reading', done, total, perSecond }),
  });
  const rows = read.rows;
  if (read.cancelled) return finishCancelled(jobId, rows);

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
  const { graphs, featurizeMs } = await (await chem).call('featurize', { smiles: message.smiles });
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

function contributions(message: ToWorker & { type: 'contributions' }): void {
  const { requestId, rowId, target } = message;
  const reply = (result: ContributionView | null, error: string | null) =>
    post({ type: 'contributions-result', requestId, rowId, target, result, error });
  const structure = { molblock: message.molblock, smiles: message.smiles };
  modelLoading
    .then(async () => {
      if (!loaded) throw new Error(`no model: ${modelProblem}`);
      const client = await chem;
      const graph = await client.call('reread', structure);
      return contributionView(loaded.predictor, graph, target, (atoms, range) =>
        client.call('drawContributions', { structure, atoms, range }),
      );
    })
    .then(
      (result) => reply(result, null),
      (error: unknown) => reply(null, error instanceof Error ? error.message : String(error)),
    );
}

async function validate(requestId: number, text: string): Promise<void> {
  const { molecules, issues } = await (await chem).call('validate', { text });
  post({ type: 'validated', requestId, molecules, issues });
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
    case 'chem-port':
      connectChem(new ChemClient(message.port));
      break;
    case 'load-model':
      modelLoading = modelLoading.then(() => loadModel(message.modelUrl, message));
      break;
    case 'run-job':
      runningJobs++;
      runJob(message)
        .catch((error: unknown) =>
          post({
            type: 'job-failed',
            jobId: message.jobId,
            message: error instanceof Error ? error.message : String(error),
          }),
        )
        .finally(jobEnded);
      break;
    case 'cancel':
      cancelled.add(message.jobId);
      void chem.then((client) => client.cancel(message.jobId));
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
    case 'contributions':
      contributions(message);
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
