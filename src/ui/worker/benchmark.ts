// Times the loaded model inside the worker on the active backend (bench/web.bench.ts through the
// page's window.qm9Bench); featurizing is timed separately, in the chemistry worker.
import type { ChemClient } from './chemClient';
import type { ModelHost } from './modelHost';
import type { BenchmarkResult, PredictApi } from './protocol';

export async function benchmark(
  host: ModelHost,
  chem: ChemClient,
  { smiles, singleRepeats, batchSize }: PredictApi['benchmark']['args'],
): Promise<BenchmarkResult> {
  const loaded = await host.current();
  const { graphs, featurizeMs } = await chem.call('featurize', { smiles });
  const batch = Array.from({ length: batchSize }, (_, i) => graphs[i % graphs.length]);
  const singleMs: number[] = [];
  for (let i = 0; i < singleRepeats; i++) {
    const start = performance.now();
    await loaded.predictor.predict([graphs[i % graphs.length]]);
    singleMs.push(performance.now() - start);
  }
  await loaded.predictor.predict(batch.slice(0, 256));
  const batchStart = performance.now();
  await loaded.predictor.predict(batch);
  const batchMs = performance.now() - batchStart;
  return { backend: loaded.backend, singleMs, featurizeMs, batchMolecules: batch.length, batchMs };
}
