import { BACKEND_ORDER, type BackendChoice, type BackendName } from './protocol';

export interface LoadedPredictor<P> {
  predictor: P;
  backend: BackendName;
  /** What failed before this backend took over; null when the first choice worked. */
  notice: string | null;
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

/** Backends to try for a choice: auto walks the whole order, a user pick falls back to the ones after it. */
export function backendsToTry(choice: BackendChoice): BackendName[] {
  if (choice === 'auto') return [...BACKEND_ORDER];
  return BACKEND_ORDER.slice(BACKEND_ORDER.indexOf(choice));
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Loads on the first backend that starts and runs the model. A backend failure is never fatal while
 * another backend remains, but it is reported so the user knows why the page is slower than it could be.
 */
export async function loadWithFallback<P>(
  choice: BackendChoice,
  steps: BackendSteps<P>,
): Promise<LoadedPredictor<P>> {
  const failures: string[] = [];
  for (const backend of backendsToTry(choice)) {
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
    const notice = failures.length > 0 ? `${failures.join('; ')}. Using ${backend}.` : null;
    return { predictor, backend, notice };
  }
  throw new Error(`No backend could run the model: ${failures.join('; ')}`);
}
