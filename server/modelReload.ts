// Follows the model registry while the server runs: when the alias the server serves
// (production unless MODEL_NAME names another) moves to another model, the new model is loaded
// in the background and swapped in, so a promotion needs no restart.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { REGISTRY_FILE } from '../src/model';
import { servingModelId, type ServingModels } from './models';
import { integer } from './config';
import { setServedModel, type Metrics } from './metrics';

/** Poll period from MODEL_RELOAD_MS (default 2000; 0 turns reloading off). */
export function modelReloadMs(env: NodeJS.ProcessEnv): number {
  return integer(env, 'MODEL_RELOAD_MS', 2000);
}

export interface ModelReloadOptions {
  modelsDir: string;
  modelName?: string;
  intervalMs: number;
  /** The id (name@version) of the model being served, or null while none is. */
  servedId: () => string | null;
  load: () => Promise<ServingModels>;
  swap: (next: ServingModels) => void;
  /** qm9_model_loaded and qm9_model_info follow the swap. */
  metrics: Metrics;
  log: { info(msg: string): void; warn(msg: string): void };
}

/** Starts polling registry.json; returns a function that stops it. */
export function followRegistry(options: ModelReloadOptions): () => void {
  const file = join(options.modelsDir, REGISTRY_FILE);
  let lastMtime = -1;
  let busy = false;
  let stopped = false;
  const tick = async () => {
    if (busy || stopped) return;
    busy = true;
    try {
      const mtime = (await stat(file)).mtimeMs;
      if (mtime === lastMtime) return;
      const wanted = await servingModelId(options.modelsDir, options.modelName);
      const served = options.servedId();
      // A tick that was reading the registry when the follower stopped loads nothing.
      if (stopped) return;
      // A model that failed to load is retried only when the registry changes again.
      lastMtime = mtime;
      if (!wanted || wanted === served) return;
      options.log.info(`registry: ${served ?? 'no model'} -> ${wanted}; loading`);
      const next = await options.load();
      if (stopped) return;
      options.swap(next);
      setServedModel(options.metrics, next.primary);
      options.log.info(`/predict model: ${next.primary.name} ${next.primary.version}`);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') options.log.warn(`registry reload: ${(error as Error).message}`);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), options.intervalMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
