// The tfjs wasm binaries as the browser build ships them (browser only: `?url` is a Vite import).
// Vite fingerprints these binaries and emits them next to the bundle, so each loads once and is then
// served from the HTTP cache (and the service worker's precache).
import tfWasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import tfWasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';

/**
 * File name to URL map in the shape tfjs-backend-wasm's setWasmPaths accepts. tfjs wants an entry
 * for each of its three builds, but setupBackend never starts the threaded one (runtime/setup.ts),
 * so that entry names the SIMD build and the threaded binary is not shipped.
 */
export const tfWasmPaths: Record<string, string> = {
  'tfjs-backend-wasm.wasm': tfWasmUrl,
  'tfjs-backend-wasm-simd.wasm': tfWasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': tfWasmSimdUrl,
};
