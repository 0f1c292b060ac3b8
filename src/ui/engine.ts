// The bridge between the page and the prediction worker: actions call the worker through the RPC,
// and what comes back is emitted as events. The store subscribes to them (store.ts), so the engine
// runs, and is tested, without React. Components never talk to the worker directly.
import type { BackendChoice, TargetKey } from '../model';
import { MODELS_PATH, registryReference } from '../model/contracts';
import type { EngineEvent } from './engineEvents';
import { followEngine } from './store';

export type { EngineEvent };
import type {
  BenchmarkResult,
  ContributionView,
  InputIssue,
  JobInput,
  ModelInfo,
  PredictApi,
  ResultRow,
  StartupStage,
} from './worker/protocol';
import { RpcClient, type RpcPort } from './worker/rpc';
import { startWorkers } from './worker/startWorkers';

/** Where the engine remembers the last model it loaded (the page's localStorage). */
export type SeenModelStore = Pick<Storage, 'getItem' | 'setItem'>;

export interface EngineOptions {
  modelUrl: string;
  /** Starts the workers on the first call; `failed` reports a worker that died. */
  start(failed: (message: string) => void): { predict: RpcPort; chemPort?: MessagePort };
  /** Default: the page's localStorage, read when a model is ready. */
  seenModels?: () => SeenModelStore;
}

export interface RunOptions {
  label: string;
  /** Rows of this source are replaced (each new drawing replaces the last one); others are kept. */
  replaceSource?: string;
}

/** Row ids reserved per job so rows stay unique even though the worker numbers them. */
const ROW_ID_BLOCK = 10_000_000;
const SEEN_MODEL_KEY = 'qm9.lastModel';

