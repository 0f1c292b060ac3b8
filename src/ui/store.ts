import { create, type StoreApi } from 'zustand';
import type { BackendChoice, BackendName, TargetKey } from '../model';
import type { EngineEvent, EngineEvents } from './engineEvents';
import { jobOutcome, type JobState } from './jobOutcome';

export type { JobState };
import type { ModelInfo, ResultRow } from './worker/protocol';

export type Tab = 'predict' | 'model';

export interface BackendState {
  requested: BackendChoice;
  active: BackendName | null;
  status: 'loading' | 'ready' | 'failed';
  notice: string | null;
  error: string | null;
  loadMs: number | null;
}

export interface LastInference {
  ms: number;
  molecules: number;
  backend: BackendName | null;
  /** 2 when the model helper predicted part of the job on a second thread. */
  threads: number;
}

export interface AppState {
  tab: Tab;
  backend: BackendState;
  model: ModelInfo | null;
  /** Set when this visit loaded a different model version than the last one. */
  modelUpdate: string | null;
  lastInference: LastInference | null;
  job: JobState | null;
  rows: ResultRow[];
  selectedId: number | null;
  /** Atom colouring in the detail view: off by default, one property at a time. */
  contributions: { on: boolean; target: TargetKey };
  setTab(tab: Tab): void;
  select(id: number | null): void;
  setContributions(change: Partial<AppState['contributions']>): void;
}

export const useApp = create<AppState>()((set) => ({
  tab: 'predict',
  backend: {
    requested: 'auto',
    active: null,
    status: 'loading',
    notice: null,
    error: null,
    loadMs: null,
  },
  model: null,
  modelUpdate: null,
  lastInference: null,
  job: null,
  rows: [],
  selectedId: null,
  contributions: { on: false, target: 'gap' },
  setTab: (tab) => set({ tab }),
  select: (selectedId) => set({ selectedId }),
  setContributions: (change) =>
    set((state) => ({ contributions: { ...state.contributions, ...change } })),
}));

export function selectedRow(state: AppState): ResultRow | null {
  if (state.selectedId === null) return null;
  return state.rows.find((row) => row.id === state.selectedId) ?? null;
}

/** The state after one engine event; events of a job that is no longer the current one change nothing. */
export function applyEngineEvent(state: AppState, event: EngineEvent): Partial<AppState> {
  switch (event.type) {
    case 'model-loading':
      return {
        backend: { ...state.backend, requested: event.requested, status: 'loading', error: null },
      };
    case 'model-ready': {
      const { ready } = event;
      return {
        backend: {
          requested: ready.requested,
          active: ready.backend,
          status: 'ready',
          notice: ready.fallbackNotice,
          error: null,
          loadMs: ready.loadMs,
        },
        model: ready.model,
        modelUpdate: event.modelUpdate ?? state.modelUpdate,
      };
    }
    case 'model-failed':
      return {
        backend: {
          ...state.backend,
          requested: event.requested,
          active: null,
          status: 'failed',
          error: event.message,
        },
      };
    case 'worker-failed':
      return { backend: { ...state.backend, status: 'failed', error: event.message } };
    case 'job-started':
      return {
        job: {
          id: event.jobId,
          label: event.label,
          phase: 'reading',
          done: 0,
          total: event.total,
          perSecond: 0,
          startedAt: event.startedAt,
          notice: null,
        },
        rows: event.replaceSource
          ? state.rows.filter((row) => row.source !== event.replaceSource)
          : state.rows,
      };
  }
  const job = state.job;
  if (job?.id !== event.jobId) return {};
  switch (event.type) {
    case 'job-progress':
      return {
        job: {
          ...job,
          phase: event.phase,
          done: event.done,
          total: event.total,
          perSecond: event.perSecond,
        },
      };
    case 'job-rows':
      return {
        rows: state.rows.concat(event.rows),
        selectedId: event.select ?? state.selectedId,
      };
    case 'job-done': {
      const { outcome, selectFrom } = event;
      const firstError =
        selectFrom === null ? undefined : state.rows.find((row) => row.id >= selectFrom);
      return {
        selectedId: firstError ? firstError.id : state.selectedId,
        job: { ...job, ...jobOutcome(outcome) },
        lastInference:
          outcome.inferenceMs === null
            ? state.lastInference
            : {
                ms: outcome.inferenceMs,
                molecules: outcome.molecules - outcome.errors,
                backend: state.backend.active,
                threads: outcome.threads,
              },
      };
    }
    case 'job-failed':
      return { job: { ...job, phase: 'failed', notice: event.message } };
  }
}

/** True while a job reads or predicts: heavy drawing waits for its end (Viewer3D, Depiction). */
export function jobRunning(state: AppState): boolean {
  return state.job?.phase === 'reading' || state.job?.phase === 'predicting';
}

/** The state after several engine events, applied in order. */
export function applyEngineEvents(state: AppState, events: EngineEvent[]): AppState {
  return events.reduce<AppState>((s, event) => ({ ...s, ...applyEngineEvent(s, event) }), state);
}

/** What a big job streams: rows and progress, many per second. */
function streamed(event: EngineEvent): boolean {
  return event.type === 'job-rows' || event.type === 'job-progress';
}

/** The next animation frame; without frames (Node), right after the event that queued. */
function defaultNextFrame(callback: () => void): void {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => callback());
  else queueMicrotask(callback);
}

/**
 * Keeps a store in step with an engine's events; returns the unsubscribe. A job's rows and progress
 * are applied together once per animation frame: each store change re-renders the table and the
 * progress bar, and the page cannot show more than one change per frame anyway. Any other event
 * applies what is queued first, so the store sees every event in order.
 */
export function followEngine(
  engine: EngineEvents,
  store: StoreApi<AppState> = useApp,
  nextFrame: (callback: () => void) => void = defaultNextFrame,
): () => void {
  let queued: EngineEvent[] = [];
  const flush = () => {
    if (queued.length === 0) return;
    const events = queued;
    queued = [];
    store.setState((state) => applyEngineEvents(state, events));
  };
  const unsubscribe = engine.subscribe((event) => {
    if (streamed(event)) {
      if (queued.length === 0) nextFrame(flush);
      queued.push(event);
      return;
    }
    flush();
    store.setState((state) => applyEngineEvent(state, event));
  });
  return () => {
    unsubscribe();
    queued = [];
  };
}
