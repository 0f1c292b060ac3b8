// A job: the chemistry worker reads the inputs into rows, then the model predicts them chunk by
// chunk, so the table fills while it runs and a cancel is honoured between chunks.
import { batchSizeFor } from '../../model';
import { queuePredictions } from '../../logging';
import { readRows, type ChemClient } from './chemClient';
import type { ModelHost } from './modelHost';
import type { JobDone, PredictApi, ResultRow } from './protocol';
import { yieldToMessages, type Task } from './rpc';
import { withPrediction, type WorkerRow } from './rows';

const ROW_FLUSH = 256;

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
  const { rows, cancelled } = await readRows(chem, inputs, firstRowId, {
    signal: task.signal,
    progress: (done, total, perSecond) =>
      task.progress({ type: 'progress', phase: 'reading', done, total, perSecond }),
  });
  if (cancelled) return cancelledJob(task, rows);

  const loaded = await host.currentOrProblem();
  const errors = rows.filter((row) => row.status === 'error');
  const toPredict = rows.filter((row) => row.status !== 'error');
  if (typeof loaded === 'string' || toPredict.length === 0) {
    sendRows(task, rows);
    return {
      cancelled: false,
      molecules: rows.length,
      errors: errors.length,
      inferenceMs: null,
      notice:
        typeof loaded === 'string' && toPredict.length > 0 ? `No predictions: ${loaded}` : null,
    };
  }

  // Errors go out at once; predicted rows follow chunk by chunk so the table fills while it runs.
  sendRows(task, errors);
  const started = performance.now();
  let inferenceMs = 0;
  let pending: WorkerRow[] = [];
  const chunkSize = batchSizeFor(loaded.backend);
  for (let start = 0; start < toPredict.length; start += chunkSize) {
    const chunk = toPredict.slice(start, start + chunkSize);
    // Read for each chunk: a GPU upgrade may have replaced (and disposed) the predictor meanwhile.
    const current = host.active;
    if (!current) throw new Error('the model was unloaded during the job');
    const { predictor } = current;
    const t0 = performance.now();
    const predictions = await predictor.predict(chunk.map((row) => row.graph!));
    inferenceMs += performance.now() - t0;
    const predicted = chunk.map((row, i) => withPrediction(row, predictions[i]));
    pending.push(...predicted);
    await logPredictions(predicted, `${predictor.name} ${predictor.version}`);
    const done = Math.min(start + chunkSize, toPredict.length);
    task.progress({
      type: 'progress',
      phase: 'predicting',
      done,
      total: toPredict.length,
      perSecond: done / ((performance.now() - started) / 1000 || 1e-3),
    });
    if (pending.length >= ROW_FLUSH) {
      sendRows(task, pending);
      pending = [];
    }
    await yieldToMessages();
    if (task.signal.aborted) return cancelledJob(task, pending);
  }
  sendRows(task, pending);
  return {
    cancelled: false,
    molecules: rows.length,
    errors: errors.length,
    inferenceMs,
    notice: null,
  };
}
