// RDKit's binary as the browser build ships it; Vite fingerprints it and emits it next to the
// bundle, so it loads once and is then served from the HTTP cache (and the service worker's
// precache). tfjs' binaries are the runtime's (src/model/runtime/wasmAssets.ts).
import rdkitWasm from '@rdkit/rdkit/RDKit_minimal.wasm?url';

export const rdkitWasmUrl: string = rdkitWasm;

export function chemInitOptions(): { locateFile: (file: string) => string } {
  return { locateFile: (file) => (file.endsWith('.wasm') ? rdkitWasmUrl : file) };
}
