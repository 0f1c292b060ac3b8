// The backends the app knows, in one place: the page's picker, the worker's fallback and Node's
// training all read this list. No tfjs import here, so the page can use it without loading tfjs.

/** Backends in the order the app tries them when the user leaves the choice to it. */
export const BACKEND_ORDER = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_ORDER)[number];
export type BackendChoice = BackendName | 'auto';

/** Backends that start without asking the GPU process anything (adapter probes cost seconds there). */
export const NO_GPU: readonly BackendName[] = ['wasm', 'cpu'];

/** What Node (training, the server, the CLIs) runs on when not told otherwise. */
export const NODE_BACKENDS: BackendName[] = ['wasm', 'cpu'];

/** Backends to try for a choice: auto walks the whole order, a user pick falls back to the ones after it. */
export function backendsToTry(choice: BackendChoice): BackendName[] {
  if (choice === 'auto') return [...BACKEND_ORDER];
  return BACKEND_ORDER.slice(BACKEND_ORDER.indexOf(choice));
}

/**
 * How a choice starts: `first` answers the first prediction, `upgrades` are tried afterwards, best first.
 * Auto answers on wasm at once and only then probes the GPU backends it prefers, so the GPU probes
 * (SwiftShader adapters take 0.5-3 s to create) are not on the way to the first prediction.
 */
export function startPlan(choice: BackendChoice): {
  first: BackendName[];
  upgrades: BackendName[];
} {
  if (choice !== 'auto') return { first: backendsToTry(choice), upgrades: [] };
  return {
    first: BACKEND_ORDER.filter((b) => NO_GPU.includes(b)),
    upgrades: BACKEND_ORDER.filter((b) => !NO_GPU.includes(b)),
  };
}

/**
 * Molecules per predict() call. tfjs-cpu's UnsortedSegmentSum costs segments x elements, so on cpu
 * large batches get slower per molecule; small ones also keep cancel responsive there.
 */
export function batchSizeFor(backend: BackendName): number {
  return backend === 'cpu' ? 16 : 256;
}
