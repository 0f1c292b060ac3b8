// The backend runtime: which backends exist and in what order, starting one (kernel fixes
// included), the GPU probes, and fallback/upgrade across them. Node and the prediction worker both
// start tfjs only through here. The wasm binaries' bundled URLs are in ./wasmAssets (browser
// builds only).
export { BACKEND_ORDER, backendsToTry, batchSizeFor, startPlan } from './backends';
export type { BackendChoice, BackendName } from './backends';
export { applyKernelFixes, setupBackend, startBackend, locateWasmFiles } from './setup';
export type { BackendOptions, StartOptions } from './setup';
export { loadWithFallback, upgradeBackend } from './fallback';
export type { BackendSteps, LoadedPredictor } from './fallback';
