// The bridge between the page and the prediction worker: actions post messages, worker
// messages land in the store. Components never talk to the worker directly.
import type { TargetKey } from '../model/types';
import { jobOutcome } from './jobOutcome';
import { useApp } from './store';
import type {
  BackendChoice,
  BenchmarkResult,
  ContributionView,
  FromWorker,
  InputIssue,
  JobInput,
  ModelInfo,
  ResultRow,
  StartupStage,
  ToWorker,
} from './worker/protocol';
import type { FromPageToChem } from './worker/chemProtocol';
import { rdkitWasmUrl } from './worker/assets';

/** The registry's production model unless VITE_MODEL_URL names a model directory (or another alias). */
export const MODEL_URL: string =
  import.meta.env.VITE_MODEL_URL ?? `${import.meta.env.BASE_URL}models/registry.json#production`;

let worker: Worker | null = null;
let nextJobId = 1;
let nextRowId = 1;
/** Row ids reserved per job so rows stay unique even though the worker numbers them. */
const ROW_ID_BLOCK = 10_000_000;

function send(message: ToWorker, transfer: Transferable[] = []): void {
  worker ??= startWorkers();
  worker.postMessage(message, transfer);
}

function reportWorkerFailure(which: string): (event: ErrorEvent) => void {
  return (event) =>
    useApp.setState((s) => ({
      backend: {
        ...s.backend,
        status: 'failed',
        error: `${which} worker failed: ${event.message}`,
      },
    }));
}

/**
 * RDKit's 7 MB wasm, compiled in the page and handed to the chemistry worker. Chromium reuses the
 * machine code of earlier visits for a page's streaming compile but not for a worker's: measured
 * here on a warm reload, RDKit's start plus first molecule took 0.1 s after a page compile against
 * 0.7-0.9 s after a worker compile. It also starts before the worker's script has loaded. Null when
 * it fails (a server without the wasm MIME type, say): the worker then compiles it itself.
 */
function compileRdkit(): Promise<WebAssembly.Module | null> {
  performance.mark('rdkit wasm compile start');
  return WebAssembly.compileStreaming(fetch(rdkitWasmUrl)).then(
    (module) => {
      performance.mark('rdkit wasm compile end');
      return module;
    },
    (error: unknown) => {
      console.warn('RDKit wasm: compiling in the page failed, the worker compiles it', error);
      return null;
    },
  );
}

/**
 * Starts the prediction worker (tfjs, the model: the longer start), then RDKit's compile and the
 * chemistry worker, and hands the two workers the ends of a channel: their starts run on two
 * threads, and all chemistry requests reach RDKit through the prediction worker.
 */
function startWorkers(): Worker {
  performance.mark('worker requested');
  const predict = new Worker(new URL('./worker/predict.worker.ts', import.meta.url), {
    type: 'module',
  });
  predict.onmessage = (event: MessageEvent<FromWorker>) => receive(event.data);
  predict.onerror = reportWorkerFailure('prediction');
  const rdkitWasm = compileRdkit();
  performance.mark('chem worker requested');
  const chem = new Worker(new URL('./worker/chem.worker.ts', import.meta.url), { type: 'module' });
  chem.onerror = reportWorkerFailure('chemistry');
  const channel = new MessageChannel();
  chem.postMessage({ type: 'connect', port: channel.port1 } satisfies FromPageToChem, [
    channel.port1,
  ]);
  rdkitWasm.then((module) =>
    chem.postMessage({ type: 'rdkit-wasm', module } satisfies FromPageToChem),
  );
  predict.postMessage({ type: 'chem-port', port: channel.port2 } satisfies ToWorker, [
    channel.port2,
  ]);
  return predict;
}

export function loadModel(backend: BackendChoice): void {
  useApp.setState((s) => ({
    backend: { ...s.backend, requested: backend, status: 'loading', error: null },
  }));
  send({ type: 'load-model', modelUrl: MODEL_URL, backend });
}

