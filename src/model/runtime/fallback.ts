// Fallback and upgrade over a list of backends, independent of what a step does (the worker's steps
// start tfjs, load the model and run a warm-up molecule; the tests' steps are plain functions).
import { backendsToTry, type BackendChoice, type BackendName } from './backends';

export interface LoadedPredictor<P> {
  predictor: P;
  backend: BackendName;
  /** What failed before this backend took over; null when the first choice worked. */
  notice: string | null;
  /** The failures the notice lists, one per backend passed over. */
  failures: string[];
}

export interface BackendSteps<P> {
  /** Starts the backend; a throw means "try the next backend". */
  init(backend: BackendName): Promise<unknown>;
  /** Loads the model; a throw is the model's problem (missing files), not the backend's, and ends the search. */
  load(backend: BackendName): Promise<P>;
  /** Runs the model once; a throw means the backend cannot run it, so the next backend is tried. */
  verify(predictor: P, backend: BackendName): Promise<unknown>;
  dispose(predictor: P): void;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function noticeFor(failures: string[], backend: BackendName): string | null {
  return failures.length > 0 ? `${failures.join('; ')}. Using ${backend}.` : null;
}

/** The first of `backends` that starts and runs the model, or null; each failure is added to `failures`. */
async function firstThatRuns<P>(
  backends: BackendName[],
  steps: BackendSteps<P>,
  failures: string[],
  stopped: () => boolean = () => false,
): Promise<{ predictor: P; backend: BackendName } | null> {
  for (const backend of backends) {
    if (stopped()) return null;
    try {
      await steps.init(backend);
    } catch (error) {
      failures.push(`${backend} unavailable (${reason(error)})`);
      continue;
    }
    const predictor = await steps.load(backend);
    try {
      await steps.verify(predictor, backend);
    } catch (error) {
      steps.dispose(predictor);
      failures.push(`${backend} could not run the model (${reason(error)})`);
      continue;
    }
    return { predictor, backend };
  }
  return null;
}

/**
 * Loads on the first backend that starts and runs the model. A backend failure is never fatal while
 * another backend remains, but it is reported so the user knows why the page is slower than it could be.
 */
export async function loadWithFallback<P>(
  choice: BackendChoice,
  steps: BackendSteps<P>,
  backends: BackendName[] = backendsToTry(choice),
): Promise<LoadedPredictor<P>> {
  const failures: string[] = [];
  const found = await firstThatRuns(backends, steps, failures);
  if (!found) throw new Error(`No backend could run the model: ${failures.join('; ')}`);
  return { ...found, notice: noticeFor(failures, found.backend), failures };
}

/**
 * Tries the preferred backends after the first answer came from `current`. Returns the better predictor
 * (the caller disposes `current`), or `current` with a notice saying why each preferred backend was passed
 * over; null when `stopped()` turned true (a newer load replaced this one), with anything it loaded disposed.
 */
export async function upgradeBackend<P>(
  current: LoadedPredictor<P>,
  upgrades: BackendName[],
  steps: BackendSteps<P>,
  stopped: () => boolean,
): Promise<LoadedPredictor<P> | null> {
  const failures: string[] = [];
  let found: { predictor: P; backend: BackendName } | null = null;
  try {
    found = await firstThatRuns(upgrades, steps, failures, stopped);
  } catch (error) {
    // The model already runs on `current`, so a load error here only rules this backend out.
    failures.push(`could not load the model for a faster backend (${reason(error)})`);
  }
  if (stopped()) {
    if (found) steps.dispose(found.predictor);
    return null;
  }
  if (found) return { ...found, notice: noticeFor(failures, found.backend), failures };
  const all = [...failures, ...current.failures];
  return { ...current, notice: noticeFor(all, current.backend), failures: all };
}
