// Starting a tfjs backend, for Node (training, the server, the CLIs: wasm, then cpu) and for the
// prediction worker (any backend, GPU ones loaded on demand). tfjs-core with the cpu and wasm
// backends only: the GPU backends (and tfjs' layers, converter and data packages, which nothing
// here uses) would otherwise be parsed by every page load before any prediction.
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { NODE_BACKENDS, type BackendName } from './backends';
import { applyCpuKernelFixes } from './cpuKernelFixes';
import { softwareRenderer } from './gpuProbe';
import { applyWasmKernelFixes } from './wasmKernelFixes';

export interface BackendOptions {
  /** Backends to try, best first. Default: wasm then cpu (Node), or the caller's list. */
  backend?: BackendName | BackendName[];
  /** Where the browser finds the tfjs wasm binaries (prefix URL or per-file map). */
  wasmPaths?: string | Record<string, string>;
}

/** The GPU backends' packages, imported only when the backend is tried (browser only). */
// The loaders drop the module namespace: keeping it would keep every export of the package in the chunk.
const GPU_PACKAGES: Partial<Record<BackendName, { name: string; load: () => Promise<void> }>> = {
  webgpu: {
    name: '@tensorflow/tfjs-backend-webgpu',
    load: async () => {
      await import('@tensorflow/tfjs-backend-webgpu');
    },
  },
  webgl: {
    name: '@tensorflow/tfjs-backend-webgl',
    load: async () => {
      await import('@tensorflow/tfjs-backend-webgl');
    },
  },
};

/**
 * Registers this project's fixes to tfjs' cpu and wasm kernels (see the two files); idempotent.
 * setupBackend calls it, so whoever starts a backend through the runtime has them.
 */
export function applyKernelFixes(): void {
  applyCpuKernelFixes();
  applyWasmKernelFixes();
}

/** Where the tfjs wasm binaries are; once per thread: tfjs refuses new paths after wasm has started. */
export function locateWasmFiles(paths: string | Record<string, string>): void {
  setWasmPaths(paths as string);
}

/** Loads a GPU backend's code, so that setupBackend can start it; nothing to do for wasm and cpu. */
async function loadGpuBackend(name: BackendName): Promise<void> {
  await GPU_PACKAGES[name]?.load();
}

/** Picks the first backend in the list that initializes; returns its name. */
export async function setupBackend(options: BackendOptions = {}): Promise<BackendName> {
  applyKernelFixes();
  // tfjs' wasm kernels this model runs (matrix products included) never use the pthread pool of
  // the threaded build: it would only start an idle worker and put the heap in shared memory,
  // where copies are slower. More cores help through the model helper (src/ui/worker) instead.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  const wanted = options.backend ?? NODE_BACKENDS;
  const list = Array.isArray(wanted) ? wanted : [wanted];
  if (options.wasmPaths) locateWasmFiles(options.wasmPaths);
  const failures: string[] = [];
  for (const name of list) {
    const gpuPackage = GPU_PACKAGES[name];
    if (gpuPackage && !tf.findBackendFactory(name)) {
      failures.push(`${name}: backend not registered (import ${gpuPackage.name})`);
      continue;
    }
    try {
      if (tf.getBackend() === name) return name;
      if (await tf.setBackend(name)) {
        await tf.ready();
        return name;
      }
      failures.push(`${name}: failed to initialize`);
    } catch (err) {
      failures.push(`${name}: ${(err as Error).message}`);
    }
  }
  throw new Error(`No tfjs backend could be started (${failures.join('; ')})`);
}

export interface StartOptions {
  /** Pass over a GPU backend that runs on a software renderer (automatic choice only). */
  avoidSoftware: boolean;
  /** Wraps each step, for start-up timing marks. */
  timed?: <T>(stage: string, step: () => Promise<T>) => Promise<T>;
}

/**
 * Starts one backend in the browser: probes a GPU backend for a software renderer, loads its code,
 * and makes it tfjs' active backend. A throw means "try the next backend".
 */
export async function startBackend(backend: BackendName, options: StartOptions): Promise<void> {
  const timed = options.timed ?? ((_stage, step) => step());
  const software = options.avoidSoftware
    ? await timed(`${backend} probe`, () => softwareRenderer(backend))
    : null;
  if (software) throw new Error(`${software}, slower than wasm here`);
  await timed(`${backend} init`, async () => {
    await loadGpuBackend(backend);
    await setupBackend({ backend });
  });
}
