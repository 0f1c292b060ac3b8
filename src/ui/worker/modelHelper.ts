// The prediction worker's handle on its model helper (modelHelper.worker.ts): started while the page
// is idle after a wasm load, stopped when the next load replaces the model.
import type { MoleculePrediction, PackedGraphs } from '../../model';
import { packedBuffers } from '../../model/packedGraphs';
import type { ModelHelperApi } from './helperProtocol';
import { RpcClient } from './rpc';

/** Logical cores (1 where unknown, as in Node before 21): whether a helper thread has a core. */
export function cores(): number {
  return globalThis.navigator?.hardwareConcurrency ?? 1;
}

/** Idle time after a model load before the helper starts anyway (chem.worker.ts warms RDKit alike). */
export const HELPER_IDLE_START_MS = 3000;

/** A thread besides the prediction worker's that predicts with the same model. */
export interface ParallelLane {
  /** Ready and free for a chunk. */
  readonly idle: boolean;
  /** Predicts a pack of molecules; the pack is transferred (unusable here afterwards). */
  predict(graphs: PackedGraphs): Promise<MoleculePrediction[]>;
}

export class ModelHelper implements ParallelLane {
  private readonly worker: Worker;
  private readonly client: RpcClient<ModelHelperApi>;
  /** Rejects when the worker fails: a call it will never answer still settles. */
  private readonly failed: Promise<never>;
  private state: 'loading' | 'ready' | 'stopped' = 'loading';
  private inFlight = 0;

  /** `warmUp`: varied molecules, packed, for the helper's warm-up (transferred once they come). */
  constructor(
    readonly modelUrl: string,
    warmUp: Promise<PackedGraphs>,
  ) {
    this.worker = new Worker(new URL('./modelHelper.worker.ts', import.meta.url), {
      type: 'module',
    });
    this.client = new RpcClient<ModelHelperApi>(this.worker);
    this.failed = new Promise<never>((_, reject) => {
      this.worker.onerror = (event) => {
        event.preventDefault();
        reject(new Error(`model helper failed: ${event.message}`));
      };
    });
    this.failed.catch(() => this.stop());
    const load = warmUp.then((pack) =>
      this.client.call('load', { modelUrl, warmUp: pack }, { transfer: packedBuffers(pack) }),
    );
    Promise.race([load, this.failed]).then(
      () => {
        if (this.state === 'loading') this.state = 'ready';
      },
      (error: unknown) => {
        // The job goes on without it, on one thread, as before the helper existed.
        console.warn('model helper: could not load the model', error);
        this.stop();
      },
    );
  }

  /** Loaded, working and free for a chunk. */
  get idle(): boolean {
    return this.state === 'ready' && this.inFlight === 0;
  }

  async predict(graphs: PackedGraphs): Promise<MoleculePrediction[]> {
    this.inFlight++;
    try {
      return await Promise.race([
        this.client.call('predict', { graphs }, { transfer: packedBuffers(graphs) }),
        this.failed,
      ]);
    } finally {
      this.inFlight--;
    }
  }

  stop(): void {
    this.state = 'stopped';
    this.worker.terminate();
  }
}
