// How the store follows a job: streamed rows and progress wait for the next frame and land in one
// store change, in order; any other event applies them first.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineEvent, EngineEvents } from '../../src/ui/engineEvents';
import { applyEngineEvents, followEngine, jobRunning, useApp } from '../../src/ui/store';
import type { ResultRow } from '../../src/ui/worker/protocol';

/** An engine stand-in whose events the test emits by hand. */
function fakeEngine(): EngineEvents & { emit(event: EngineEvent): void } {
  const listeners = new Set<(event: EngineEvent) => void>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(event) {
      for (const listener of listeners) listener(event);
    },
  };
}

function row(id: number, status: ResultRow['status'] = 'predicted'): ResultRow {
  return { id, source: 'test', record: id, name: `m${id}`, status, warnings: [] };
}

const started: EngineEvent = {
  type: 'job-started',
  jobId: 1,
  label: 'big.smi',
  total: 1,
  startedAt: 0,
};
const progress = (done: number): EngineEvent => ({
  type: 'job-progress',
  jobId: 1,
  phase: 'predicting',
  done,
  total: 4,
  perSecond: 100,
});
const rows = (ids: number[], select: number | null = null): EngineEvent => ({
  type: 'job-rows',
  jobId: 1,
  rows: ids.map((id) => row(id)),
  select,
});
const done: EngineEvent = {
  type: 'job-done',
  jobId: 1,
  outcome: { cancelled: false, molecules: 4, errors: 0, inferenceMs: 8, threads: 1, notice: null },
  selectFrom: null,
};

describe('following the engine', () => {
  let engine: ReturnType<typeof fakeEngine>;
  let frames: (() => void)[];
  let changes: number;
  let stops: (() => void)[];

  beforeEach(() => {
    useApp.setState(useApp.getInitialState(), true);
    engine = fakeEngine();
    frames = [];
    changes = 0;
    stops = [
      followEngine(engine, useApp, (callback) => frames.push(callback)),
      useApp.subscribe(() => changes++),
    ];
  });

  afterEach(() => stops.forEach((stop) => stop()));

  const nextFrame = () => frames.splice(0).forEach((callback) => callback());

  it('applies a frame’s rows and progress in one store change, in order', () => {
    engine.emit(started);
    expect(useApp.getState().job).toMatchObject({ id: 1, phase: 'reading' });
    changes = 0;
    engine.emit(rows([1, 2], 1));
    engine.emit(progress(2));
    engine.emit(rows([3]));
    engine.emit(progress(3));
    // Nothing before the frame, and one frame asked for.
    expect(useApp.getState().rows).toEqual([]);
    expect(frames).toHaveLength(1);
    nextFrame();
    expect(changes).toBe(1);
    const state = useApp.getState();
    expect(state.rows.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(state.selectedId).toBe(1);
    expect(state.job).toMatchObject({ phase: 'predicting', done: 3 });
  });

  it('applies what waits for a frame before the job’s end, and the end at once', () => {
    engine.emit(started);
    engine.emit(rows([1, 2, 3, 4], 1));
    engine.emit(progress(4));
    engine.emit(done);
    const state = useApp.getState();
    expect(state.rows).toHaveLength(4);
    expect(state.job).toMatchObject({ phase: 'done', done: 4 });
    expect(state.lastInference).toMatchObject({ ms: 8, molecules: 4 });
    // The frame asked for earlier finds nothing left to apply.
    changes = 0;
    nextFrame();
    expect(changes).toBe(0);
  });

  it('stops following on unsubscribe, dropping what waited for a frame', () => {
    const own = fakeEngine();
    const ownFrames: (() => void)[] = [];
    const stop = followEngine(own, useApp, (callback) => ownFrames.push(callback));
    own.emit(started);
    own.emit(rows([1]));
    stop();
    ownFrames.forEach((callback) => callback());
    own.emit(done);
    expect(useApp.getState().rows).toEqual([]);
    expect(useApp.getState().job?.phase).toBe('reading');
  });
});

describe('applyEngineEvents', () => {
  it('gives the same state as the events one by one', () => {
    const initial = useApp.getInitialState();
    const events = [started, rows([1, 2], 1), progress(2), rows([3, 4]), done];
    let oneByOne = initial;
    for (const event of events) oneByOne = { ...oneByOne, ...applyEngineEvents(oneByOne, [event]) };
    expect({ ...initial, ...applyEngineEvents(initial, events) }).toEqual(oneByOne);
  });
});

describe('jobRunning', () => {
  it('is true while a job reads or predicts, and false before and after', () => {
    const state = useApp.getInitialState();
    expect(jobRunning(state)).toBe(false);
    const job = { id: 1, label: 'x', done: 0, total: 1, perSecond: 0, startedAt: 0, notice: null };
    expect(jobRunning({ ...state, job: { ...job, phase: 'reading' } })).toBe(true);
    expect(jobRunning({ ...state, job: { ...job, phase: 'predicting' } })).toBe(true);
    for (const phase of ['done', 'cancelled', 'failed'] as const) {
      expect(jobRunning({ ...state, job: { ...job, phase } })).toBe(false);
    }
  });
});
