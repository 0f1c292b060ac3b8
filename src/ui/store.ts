import { create } from 'zustand';
import type { TargetKey } from '../model/types';
import type { BackendChoice, BackendName, ModelInfo, ResultRow } from './worker/protocol';

export type Tab = 'predict' | 'model';

export interface BackendState {
  requested: BackendChoice;
  active: BackendName | null;
  status: 'loading' | 'ready' | 'failed';
  notice: string | null;
  error: string | null;
  loadMs: number | null;
}

export interface JobState {
  id: number;
  label: string;
  phase: 'reading' | 'predicting' | 'done' | 'cancelled' | 'failed';
  done: number;
  total: number;
  perSecond: number;
  startedAt: number;
  notice: string | null;
}

export interface LastInference {
  ms: number;
  molecules: number;
  backend: BackendName | null;
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
