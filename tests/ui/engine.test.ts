// The page's engine and store without React or a browser: the engine calls a worker over a real
// MessageChannel, and the store follows the engine's events. The worker side here answers like the
// prediction worker (progress, rows, cancel between chunks) without loading tfjs or RDKit.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Engine, type EngineEvent, type SeenModelStore } from '../../src/ui/engine';
import { followEngine, useApp } from '../../src/ui/store';
import type { JobInput, ModelReady, PredictApi, ResultRow } from '../../src/ui/worker/protocol';
import { serve, type Handlers, type RpcPort } from '../../src/ui/worker/rpc';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

function ready(backend: ModelReady['backend'], notice: string | null = null): ModelReady {
  return {
    backend,
    requested: 'auto',
    fallbackNotice: notice,
    model: { name: 'test model', version: '1', card: null },
    loadMs: 12,
    stages: [],
  };
}

/** One row per line of text; lines starting with "!" are unreadable records. */
function rowsOf(inputs: JobInput[], firstRowId: number): ResultRow[] {
  const lines = inputs.flatMap((input) => (input.kind === 'text' ? input.text.split('\n') : []));
  return lines.map((line, i) => ({
    id: firstRowId + i,
    source: 'test',
    record: i + 1,
    name: line,
    status: line.startsWith('!') ? 'error' : 'predicted',
    warnings: [],
  }));
}

/** Answers like predict.worker.ts: rows in chunks of two, a cancel honoured between chunks. */
const worker: Handlers<PredictApi> = {
  connectChem: () => undefined,
  loadModel: async ({ backend }, task) => {
    if (backend === 'cpu') throw new Error('No backend could run the model: cpu unavailable');
    task.progress({ ...ready('wasm'), requested: backend });
    await tick();
    if (backend === 'auto') task.progress({ ...ready('webgpu'), requested: backend });
  },
  runJob: async ({ inputs, firstRowId }, task) => {
    const rows = rowsOf(inputs, firstRowId);
    if (rows.some((row) => row.name === 'crash')) throw new Error('worker ran out of memory');
    const errors = rows.filter((row) => row.status === 'error');
    const molecules = rows.filter((row) => row.status !== 'error');
    if (errors.length > 0) task.progress({ type: 'rows', rows: errors });
    for (let start = 0; start < molecules.length; start += 2) {
      const chunk = molecules.slice(start, start + 2);
      task.progress({ type: 'rows', rows: chunk });
      const done = start + chunk.length;
      task.progress({
        type: 'progress',
        phase: 'predicting',
        done,
        total: molecules.length,
        perSecond: 1,
      });
      await tick();
      if (task.signal.aborted) {
        return {
          cancelled: true,
          molecules: 0,
          errors: 0,
          inferenceMs: null,
          threads: 0,
          notice: null,
        };
      }
    }
    return {
      cancelled: false,
      molecules: rows.length,
      errors: errors.length,
      inferenceMs: molecules.length > 0 ? 5 : null,
      threads: molecules.length > 0 ? 1 : 0,
      notice: null,
    };
  },
  validate: ({ text }) => ({
    molecules: text.split('\n').length,
    issues: [],
  }),
  contributions: () => {
    throw new Error('no model: not loaded');
  },
  benchmark: () => ({
    backend: 'wasm',
    singleMs: [1],
    featurizeMs: 2,
    batchMolecules: 3,
    batchMs: 4,
  }),
};

let channel: MessageChannel;
let engine: Engine;
let events: EngineEvent[];
let stopFollowing: () => void;

beforeEach(() => {
  channel = new MessageChannel();
  serve<PredictApi>(channel.port2 as unknown as RpcPort, worker);
  engine = new Engine({
    modelUrl: 'models/test/',
    start: () => ({ predict: channel.port1 as unknown as RpcPort }),
  });
  events = [];
  engine.subscribe((event) => events.push(event));
  useApp.setState(useApp.getInitialState(), true);
  stopFollowing = followEngine(engine);
});

afterEach(() => {
  stopFollowing();
  channel.port1.close();
  channel.port2.close();
});

