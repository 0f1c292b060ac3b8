// A job: the chemistry worker reads the inputs into rows, then the model predicts them chunk by
// chunk, so the table fills while it runs and a cancel is honoured between chunks.
import {
  batchSizeFor,
  graphAt,
  joinPacked,
  type MoleculePrediction,
  type PackedGraphs,
  type Predictor,
} from '../../model';
import { queuePredictions } from '../../logging';
import { readRows, type ChemClient } from './chemClient';
import { cores } from './modelHelper';
import type { ModelHost } from './modelHost';
import type { JobDone, JobInput, PredictApi, ResultRow } from './protocol';
import { yieldToMessages, type Task } from './rpc';
import { withPrediction, type WorkerRow } from './rows';

const ROW_FLUSH = 256;
const CHUNK_BATCHES = 4;

type JobTask = Task<PredictApi['runJob']['progress']>;

// Opt-in drift logging starts here because the graphs are here: the page never holds feature
// matrices. queuePredictions reads the user's consent itself and queues nothing while logging is off.
async function logPredictions(rows: WorkerRow[], model: string): Promise<void> {
  const predicted = rows.flatMap(({ graph, prediction, smiles }) =>
    graph && prediction?.values.gap !== undefined
      ? [
          {
            graph: () => ({ ...graphAt(graph.packed, graph.index), smiles }),
            gapEv: prediction.values.gap,
          },
        ]
      : [],
  );
  try {
    await queuePredictions(predicted, model);
  } catch (error) {
    // Logging must never cost the user a prediction; the settings panel shows the outbox state.
    console.warn('drift logging: could not queue records', error);
  }
}

function sendRows(task: JobTask, rows: WorkerRow[]): void {
  if (rows.length === 0) return;
  // The graph stays in the worker: the page needs coordinates and a molblock, not feature matrices.
  const pageRows: ResultRow[] = rows.map(({ graph: _graph, ...row }) => row);
  task.progress({ type: 'rows', rows: pageRows });
}

function molecules(rows: WorkerRow[]): number {
  return rows.reduce((n, row) => (row.status === 'error' ? n : n + 1), 0);
}

/** The graphs of the rows the model can predict, in one pack (they came in several slices). */
function graphsOf(rows: WorkerRow[]): PackedGraphs {
  return joinPacked(rows.flatMap((row) => (row.status === 'error' ? [] : [row.graph!])));
}

/** A chunk of a job's rows on its way through the model; chunks are finished in job order. */
interface Dispatched {
  chunk: WorkerRow[];
  /** Who predicts the chunk here (and names the model in the log); null when it has no molecules. */
  predictor: Predictor | null;
  /** Absent when the helper failed: this thread predicts the chunk instead. */
  predictions?: MoleculePrediction[];
  settled: boolean;
  /** Resolves once settled. */
  done: Promise<void>;
}

/** Time with at least one chunk being predicted, on either thread: the job's inference time. */
function busyClock() {
  let running = 0;
  let since = 0;
  let total = 0;
  return {
    begin() {
      if (running++ === 0) since = performance.now();
    },
    end() {
      if (--running === 0) total += performance.now() - since;
    },
    total: () => total,
  };
}

function cancelledJob(task: JobTask, unsent: WorkerRow[]): JobDone {
  sendRows(task, unsent);
  return { cancelled: true, molecules: 0, errors: 0, inferenceMs: null, threads: 0, notice: null };
}

/** `log: false` keeps the job out of drift logging whatever the user chose (a rehearsal). */
export async function runJob(
  host: ModelHost,
  chem: ChemClient,
  { inputs, firstRowId }: PredictApi['runJob']['args'],
  task: JobTask,
  { log = true }: { log?: boolean } = {},
): Promise<JobDone> {
  // The chemistry worker reads on its own thread while this one predicts what it has read so far:
  // on two cores the read and the model overlap instead of taking turns. Progress still shows
  // reading until the read ends, then predicting over every molecule of the job.
  // The read stops with the job, whether it is cancelled or fails while predicting.
  const stopReading = new AbortController();
  const stop = () => stopReading.abort();
  if (task.signal.aborted) stop();
  else task.signal.addEventListener('abort', stop, { once: true });
  try {
    return await predictWhileReading(host, chem, inputs, firstRowId, task, stopReading.signal, log);
  } finally {
    task.signal.removeEventListener('abort', stop);
    stop();
  }
}

