import * as tf from '@tensorflow/tfjs';
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

/** Picks the first backend in the list that initializes; returns its name. */
export async function setupBackend(options: BackendOptions = {}): Promise<BackendName> {
  const wanted = options.backend ?? ['wasm', 'cpu'];
  const list = Array.isArray(wanted) ? wanted : [wanted];
  if (options.wasmPaths) setWasmPaths(options.wasmPaths as string);
  const failures: string[] = [];
  for (const name of list) {
    if (name === 'webgpu' && !tf.findBackendFactory('webgpu')) {
      failures.push('webgpu: backend not registered (import @tensorflow/tfjs-backend-webgpu)');
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