/** Resolves once the store satisfies `done` (events cross the channel asynchronously). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await tick();
  expect(done()).toBe(true);
}

const text = (lines: string[]): JobInput[] => [
  { kind: 'text', text: lines.join('\n'), source: 'test' },
];

describe('engine and store', () => {
  it('shows the first answer, then the GPU upgrade, of an auto load', async () => {
    engine.loadModel('auto');
    expect(useApp.getState().backend.status).toBe('loading');
    await until(() => useApp.getState().backend.active === 'webgpu');
    const types = events.map((event) => event.type);
    expect(types).toEqual(['model-loading', 'model-ready', 'model-ready']);
    expect(useApp.getState().backend).toMatchObject({ status: 'ready', requested: 'auto' });
    expect(useApp.getState().model?.name).toBe('test model');
  });

  it('ignores what an older load reports after a newer one was asked for', async () => {
    engine.loadModel('auto'); // its upgrade to webgpu answers after the next choice
    engine.loadModel('wasm');
    await until(() => useApp.getState().backend.status === 'ready');
    await until(() => events.filter((e) => e.type === 'model-ready').length === 1);
    for (let i = 0; i < 5; i++) await tick(); // room for the old load's late answers
    expect(useApp.getState().backend).toMatchObject({ requested: 'wasm', active: 'wasm' });
    expect(events.filter((e) => e.type === 'model-ready')).toHaveLength(1);
  });

  it('reports a load that no backend could run as failed, with the reason', async () => {
    engine.loadModel('cpu');
    await until(() => useApp.getState().backend.status === 'failed');
    expect(useApp.getState().backend).toMatchObject({
      requested: 'cpu',
      active: null,
      error: 'No backend could run the model: cpu unavailable',
    });
  });

  it('fills the table chunk by chunk and selects the first molecule, not an error row', async () => {
    const id = engine.runJob(text(['!bad', 'CCO', 'C', 'N']), { label: 'three' });
    expect(useApp.getState().job).toMatchObject({ id, phase: 'reading', label: 'three' });
    await until(() => useApp.getState().job?.phase === 'done');
    const state = useApp.getState();
    expect(state.rows.map((row) => row.name)).toEqual(['!bad', 'CCO', 'C', 'N']);
    expect(state.selectedId).toBe(state.rows[1].id);
    expect(state.job).toMatchObject({ done: 3, total: 3 });
    expect(state.lastInference).toMatchObject({ ms: 5, molecules: 3 });
    const progress = events.filter((event) => event.type === 'job-progress');
    expect(progress.map((event) => event.type === 'job-progress' && event.done)).toEqual([2, 3]);
  });

  it('fails a job whose every record is unreadable, and selects its first error', async () => {
    engine.runJob(text(['!one', '!two']), { label: 'broken' });
    await until(() => useApp.getState().job?.phase === 'failed');
    const state = useApp.getState();
    expect(state.job?.notice).toContain('all 2 records unreadable');
    expect(state.selectedId).toBe(state.rows[0].id);
  });

  it('cancels between chunks and keeps the rows finished so far', async () => {
    engine.runJob(text(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H']), { label: 'long' });
    await until(() => useApp.getState().rows.length > 0);
    engine.cancelJob();
    await until(() => useApp.getState().job?.phase === 'cancelled');
    const rows = useApp.getState().rows.length;
    expect(rows).toBeGreaterThan(0);
    expect(rows).toBeLessThan(8);
  });

  it('cancels the running job when a new one starts; the old one no longer writes the store', async () => {
    const first = engine.runJob(text(['A', 'B', 'C', 'D', 'E', 'F']), { label: 'first' });
    const second = engine.runJob(text(['X']), { label: 'second', replaceSource: 'test' });
    await until(() => useApp.getState().job?.phase === 'done');
    await until(() => events.some((e) => e.type === 'job-done' && e.jobId === first));
    const state = useApp.getState();
    expect(state.job?.id).toBe(second);
    const firstDone = events.find((e) => e.type === 'job-done' && e.jobId === first);
    expect(firstDone?.type === 'job-done' && firstDone.outcome.cancelled).toBe(true);
    expect(state.job?.label).toBe('second');
  });

  it('reports a job the worker could not run as failed', async () => {
    engine.runJob(text(['crash']), { label: 'crash' });
    await until(() => useApp.getState().job?.phase === 'failed');
    expect(useApp.getState().job?.notice).toBe('worker ran out of memory');
  });

  it('answers the request/response calls', async () => {
    await expect(engine.validateText('C\nCC')).resolves.toEqual({ molecules: 2, issues: [] });
    await expect(engine.benchmarkModel(['C'], 1, 3)).resolves.toMatchObject({ batchMs: 4 });
    const row = { id: 1, source: 's', record: 1, name: 'x', status: 'predicted', warnings: [] };
    await expect(engine.requestContributions(row as ResultRow, 'gap')).rejects.toThrow(
      'no model: not loaded',
    );
  });

  it('sets the store to failed when a worker dies', async () => {
    const failing = new Engine({
      modelUrl: 'models/test/',
      start: (failed) => {
        queueMicrotask(() => failed('prediction worker failed: out of memory'));
        return { predict: channel.port1 as unknown as RpcPort };
      },
    });
    const stop = followEngine(failing);
    void failing.validateText('C');
    await until(() => useApp.getState().backend.status === 'failed');
    expect(useApp.getState().backend.error).toBe('prediction worker failed: out of memory');
    stop();
  });
});

/** What the page's localStorage keeps between visits (Node has none). */
class VisitStorage implements SeenModelStore {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
}

