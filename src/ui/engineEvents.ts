// What the engine tells its listeners (the store, tests): its own module so the store can follow
// an engine without importing it.
import type { BackendChoice } from '../model';
import type { JobDone, ModelReady, ResultRow } from './worker/protocol';

export type EngineEvent =
  | { type: 'model-loading'; requested: BackendChoice }
  /** `modelUpdate`: set when this visit loaded a different model version than the last one. */
  | { type: 'model-ready'; ready: ModelReady; modelUpdate: string | null }
  | { type: 'model-failed'; requested: BackendChoice; message: string }
  | { type: 'worker-failed'; message: string }
  | {
      type: 'job-started';
      jobId: number;
      label: string;
      total: number;
      startedAt: number;
      /** Rows of this source are replaced; others are kept. */
      replaceSource?: string;
    }
  | {
      type: 'job-progress';
      jobId: number;
      phase: 'reading' | 'predicting';
      done: number;
      total: number;
      perSecond: number;
    }
  /** `select`: the job's first molecule, when these rows hold it. */
  | { type: 'job-rows'; jobId: number; rows: ResultRow[]; select: number | null }
  /** `selectFrom`: no molecule came, so the first row with an id from here (an error) is selected. */
  | { type: 'job-done'; jobId: number; outcome: JobDone; selectFrom: number | null }
  | { type: 'job-failed'; jobId: number; message: string };

/** Anything that emits engine events: the engine itself, or a test's stand-in. */
export interface EngineEvents {
  subscribe(listener: (event: EngineEvent) => void): () => void;
}
