// A build step of the runtime, used by vite.config.ts: it sizes tfjs-backend-wasm's pthread pool.
import type { Plugin } from 'vite';

const EMSCRIPTEN_POOL = 'var pthreadPoolSize=8;';

/**
 * tfjs-backend-wasm's threaded build starts 8 pthread workers and waits until each has instantiated
 * the wasm module before the backend is ready, although XNNPACK's pool runs one thread per logical
 * core and the calling thread is one of them: it creates cores - 1 pthreads. Each extra worker costs
 * CPU on the way to the first prediction (a 2-core machine used 1 of 8), so the pool is cores - 1.
 */
export function wasmThreadPoolPerCore(): Plugin {
  return {
    name: 'tfjs-wasm-thread-pool-per-core',
    transform(code, id) {
      if (!id.includes('tfjs-backend-wasm') || !id.includes('threaded-simd')) return null;
      // The pthread workers' script, and the binary's ?url import (a file name, no code).
      if (id.includes('.worker.') || id.includes('?')) return null;
      if (!code.includes(EMSCRIPTEN_POOL)) {
        this.warn(`${id}: no "${EMSCRIPTEN_POOL}" (tfjs upgraded?); the pool stays at its default`);
        return null;
      }
      return code.replace(
        EMSCRIPTEN_POOL,
        'var pthreadPoolSize=Math.min(7,Math.max(1,(navigator.hardwareConcurrency||8)-1));',
      );
    },
  };
}
