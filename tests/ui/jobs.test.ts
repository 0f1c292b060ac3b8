// The prediction worker's job loop without tfjs or RDKit: a chemistry stand-in streams read
// slices, a predictor stand-in records the batches it gets, and the rows reach the page in order.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { Outbox } from '../../src/logging';
import type { MoleculePrediction, PackedGraphs, Predictor } from '../../src/model';
import type { ChemClient } from '../../src/ui/worker/chemClient';
import { runJob } from '../../src/ui/worker/jobs';
import type { ParallelLane } from '../../src/ui/worker/modelHelper';
import type { ModelHost } from '../../src/ui/worker/modelHost';
import type { JobUpdate, ResultRow } from '../../src/ui/worker/protocol';
import { rehearseJob } from '../../src/ui/worker/rehearsal';
import { packSlice, type ReadRow } from '../../src/ui/worker/rows';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/** The record number sits in the atom's last feature, where the predictor stand-in reads it. */
const RECORD_FEATURE = 10;

function readRow(id: number): ReadRow {
  const x = [[0, 1, 0, 0, 0, 6, 0, 0, 0, 1, id]];
  const graph = { x, edgeIndex: [[], []] as [number[], number[]], edgeAttr: [] };
  return { id, source: 'test', record: id, name: `m${id}`, status: 'parsed', warnings: [], graph };
}

/** A chemistry worker that reads `total` rows in slices of `slice`, one slice per macrotask. */
function chemReading(total: number, slice: number): ChemClient {
  return {
    call: async (
      _method: string,
      { firstRowId }: { firstRowId: number },
      options: { onProgress(progress: unknown): void },
    ) => {
      for (let done = 0; done < total;) {
        const rows = Array.from({ length: Math.min(slice, total - done) }, (_, i) =>
          readRow(firstRowId + done + i),
        );
        done += rows.length;
        options.onProgress({ ...packSlice(rows), done, total, perSecond: 1 });
        await tick();
      }
      return { cancelled: false };
    },
  } as unknown as ChemClient;
}

/** Answers each molecule's record number as its gap (plus `offset`), slowly. */
function standInPredict(batches: number[], offset = 0) {
  return async (graphs: PackedGraphs): Promise<MoleculePrediction[]> => {
    batches.push(graphs.count);
    // The read moves on meanwhile: a tick per 40 molecules is slower than its 100 a tick.
    for (let i = 0; i < graphs.count / 40; i++) await tick();
    return Array.from({ length: graphs.count }, (_, i) => ({
      values: { gap: graphs.x[graphs.nodeOffset[i] * 11 + RECORD_FEATURE] + offset },
      std: { gap: 0.1 },
      uncertaintyCapped: [],
      belowBound: [],
      warnings: [],
    }));
  };
}

/** A model host whose predictor is the stand-in; `helper` plays the model helper's thread. */
function hostWith(batches: number[], helper: ParallelLane | null = null): ModelHost {
  const predictor = {
    name: 'stand-in',
    version: '1',
    predictPacked: standInPredict(batches),
  } as unknown as Predictor;
  const loaded = { backend: 'wasm' as const, predictor, notice: null };
  return {
    currentOrProblem: async () => loaded,
    active: loaded,
    helper,
  } as unknown as ModelHost;
}

/** A helper that takes one chunk at a time and marks its answers (gap = record + 0.5). */
function standInHelper(batches: number[], failing = false): ParallelLane {
  let busy = false;
  const predict = standInPredict(batches, 0.5);
  return {
    get idle() {
      return !busy;
    },
    predict: async (graphs) => {
      busy = true;
      try {
        const out = await predict(graphs);
        if (failing) throw new Error('helper crashed');
        return out;
      } finally {
        busy = false;
      }
    },
  };
}

async function runToEnd(host: ModelHost, total: number) {
  const sent: ResultRow[] = [];
  const updates: JobUpdate[] = [];
  const done = await runJob(
    host,
    chemReading(total, 100),
    { inputs: [{ kind: 'text', text: '', source: 'test' }], firstRowId: 1 },
    {
      signal: new AbortController().signal,
      progress: (update) => {
        updates.push(update);
        if (update.type === 'rows') sent.push(...update.rows);
      },
    },
  );
  return { done, sent, updates };
}

