// tfjs-core with the cpu and wasm backends only: the GPU backends (and tfjs' layers, converter and data
// packages, which nothing here uses) would otherwise be parsed by every page load before any prediction.
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import './cpuKernelFixes';
import './wasmKernelFixes';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export interface BackendOptions {
  /** Backends to try, best first. Default: wasm then cpu (Node), or the caller's list. */
  backend?: BackendName | BackendName[];
  /** Where the browser finds the tfjs wasm binaries (prefix URL or per-file map). */
  wasmPaths?: string | Record<string, string>;
}

/** GPU backends the caller imports before asking for them (browser only, loaded when tried). */
const LAZY_BACKENDS: Partial<Record<BackendName, string>> = {
  webgpu: '@tensorflow/tfjs-backend-webgpu',
  webgl: '@tensorflow/tfjs-backend-webgl',
};

/** Picks the first backend in the list that initializes; returns its name. */
export async function setupBackend(options: BackendOptions = {}): Promise<BackendName> {
  const wanted = options.backend ?? ['wasm', 'cpu'];
  const list = Array.isArray(wanted) ? wanted : [wanted];
  if (options.wasmPaths) setWasmPaths(options.wasmPaths as string);
  const failures: string[] = [];
  for (const name of list) {
    const lazyPackage = LAZY_BACKENDS[name];
    if (lazyPackage && !tf.findBackendFactory(name)) {
      failures.push(`${name}: backend not registered (import ${lazyPackage})`);
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
