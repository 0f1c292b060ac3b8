import { BACKEND_ORDER, type BackendChoice, type BackendName } from './protocol';

export interface LoadedPredictor<P> {
  predictor: P;
  backend: BackendName;
  /** What failed before this backend took over; null when the first choice worked. */
  notice: string | null;
}

/** Backends to try for a choice: auto walks the whole order, a user pick falls back to the ones after it. */
export function backendsToTry(choice: BackendChoice): BackendName[] {
  if (choice === 'auto') return [...BACKEND_ORDER];
  return BACKEND_ORDER.slice(BACKEND_ORDER.indexOf(choice));
}

/**
 * Loads on the first backend that initializes. A failure is never fatal while another backend
 * remains, but it is reported so the user knows why the page is slower than it could be.
 */
export async function loadWithFallback<P>(
  choice: BackendChoice,
  load: (backend: BackendName) => Promise<P>,
): Promise<LoadedPredictor<P>> {
  const failures: string[] = [];
  for (const backend of backendsToTry(choice)) {
    try {
      const predictor = await load(backend);
      const notice = failures.length > 0 ? `${failures.join('; ')}. Using ${backend}.` : null;
      return { predictor, backend, notice };
    } catch (error) {
      failures.push(`${backend} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new Error(`No backend could run the model (${failures.join('; ')})`);
}