/** A notice when this visit loaded another model than the last one (a promotion, a new build). */
function modelUpdateNotice(model: ModelInfo, seenModels: () => SeenModelStore): string | null {
  const current = `${model.name} ${model.version}`;
  let previous: string | null = null;
  try {
    const seen = seenModels();
    previous = seen.getItem(SEEN_MODEL_KEY);
    seen.setItem(SEEN_MODEL_KEY, current);
  } catch {
    return null; // storage disabled (or none, in Node): nothing to compare with
  }
  return previous && previous !== current ? `New model: ${current} (was ${previous}).` : null;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class Engine {
  private client: RpcClient<PredictApi> | null = null;
  private readonly listeners = new Set<(event: EngineEvent) => void>();
  /** Model loads asked for so far. */
  private loads = 0;
  private nextJobId = 1;
  private nextRowId = 1;
  /** The latest job while it runs: a new job or the Cancel button aborts it. */
  private running: { id: number; controller: AbortController } | null = null;
  /** Jobs whose first molecule has not arrived yet (value: the job's first row id). */
  private readonly awaitingFirstRow = new Map<number, number>();
  private readonly markedStages = new Set<string>();

  private readonly seenModels: () => SeenModelStore;

  constructor(private readonly options: EngineOptions) {
    this.seenModels = options.seenModels ?? (() => localStorage);
  }

  /** Calls `listener` with every event from now on; returns the unsubscribe. */
  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: EngineEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private get worker(): RpcClient<PredictApi> {
    if (!this.client) {
      const started = this.options.start((message) =>
        this.emit({ type: 'worker-failed', message }),
      );
      this.client = new RpcClient<PredictApi>(started.predict);
      const { chemPort } = started;
      if (chemPort) {
        void this.client.call('connectChem', { port: chemPort }, { transfer: [chemPort] });
      }
    }
    return this.client;
  }

  loadModel(backend: BackendChoice): void {
    const load = ++this.loads;
    // Only the latest load speaks: an older one's GPU upgrade may still answer after a new choice.
    const latest = () => load === this.loads;
    this.emit({ type: 'model-loading', requested: backend });
    this.worker
      .call(
        'loadModel',
        { modelUrl: this.options.modelUrl, backend },
        {
          onProgress: (ready) => {
            if (!latest()) return;
            this.markWorkerStages(ready.stages);
            this.emit({
              type: 'model-ready',
              ready,
              modelUpdate: modelUpdateNotice(ready.model, this.seenModels),
            });
          },
        },
      )
      .catch((error: unknown) => {
        if (latest()) {
          this.emit({ type: 'model-failed', requested: backend, message: reason(error) });
        }
      });
  }

  runJob(inputs: JobInput[], options: RunOptions): number {
    const jobId = this.nextJobId++;
    this.cancelJob();
    const firstRowId = this.nextRowId;
    this.nextRowId += ROW_ID_BLOCK;
    this.emit({
      type: 'job-started',
      jobId,
      label: options.label,
      total: inputs.length,
      startedAt: performance.now(),
      replaceSource: options.replaceSource,
    });
    this.awaitingFirstRow.set(jobId, firstRowId);
    const controller = new AbortController();
    this.running = { id: jobId, controller };
    this.worker
      .call(
        'runJob',
        { inputs, firstRowId },
        {
          signal: controller.signal,
          transfer: inputs.flatMap((input) => (input.kind === 'file' ? [input.bytes] : [])),
          onProgress: (update) =>
            update.type === 'rows'
              ? this.rowsArrived(jobId, update.rows)
              : this.emit({ ...update, type: 'job-progress', jobId }),
        },
      )
      .then(
        (outcome) => {
          const firstRowId = this.awaitingFirstRow.get(jobId);
          this.awaitingFirstRow.delete(jobId);
          this.emit({ type: 'job-done', jobId, outcome, selectFrom: firstRowId ?? null });
        },
        (error: unknown) => this.emit({ type: 'job-failed', jobId, message: reason(error) }),
      )
      .finally(() => {
        if (this.running?.id === jobId) this.running = null;
      });
    return jobId;
  }

  private rowsArrived(jobId: number, rows: ResultRow[]): void {
    // The job's first molecule becomes the selection; an error row only when nothing parsed.
    const firstMolecule = this.awaitingFirstRow.has(jobId)
      ? rows.find((row) => row.status !== 'error')
      : undefined;
    if (firstMolecule) this.awaitingFirstRow.delete(jobId);
    // The page's last start-up mark: after it, only React's render of the first answer.
    if (performance.getEntriesByName('first rows received').length === 0) {
      performance.mark('first rows received');
    }
    this.emit({ type: 'job-rows', jobId, rows, select: firstMolecule?.id ?? null });
  }

  /** Stops the running job between chunks; it ends as cancelled with the rows it finished. */
  cancelJob(): void {
    this.running?.controller.abort();
  }

  /** Parses pasted text without predicting, for inline validation while the user types. */
  validateText(text: string): Promise<{ molecules: number; issues: InputIssue[] }> {
    return this.worker.call('validate', { text });
  }

  /** Times the loaded model inside the worker; used by bench/web.bench.ts through window.qm9Bench. */
  benchmarkModel(
    smiles: string[],
    singleRepeats: number,
    batchSize: number,
  ): Promise<BenchmarkResult> {
    return this.worker.call('benchmark', { smiles, singleRepeats, batchSize });
  }

  /** Each atom's learned contribution to one property of a row, with a coloured 2D drawing. */
  requestContributions(row: ResultRow, target: TargetKey): Promise<ContributionView> {
    return this.worker.call('contributions', {
      structure: { molblock: row.molblock, smiles: row.smiles },
      target,
    });
  }

  /**
   * Puts the worker's start-up marks on the page's performance timeline (DevTools and the web bench
   * read them there), shifted from wall-clock time to this page's navigation.
   */
  private markWorkerStages(stages: StartupStage[]): void {
    for (const { stage, at } of stages) {
      // Each model-ready repeats the marks before it.
      const key = `${stage}@${at}`;
      if (this.markedStages.has(key)) continue;
      this.markedStages.add(key);
      performance.mark(`worker: ${stage}`, { startTime: Math.max(0, at - performance.timeOrigin) });
    }
  }
}

/** The registry's production model unless VITE_MODEL_URL names a model directory (or another alias). */
export const MODEL_URL: string =
  import.meta.env.VITE_MODEL_URL ?? registryReference(`${import.meta.env.BASE_URL}${MODELS_PATH}`);

/** The page's engine; the store follows it from the start, before the first action. */
export const engine = new Engine({ modelUrl: MODEL_URL, start: startWorkers });
followEngine(engine);

export function loadModel(backend: BackendChoice): void {
  engine.loadModel(backend);
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

export function runJob(inputs: JobInput[], options: RunOptions): number {
  return engine.runJob(inputs, options);
}

export function cancelJob(): void {
  engine.cancelJob();
}

export function validateText(text: string): Promise<{ molecules: number; issues: InputIssue[] }> {
  return engine.validateText(text);
}

export function benchmarkModel(
  smiles: string[],
  singleRepeats: number,
  batchSize: number,
): Promise<BenchmarkResult> {
  return engine.benchmarkModel(smiles, singleRepeats, batchSize);
}

export function requestContributions(row: ResultRow, target: TargetKey): Promise<ContributionView> {
  return engine.requestContributions(row, target);
}