/** Rows from the structure editor: each new drawing replaces the previous one. */
export const EDITOR_SOURCE = 'editor';

/** Predicts one molecule as the editor's current one (examples, shared links). */
export function predictSmiles(smiles: string, name: string): void {
  runJob([{ kind: 'text', text: `${smiles} ${name}`, source: EDITOR_SOURCE }], {
    label: name,
    replaceSource: EDITOR_SOURCE,
  });
}

export interface RunOptions {
  label: string;
  /** Rows of this source are replaced (each new drawing replaces the last one); others are kept. */
  replaceSource?: string;
}

export function runJob(inputs: JobInput[], options: RunOptions): number {
  const id = nextJobId++;
  const current = useApp.getState().job;
  if (current && (current.phase === 'reading' || current.phase === 'predicting')) cancelJob();
  const firstRowId = nextRowId;
  nextRowId += ROW_ID_BLOCK;
  useApp.setState((s) => ({
    job: {
      id,
      label: options.label,
      phase: 'reading',
      done: 0,
      total: inputs.length,
      perSecond: 0,
      startedAt: performance.now(),
      notice: null,
    },
    rows: options.replaceSource
      ? s.rows.filter((row) => row.source !== options.replaceSource)
      : s.rows,
  }));
  awaitingFirstRow.set(id, firstRowId);
  const transfer = inputs.flatMap((input) => (input.kind === 'file' ? [input.bytes] : []));
  send({ type: 'run-job', jobId: id, inputs, firstRowId }, transfer);
  return id;
}

/** Jobs whose first molecule has not arrived yet (value: the job's first row id). */
const awaitingFirstRow = new Map<number, number>();

export function cancelJob(): void {
  const job = useApp.getState().job;
  if (!job) return;
  send({ type: 'cancel', jobId: job.id });
}

let nextValidation = 1;
const validations = new Map<
  number,
  (result: { molecules: number; issues: InputIssue[] }) => void
>();

/** Parses pasted text without predicting, for inline validation while the user types. */
export function validateText(text: string): Promise<{ molecules: number; issues: InputIssue[] }> {
  const requestId = nextValidation++;
  return new Promise((resolve) => {
    validations.set(requestId, resolve);
    send({ type: 'validate', requestId, text });
  });
}

const benchmarks = new Map<
  number,
  (reply: { result: BenchmarkResult | null; error: string | null }) => void
>();

/** Times the loaded model inside the worker; used by bench/web.bench.ts through window.qm9Bench. */
export function benchmarkModel(
  smiles: string[],
  singleRepeats: number,
  batchSize: number,
): Promise<BenchmarkResult> {
  const requestId = nextValidation++;
  return new Promise((resolve, reject) => {
    benchmarks.set(requestId, (reply) =>
      reply.result ? resolve(reply.result) : reject(new Error(reply.error ?? 'benchmark failed')),
    );
    send({ type: 'benchmark', requestId, smiles, singleRepeats, batchSize });
  });
}

const contributionRequests = new Map<
  number,
  (reply: FromWorker & { type: 'contributions-result' }) => void
>();

/** Each atom's learned contribution to one property of a row, with a coloured 2D drawing. */
export function requestContributions(row: ResultRow, target: TargetKey): Promise<ContributionView> {
  const requestId = nextValidation++;
  return new Promise((resolve, reject) => {
    contributionRequests.set(requestId, (reply) =>
      reply.result ? resolve(reply.result) : reject(new Error(reply.error ?? 'no contributions')),
    );
    send({
      type: 'contributions',
      requestId,
      rowId: row.id,
      molblock: row.molblock,
      smiles: row.smiles,
      target,
    });
  });
}

const SEEN_MODEL_KEY = 'qm9.lastModel';

