// A job: the chemistry worker reads the inputs into rows, then the model predicts them chunk by
// chunk, so the table fills while it runs and a cancel is honoured between chunks.
import { batchSizeFor } from '../../model';
import { queuePredictions } from '../../logging';
import { readRows, type ChemClient } from './chemClient';
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
  const predicted = rows.flatMap((row) =>
    row.graph && row.prediction?.values.gap !== undefined
      ? [{ graph: row.graph, gapEv: row.prediction.values.gap }]
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

function cancelledJob(task: JobTask, unsent: WorkerRow[]): JobDone {
  sendRows(task, unsent);
  return { cancelled: true, molecules: 0, errors: 0, inferenceMs: null, notice: null };
}

export async function runJob(
  host: ModelHost,
  chem: ChemClient,
  { inputs, firstRowId }: PredictApi['runJob']['args'],
  task: JobTask,
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
    return await predictWhileReading(host, chem, inputs, firstRowId, task, stopReading.signal);
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
      notice: rows.length > errors ? `No predictions: ${loaded}` : null,
    };
  }

  // A chunk starts once a batch is read and takes whatever else has been read meanwhile, up to
  // CHUNK_BATCHES batches: when the model falls behind the read it catches up in fewer, larger
  // steps (fewer calls, messages and table updates), and the first rows still come after one batch.
  const chunkSize = batchSizeFor(loaded.backend);
  const maxChunk = chunkSize * CHUNK_BATCHES;
  let next = 0; // rows before this index are predicted (or errors) and sent or pending
  let errors = 0;
  let predictedCount = 0;
  let moleculeTotal: number | null = null;
  let started: number | null = null;
  let inferenceMs = 0;
  let pending: WorkerRow[] = [];
  // Drift logging reads its settings from IndexedDB for each chunk: chained instead of awaited, so
  // the model does not wait for the round trip, and awaited before the job answers.
  let logging = Promise.resolve();
  for (;;) {
    while (!readEnded && rows.length - next < chunkSize && !task.signal.aborted) {
      await new Promise<void>((resolve) => (wake = resolve));
    }
    if (task.signal.aborted) {
      // As before the overlap: a cancelled read keeps every record read so far (unpredicted ones
      // waiting for the model); a cancel while predicting keeps the finished rows and the errors.
      const { cancelled } = await reading;
      await logging;
      const rest = rows.slice(next);
      return cancelledJob(
        task,
        pending.concat(cancelled ? rest : rest.filter((row) => row.status === 'error')),
      );
    }
    // A failed read fails the job at once.
    if (readEnded) await reading;
    if (readEnded && next >= rows.length) break;
    const chunk = rows.slice(next, next + maxChunk);
    next += chunk.length;
    const toPredict = chunk.filter((row) => row.status !== 'error');
    errors += chunk.length - toPredict.length;
    if (toPredict.length === 0) {
      pending.push(...chunk);
    } else {
      // Read for each chunk: a GPU upgrade may have replaced (and disposed) the predictor meanwhile.
      const current = host.active;
      if (!current) throw new Error('the model was unloaded during the job');
      const { predictor } = current;
      const t0 = performance.now();
      started ??= t0;
      const predictions = await predictor.predict(toPredict.map((row) => row.graph!));
      inferenceMs += performance.now() - t0;
      let i = 0;
      const withPredictions = chunk.map((row) =>
        row.status === 'error' ? row : withPrediction(row, predictions[i++]),
      );
      pending.push(...withPredictions);
      predictedCount += toPredict.length;
      const logged = withPredictions.filter((row) => row.status !== 'error');
      const model = `${predictor.name} ${predictor.version}`;
      logging = logging.then(() => logPredictions(logged, model));
      if (readEnded) {
        moleculeTotal ??= predictedCount + molecules(rows.slice(next));
        task.progress({
          type: 'progress',
          phase: 'predicting',
          done: predictedCount,
          total: moleculeTotal,
          perSecond: predictedCount / ((performance.now() - started) / 1000 || 1e-3),
        });
      }
    }
    if (pending.length >= ROW_FLUSH) {
      sendRows(task, pending);
      pending = [];
    }
    await yieldToMessages();
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
    inferenceMs: predictedCount > 0 ? inferenceMs : null,
    notice: null,
  };
}
