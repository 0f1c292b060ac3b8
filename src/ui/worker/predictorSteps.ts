// How the prediction worker tries one backend: start it, load the model on it, and prove it runs
// the model on a warm-up molecule. The runtime's fallback decides which backend comes next.
import {
  batchSizeFor,
  loadPredictor,
  startBackend,
  type BackendChoice,
  type BackendSteps,
  type GraphInput,
  type Predictor,
} from '../../model';
import { timedStage } from './startupStages';

/** A clear message for the usual failure: no model published at that URL (SPA servers answer with a page). */
async function assertModelPublished(modelUrl: string, modelFetch: typeof fetch): Promise<void> {
  const url = new URL('model.json', new URL(modelUrl, self.location.href)).toString();
  const response = await modelFetch(url);
  const type = response.headers.get('content-type') ?? '';
  if (!response.ok || type.includes('text/html')) {
    throw new Error(
      `no model published at ${url} (HTTP ${response.status}${type.includes('html') ? ', an HTML page' : ''})`,
    );
  }
}

/** How the worker starts, loads and checks a predictor on one backend (the fallback is the runtime's). */
export function predictorSteps(
  modelUrl: string,
  choice: BackendChoice,
  modelFetch: typeof fetch,
  warmup: Promise<GraphInput>,
): BackendSteps<Predictor> {
  return {
    init: (backend) =>
      startBackend(backend, { avoidSoftware: choice === 'auto', timed: timedStage }),
    load: (backend) =>
      timedStage(`${backend} model load`, async () => {
        await assertModelPublished(modelUrl, modelFetch);
        return loadPredictor(modelUrl, {
          backend,
          batchSize: batchSizeFor(backend),
          fetch: modelFetch,
        });
      }),
    verify: async (predictor, backend) => {
      const graph = await timedStage('warm-up molecule', () => warmup);
      const [prediction] = await timedStage(`${backend} warm-up predict`, () =>
        predictor.predict([graph]),
      );
      if (!Object.values(prediction.values).every((v) => Number.isFinite(v))) {
        throw new Error('non-finite output on the warm-up molecule');
      }
    },
    dispose: (predictor) => predictor.dispose(),
  };
}