/** A notice when the service worker brought a new model since the last visit. */
function modelUpdateNotice(model: ModelInfo): string | null {
  const current = `${model.name} ${model.version}`;
  let previous: string | null = null;
  try {
    previous = localStorage.getItem(SEEN_MODEL_KEY);
    localStorage.setItem(SEEN_MODEL_KEY, current);
  } catch {
    return null; // storage disabled: nothing to compare with
  }
  return previous && previous !== current ? `New model: ${current} (was ${previous}).` : null;
}

/**
 * Puts the worker's start-up marks on the page's performance timeline (DevTools and the web bench read
 * them there), shifted from wall-clock time to this page's navigation.
 */
const markedStages = new Set<string>();
function markWorkerStages(stages: StartupStage[]): void {
  for (const { stage, at } of stages) {
    // Each model-ready repeats the marks before it.
    const key = `${stage}@${at}`;
    if (markedStages.has(key)) continue;
    markedStages.add(key);
    performance.mark(`worker: ${stage}`, { startTime: Math.max(0, at - performance.timeOrigin) });
  }
}

function receive(message: FromWorker): void {
  const state = useApp.getState();
  switch (message.type) {
    case 'model-ready':
      markWorkerStages(message.stages);
      useApp.setState({
        backend: {
          requested: message.requested,
          active: message.backend,
          status: 'ready',
          notice: message.fallbackNotice,
          error: null,
          loadMs: message.loadMs,
        },
        model: message.model,
        modelUpdate: modelUpdateNotice(message.model) ?? state.modelUpdate,
      });
      break;
    case 'model-failed':
      useApp.setState({
        backend: {
          ...state.backend,
          requested: message.requested,
          active: null,
          status: 'failed',
          error: message.message,
        },
      });
      break;
    case 'job-progress':
      if (state.job?.id !== message.jobId) return;
      useApp.setState({
        job: {
          ...state.job,
          phase: message.phase,
          done: message.done,
          total: message.total,
          perSecond: message.perSecond,
        },
      });
      break;
    case 'job-rows': {
      if (state.job?.id !== message.jobId) return;
      const rows = state.rows.concat(message.rows);
      // The job's first molecule becomes the selection; an error row only when nothing parsed.
      const firstMolecule = awaitingFirstRow.has(message.jobId)
        ? message.rows.find((row) => row.status !== 'error')
        : undefined;
      if (firstMolecule) awaitingFirstRow.delete(message.jobId);
      // The page's last start-up mark: after it, only React's render of the first answer.
      if (performance.getEntriesByName('first rows received').length === 0) {
        performance.mark('first rows received');
      }
      useApp.setState({ rows, selectedId: firstMolecule ? firstMolecule.id : state.selectedId });
      break;
    }
    case 'job-done':
      if (state.job?.id !== message.jobId) return;
      {
        const firstRowId = awaitingFirstRow.get(message.jobId);
        awaitingFirstRow.delete(message.jobId);
        const firstError =
          firstRowId === undefined ? undefined : state.rows.find((row) => row.id >= firstRowId);
        if (firstError) useApp.setState({ selectedId: firstError.id });
      }
      useApp.setState({
        job: {
          ...state.job,
          ...jobOutcome(message),
        },
        lastInference:
          message.inferenceMs === null
            ? state.lastInference
            : {
                ms: message.inferenceMs,
                molecules: message.molecules - message.errors,
                backend: state.backend.active,
              },
      });
      break;
    case 'validated':
      validations.get(message.requestId)?.({
        molecules: message.molecules,
        issues: message.issues,
      });
      validations.delete(message.requestId);
      break;
    case 'benchmarked':
      benchmarks.get(message.requestId)?.(message);
      benchmarks.delete(message.requestId);
      break;
    case 'contributions-result':
      contributionRequests.get(message.requestId)?.(message);
      contributionRequests.delete(message.requestId);
      break;
    case 'job-failed':
      if (state.job?.id !== message.jobId) return;
      useApp.setState({ job: { ...state.job, phase: 'failed', notice: message.message } });
      break;
  }
}