async function predictWhileReading(
  host: ModelHost,
  chem: ChemClient,
  inputs: JobInput[],
  firstRowId: number,
  task: JobTask,
  readSignal: AbortSignal,
  log: boolean,
): Promise<JobDone> {
  const rows: WorkerRow[] = [];
  let readEnded = false;
  let wake: () => void = () => undefined;
  const arrived = () => wake();
  const reading = readRows(chem, inputs, firstRowId, {
    signal: readSignal,
    progress: (done, total, perSecond) =>
      task.progress({ type: 'progress', phase: 'reading', done, total, perSecond }),
    rows,
    arrived,
  });
  // Settles the flag without handling the outcome: `await reading` below reports a failed read.
  void reading.then(
    () => ((readEnded = true), arrived()),
    () => ((readEnded = true), arrived()),
  );

  const loaded = await host.currentOrProblem();
  if (typeof loaded === 'string') {
    const { cancelled } = await reading;
    if (cancelled) return cancelledJob(task, rows);
    const errors = rows.filter((row) => row.status === 'error').length;
    sendRows(task, rows);
    return {
      cancelled: false,
      molecules: rows.length,
      errors,
      inferenceMs: null,
      threads: 0,
      notice: rows.length > errors ? `No predictions: ${loaded}` : null,
    };
  }

  // A chunk starts once a batch is read and takes whatever else has been read meanwhile, up to
  // CHUNK_BATCHES batches: when the model falls behind the read it catches up in fewer, larger
  // steps (fewer calls, messages and table updates), and the first rows still come after one batch.
  // On wasm, once the model helper (another thread with its own copy of the model) has started,
  // it takes chunks whenever it is free (on two cores only after the read); chunks are finished in
  // job order whichever thread predicted them.
  const chunkSize = batchSizeFor(loaded.backend);
  const maxChunk = chunkSize * CHUNK_BATCHES;
  let next = 0; // rows before this index are in `dispatched` or finished
  const dispatched: Dispatched[] = [];
  let errors = 0;
  let predictedCount = 0;
  let moleculeTotal: number | null = null;
  let started: number | null = null;
  const busy = busyClock();
  let predictedHere = false;
  let predictedByHelper = false;
  let pending: WorkerRow[] = [];
  // Drift logging reads its settings from IndexedDB for each chunk: chained instead of awaited, so
  // the model does not wait for the round trip, and awaited before the job answers.
  let logging = Promise.resolve();

  const predictHere = async (predictor: Predictor, chunk: WorkerRow[]) => {
    predictedHere = true;
    busy.begin();
    try {
      return await predictor.predictPacked(graphsOf(chunk));
    } finally {
      busy.end();
    }
  };
  // A chunk's rows with their predictions, into the rows the page gets next.
  const finish = async (item: Dispatched) => {
    let predictions = item.predictions;
    // The helper could not answer: this thread predicts the chunk (and reports its failure, if any).
    if (item.predictor && !predictions) predictions = await predictHere(item.predictor, item.chunk);
    if (!item.predictor || !predictions) {
      pending.push(...item.chunk);
      return;
    }
    let i = 0;
    const withPredictions = item.chunk.map((row) =>
      row.status === 'error' ? row : withPrediction(row, predictions[i++]),
    );
    pending.push(...withPredictions);
    predictedCount += i;
    if (log) {
      const logged = withPredictions.filter((row) => row.status !== 'error');
      const model = `${item.predictor.name} ${item.predictor.version}`;
      logging = logging.then(() => logPredictions(logged, model));
    }
    if (readEnded) {
      moleculeTotal ??=
        predictedCount +
        dispatched.reduce((n, d) => n + molecules(d.chunk), 0) +
        molecules(rows.slice(next));
      task.progress({
        type: 'progress',
        phase: 'predicting',
        done: predictedCount,
        total: moleculeTotal,
        perSecond: predictedCount / ((performance.now() - started!) / 1000 || 1e-3),
      });
    }
  };
  const finishReady = async () => {
    while (dispatched.length > 0 && dispatched[0].settled) await finish(dispatched.shift()!);
  };

  for (;;) {
    while (!readEnded && rows.length - next < chunkSize && !task.signal.aborted) {
      await new Promise<void>((resolve) => (wake = resolve));
    }
    if (task.signal.aborted) {
      // As before the overlap: a cancelled read keeps every record read so far (unpredicted ones
      // waiting for the model); a cancel while predicting keeps the finished rows and the errors.
      const { cancelled } = await reading;
      const keep = (chunk: WorkerRow[]) =>
        cancelled ? chunk : chunk.filter((row) => row.status === 'error');
      while (dispatched.length > 0) {
        const item = dispatched.shift()!;
        if (item.settled && (item.predictions || !item.predictor)) await finish(item);
        else pending.push(...keep(item.chunk));
      }
      await logging;
      return cancelledJob(task, pending.concat(keep(rows.slice(next))));
    }
    // A failed read fails the job at once.
    if (readEnded) await reading;
    if (readEnded && next >= rows.length) break;
    // Read for each chunk: a GPU upgrade may have replaced (and disposed) the predictor meanwhile.
    const current = host.active;
    if (!current) throw new Error('the model was unloaded during the job');
    const { predictor } = current;
    // While RDKit still reads (the job's critical path) a second model thread would take its core
    // on a two-core machine; with more cores, or once the read is over, the helper joins in.
    const lane = host.helper;
    const helperTurn = readEnded || cores() > 2;
    const helper = helperTurn && lane?.idle && current.backend === 'wasm' ? lane : null;
    // After the read the rest is shared out evenly, so that neither thread finishes long after the other.
    const size = readEnded
      ? Math.min(maxChunk, Math.max(chunkSize, Math.ceil((rows.length - next) / 2)))
      : maxChunk;
    const chunk = rows.slice(next, next + size);
    next += chunk.length;
    const toPredict = molecules(chunk);
    errors += chunk.length - toPredict;
    if (toPredict === 0) {
      dispatched.push({ chunk, predictor: null, settled: true, done: Promise.resolve() });
    } else {
      started ??= performance.now();
      if (helper) {
        const item: Dispatched = { chunk, predictor, settled: false, done: Promise.resolve() };
        busy.begin();
        item.done = helper
          .predict(graphsOf(chunk))
          .then(
            (predictions) => {
              item.predictions = predictions;
              predictedByHelper = true;
            },
            (error: unknown) => console.warn('model helper: predicting here instead', error),
          )
          .finally(() => {
            item.settled = true;
            busy.end();
            wake();
          });
        dispatched.push(item);
      } else {
        const predictions = await predictHere(predictor, chunk);
        dispatched.push({ chunk, predictor, predictions, settled: true, done: Promise.resolve() });
      }
    }
    await finishReady();
    if (pending.length >= ROW_FLUSH) {
      sendRows(task, pending);
      pending = [];
    }
    await yieldToMessages();
  }
  while (dispatched.length > 0) {
    await dispatched[0].done;
    await finish(dispatched.shift()!);
  }
  const { cancelled } = await reading;
  await logging;
  if (cancelled) return cancelledJob(task, pending);
  if (predictedCount > 0 && moleculeTotal === null) {
    // The read ended just after the last chunk was predicted: the job still passes through
    // predicting, as every job with molecules does.
    task.progress({
      type: 'progress',
      phase: 'predicting',
      done: predictedCount,
      total: predictedCount,
      perSecond: predictedCount / ((performance.now() - (started ?? 0)) / 1000 || 1e-3),
    });
  }
  sendRows(task, pending);
  return {
    cancelled: false,
    molecules: rows.length,
    errors,
    inferenceMs: predictedCount > 0 ? busy.total() : null,
    threads: (predictedHere ? 1 : 0) + (predictedByHelper ? 1 : 0),
    notice: null,
  };
}