describe('runJob', () => {
  it('predicts every row once, in batches of at least one model batch, and sends them in order', async () => {
    const batches: number[] = [];
    const sent: ResultRow[] = [];
    const updates: JobUpdate[] = [];
    const done = await runJob(
      hostWith(batches),
      chemReading(3000, 100),
      { inputs: [{ kind: 'text', text: '', source: 'test' }], firstRowId: 1 },
      {
        signal: new AbortController().signal,
        progress: (update) => {
          updates.push(update);
          if (update.type === 'rows') sent.push(...update.rows);
        },
      },
    );
    expect(done).toMatchObject({ cancelled: false, molecules: 3000, errors: 0, threads: 1 });
    expect(batches.reduce((a, b) => a + b, 0)).toBe(3000);
    // Each chunk waits for a full batch (256 on wasm) but the last, and takes at most four.
    expect(batches.slice(0, -1).every((n) => n >= 256 && n <= 1024)).toBe(true);
    // The model is slower than the read here, so chunks grow beyond one batch.
    expect(Math.max(...batches)).toBeGreaterThan(256);
    expect(sent.map((row) => row.id)).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1));
    expect(sent.every((row) => row.prediction?.values.gap === row.record)).toBe(true);
    expect(sent.some((row) => 'graph' in row)).toBe(false);
    const phases = updates.flatMap((u) => (u.type === 'progress' ? [u.phase] : []));
    expect(phases).toContain('reading');
    expect(phases.at(-1)).toBe('predicting');
  });

  it('with a helper thread: chunks go to both, and the page still gets every row once, in order', async () => {
    const here: number[] = [];
    const there: number[] = [];
    const { done, sent, updates } = await runToEnd(hostWith(here, standInHelper(there)), 5000);
    expect(done).toMatchObject({ cancelled: false, molecules: 5000, errors: 0 });
    expect(done.inferenceMs).toBeGreaterThan(0);
    expect(done.threads).toBe(2);
    expect(here.length).toBeGreaterThan(0);
    expect(there.length).toBeGreaterThan(0);
    expect([...here, ...there].reduce((a, b) => a + b, 0)).toBe(5000);
    expect(sent.map((row) => row.id)).toEqual(Array.from({ length: 5000 }, (_, i) => i + 1));
    // Each row carries the answer of whichever thread predicted it, for its own record.
    const fromHelper = sent.filter((row) => row.prediction!.values.gap === row.record + 0.5);
    const fromHere = sent.filter((row) => row.prediction!.values.gap === row.record);
    expect(fromHelper.length).toBe(there.reduce((a, b) => a + b, 0));
    expect(fromHere.length + fromHelper.length).toBe(5000);
    const last = updates.filter((u) => u.type === 'progress').at(-1);
    expect(last).toMatchObject({ phase: 'predicting', done: 5000, total: 5000 });
  });

  it('a helper that fails: this thread predicts its chunks instead, nothing is lost', async () => {
    const here: number[] = [];
    const there: number[] = [];
    const { done, sent } = await runToEnd(hostWith(here, standInHelper(there, true)), 3000);
    expect(done).toMatchObject({ cancelled: false, molecules: 3000, errors: 0, threads: 1 });
    expect(there.length).toBeGreaterThan(0);
    expect(sent.map((row) => row.id)).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1));
    expect(sent.every((row) => row.prediction?.values.gap === row.record)).toBe(true);
  });
});

describe('runJob and drift logging', () => {
  // The app's own outbox database (fake-indexeddb), with the user's consent given.
  const outbox = new Outbox();
  const queued = async () => (await outbox.nextBatch(10_000, 1e9)).length;

  it('queues one record per predicted molecule while logging is on; a rehearsal queues none', async () => {
    await outbox.saveSettings({ enabled: true, endpoint: '/log', includeSmiles: false });
    const before = await queued();
    const { sent } = await runToEnd(hostWith([]), 300);
    await expect.poll(queued).toBe(before + 300);
    expect(sent[0].prediction!.std).toEqual({ gap: 0.1 });

    const batches: number[] = [];
    await rehearseJob(hostWith(batches), chemReading(500, 100), new AbortController().signal);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(500);
    expect(await queued()).toBe(before + 300);
  });

  it('a rehearsal stops when its signal aborts', async () => {
    const batches: number[] = [];
    const stop = new AbortController();
    stop.abort();
    await rehearseJob(hostWith(batches), chemReading(3000, 100), stop.signal);
    expect(batches).toEqual([]);
  });
});
