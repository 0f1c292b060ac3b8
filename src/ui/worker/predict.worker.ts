/// <reference lib="webworker" />
// The page's only contact for chemistry and inference: parsing 10,000 molecules or running the
// model never blocks the main thread, and cancel is honoured between chunks. This file is the
// transport: it answers the page's calls (PredictApi) with the model host, the job runner and the
// chemistry worker (RDKit, chem.worker.ts), reached through the port the page hands over first, so
// that RDKit's start and tfjs' start run on two threads.
import { markStage } from './startupStages';
import { locateWasmFiles } from '../../model';
import { tfWasmPaths } from '../../model/runtime/wasmAssets';
import { benchmark } from './benchmark';
import { chemClient, type ChemClient } from './chemClient';
import { contributionView } from './contributions';
import { runJob } from './jobs';
import { ModelHost } from './modelHost';
import { rehearseJob } from './rehearsal';
import type { PredictApi } from './protocol';
import { serve } from './rpc';

const scope = self as unknown as DedicatedWorkerGlobalScope;

let connectChem: (client: ChemClient) => void = () => undefined;
/** The chemistry worker, once the page's connectChem call (its first) has arrived. */
const chem = new Promise<ChemClient>((resolve) => (connectChem = resolve));
const host: ModelHost = new ModelHost(chem, async (signal) =>
  rehearseJob(host, await chem, signal),
);

// Once per worker: tfjs refuses new wasm paths after the wasm backend has started.
locateWasmFiles(tfWasmPaths);
markStage('worker imports evaluated');

serve<PredictApi>(scope, {
  connectChem: ({ port }) => connectChem(chemClient(port)),
  loadModel: ({ modelUrl, backend }, task) =>
    host.load(modelUrl, backend, (ready) => task.progress(ready)),
  runJob: (args, task) => host.track(async () => runJob(host, await chem, args, task)),
  validate: async ({ text }) => {
    try {
      return await (await chem).call('validate', { text });
    } catch (error) {
      // Shown inline under the text box like any other problem with it.
      const message = error instanceof Error ? error.message : String(error);
      return { molecules: 0, issues: [{ record: 0, name: '', message }] };
    }
  },
  contributions: async ({ structure, target }) => {
    const { predictor } = await host.current();
    const client = await chem;
    const graph = await client.call('reread', structure);
    return contributionView(predictor, graph, target, (atoms, range) =>
      client.call('drawContributions', { structure, atoms, range }),
    );
  },
  benchmark: async (args) => benchmark(host, await chem, args),
});
