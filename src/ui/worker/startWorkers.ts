// Starting the page's two long-lived workers (the structure workers start on demand, structures.ts).
import { rdkitWasmUrl } from './assets';
import type { ChemSetupApi } from './chemProtocol';
import { RpcClient, type RpcPort } from './rpc';

/**
 * RDKit's 7 MB wasm, compiled in the page and handed to the chemistry worker. Chromium reuses the
 * machine code of earlier visits for a page's streaming compile but not for a worker's: measured
 * here on a warm reload, RDKit's start plus first molecule took 0.1 s after a page compile against
 * 0.7-0.9 s after a worker compile. It also starts before the worker's script has loaded. Null when
 * it fails (a server without the wasm MIME type, say): the worker then compiles it itself.
 */
function compileRdkit(): Promise<WebAssembly.Module | null> {
  performance.mark('rdkit wasm compile start');
  return WebAssembly.compileStreaming(fetch(rdkitWasmUrl)).then(
    (module) => {
      performance.mark('rdkit wasm compile end');
      return module;
    },
    (error: unknown) => {
      console.warn('RDKit wasm: compiling in the page failed, the worker compiles it', error);
      return null;
    },
  );
}

export interface StartedWorkers {
  /** The prediction worker, for the engine's RPC client. */
  predict: RpcPort;
  /** The chemistry worker's end for the prediction worker: the engine's first call hands it over. */
  chemPort: MessagePort;
}

/**
 * Starts the prediction worker (tfjs, the model: the longer start), then RDKit's compile and the
 * chemistry worker, and gives the chemistry worker one end of a channel whose other end goes to the
 * prediction worker: their starts run on two threads, and all chemistry requests reach RDKit
 * through the prediction worker.
 */
export function startWorkers(failed: (message: string) => void): StartedWorkers {
  performance.mark('worker requested');
  const predict = new Worker(new URL('./predict.worker.ts', import.meta.url), {
    type: 'module',
  });
  predict.onerror = (event) => failed(`prediction worker failed: ${event.message}`);
  const rdkitWasm = compileRdkit();
  performance.mark('chem worker requested');
  const chem = new Worker(new URL('./chem.worker.ts', import.meta.url), { type: 'module' });
  chem.onerror = (event) => failed(`chemistry worker failed: ${event.message}`);
  const setup = new RpcClient<ChemSetupApi>(chem);
  const channel = new MessageChannel();
  void setup.call('connect', { port: channel.port1 }, { transfer: [channel.port1] });
  void rdkitWasm.then((module) => setup.call('rdkitWasm', { module }));
  return { predict, chemPort: channel.port2 };
}