/**
 * One visit to the page: a fresh engine and worker whose registry's production model is `version`
 * of the ensemble, an auto load (first answer, then the GPU upgrade), and the store's notice after it.
 */
async function visit(version: string, seenModels: () => SeenModelStore): Promise<string | null> {
  const port = new MessageChannel();
  serve<PredictApi>(port.port2 as unknown as RpcPort, {
    ...worker,
    loadModel: async ({ backend }, task) => {
      const model = { name: 'qm9-gnn-ensemble', version, card: null };
      task.progress({ ...ready('wasm'), requested: backend, model });
      await tick();
      task.progress({ ...ready('webgpu'), requested: backend, model });
    },
  });
  const page = new Engine({
    modelUrl: 'models/registry.json#production',
    start: () => ({ predict: port.port1 as unknown as RpcPort }),
    seenModels,
  });
  useApp.setState(useApp.getInitialState(), true);
  const stop = followEngine(page);
  try {
    page.loadModel('auto');
    await until(() => useApp.getState().backend.active === 'webgpu');
    return useApp.getState().modelUpdate;
  } finally {
    stop();
    port.port1.close();
    port.port2.close();
  }
}

describe('the new-model notice', () => {
  it('says nothing on the first visit or while production stays put', async () => {
    const storage = new VisitStorage();
    expect(await visit('1.1.0', () => storage)).toBeNull();
    expect(await visit('1.1.0', () => storage)).toBeNull();
    expect([...storage.items.values()]).toEqual(['qm9-gnn-ensemble 1.1.0']);
  });

  it('names the new model and the old one once production has moved, and keeps it through the GPU upgrade', async () => {
    const storage = new VisitStorage();
    await visit('1.1.0', () => storage);
    expect(await visit('1.0.0', () => storage)).toBe(
      'New model: qm9-gnn-ensemble 1.0.0 (was qm9-gnn-ensemble 1.1.0).',
    );
    // The visit after that has seen the new model already.
    expect(await visit('1.0.0', () => storage)).toBeNull();
  });

  it('says nothing, and still loads, where storage is disabled', async () => {
    const disabled = () => {
      throw new DOMException('The operation is insecure.', 'SecurityError');
    };
    expect(await visit('1.1.0', disabled)).toBeNull();
    expect(await visit('1.0.0', disabled)).toBeNull();
    expect(useApp.getState().backend.status).toBe('ready');
  });
});
