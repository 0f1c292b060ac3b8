// The prediction worker's model lifecycle: one predictor at a time, loaded through the runtime's
// fallback, moved to a faster backend in the background, and replaced by the next load.
import {
  batchSizeFor,
  isRegistryReference,
  loadWithFallback,
  resolveRegistryReference,
  setupBackend,
  startPlan,
  upgradeBackend,
  type BackendChoice,
  type BackendName,
  type BackendSteps,
  type LoadedPredictor,
  packGraphs,
  type PackedGraphs,
  type Predictor,
} from '../../model';
import { chemStages, type ChemClient } from './chemClient';
import { cores, HELPER_IDLE_START_MS, ModelHelper, type ParallelLane } from './modelHelper';
import { prefetchModel } from './modelPrefetch';
import { predictorSteps } from './predictorSteps';
import type { ModelReady, StartupStage } from './protocol';
import { yieldToMessages } from './rpc';
import { markStage, startupStages } from './startupStages';
import { variedMolecules } from './warmUpMolecules';

export class ModelHost {
  private loaded: LoadedPredictor<Predictor> | null = null;
  /** The loads so far, one after the other; resolves when the last has answered (ready or failed). */
  private loading: Promise<void> = Promise.resolve();
  private problem: string | null = 'model not loaded yet';
  /** Bumped by each load; a GPU upgrade still running for an older one gives up. */
  private generation = 0;
  /** The background GPU upgrade of the last auto load; a new load waits for it to stop. */
  private upgrading: Promise<void> = Promise.resolve();
  private runningJobs = 0;
  private jobsIdle: (() => void)[] = [];
  /** The chemistry worker's start-up marks, which each ModelReady carries. */
  private chemMarks: Promise<StartupStage[]> | null = null;
  /** Where the loaded model's files are: what the helper loads. */
  private modelUrl: string | null = null;
  private parallel: ModelHelper | null = null;
  /** Stops the idle rehearsal of a job (rehearsal.ts) when a real job or another load comes. */
  private rehearsal: AbortController | null = null;

  /**
   * `rehearse` runs a job's path on made-up molecules (rehearsal.ts) once the page idles after a
   * wasm load, until the signal aborts; passed in, since the job runner itself reads the host.
   */
  constructor(
    private readonly chem: Promise<ChemClient>,
    private readonly rehearse: (signal: AbortSignal) => Promise<void> = async () => undefined,
  ) {}

  /**
   * Queues a load behind the earlier ones. `onReady` hears the first answer and, for an auto
   * choice, the move to a GPU backend; the promise settles once the upgrade is over too, and
   * rejects with the reason when no backend runs the model.
   */
  load(
    reference: string,
    choice: BackendChoice,
    onReady: (ready: ModelReady) => void,
  ): Promise<void> {
    const answered = this.loading.then(() => this.loadNow(reference, choice, onReady));
    this.loading = answered.then(
      () => undefined,
      () => undefined,
    );
    return answered.then(({ upgrade }) => upgrade);
  }

  /** The predictor in use now (null while a load replaces it). */
  get active(): LoadedPredictor<Predictor> | null {
    return this.loaded;
  }

  /**
   * The model helper, a second copy of the loaded model on its own thread, once started; null
   * before, and where it cannot help (a GPU backend, one core).
   */
  get helper(): ParallelLane | null {
    return this.parallel;
  }

  /**
   * Once the page has sat idle for a while after a wasm load (a user picking a file), starts the
   * helper and rehearses a job, so that a big file finds a second thread loaded and the code it
   * runs optimized. Not at a big job's start: on two cores the helper's start-up (about a second
   * of CPU) slowed a 10,000-molecule job more than its help sped it up.
   */
  private prepareWhenIdle(generation: number): void {
    setTimeout(() => {
      if (generation !== this.generation) return;
      if (this.runningJobs > 0) {
        this.prepareWhenIdle(generation);
        return;
      }
      if (this.loaded?.backend !== 'wasm') return;
      if (cores() >= 2 && this.modelUrl) {
        // Absolute: the helper's script may sit elsewhere than this one.
        const url = new URL(this.modelUrl, self.location.href).href;
        this.parallel = new ModelHelper(url, this.helperWarmUp());
      }
      const rehearsal = new AbortController();
      this.rehearsal = rehearsal;
      void this.rehearse(rehearsal.signal)
        .catch((error: unknown) => console.warn('job rehearsal failed', error))
        .finally(() => {
          if (this.rehearsal === rehearsal) this.rehearsal = null;
        });
    }, HELPER_IDLE_START_MS);
  }

  /** Varied molecules read by RDKit and packed, with bond types (product models need them). */
  private async helperWarmUp(): Promise<PackedGraphs> {
    const chem = await this.chem;
    const { graphs } = await chem.call('featurize', {
      // One full forward pass on wasm.
      smiles: variedMolecules(batchSizeFor('wasm')),
    });
    return packGraphs(graphs, true);
  }

  private stopRehearsal(): void {
    this.rehearsal?.abort();
    this.rehearsal = null;
  }

  /** The predictor once the loads queued so far have answered; throws when there is none. */
  async current(): Promise<LoadedPredictor<Predictor>> {
    await this.loading;
    if (!this.loaded) throw new Error(`no model: ${this.problem}`);
    return this.loaded;
  }

  /** Like current(), but null with the reason instead of a throw. */
  async currentOrProblem(): Promise<LoadedPredictor<Predictor> | string> {
    await this.loading;
    return this.loaded ?? this.problem ?? 'no model';
  }

  /** Runs a job, counted so that a GPU upgrade waits for the first answer. */
  async track<T>(job: () => Promise<T>): Promise<T> {
    this.stopRehearsal();
    this.runningJobs++;
    try {
      return await job();
    } finally {
      this.jobEnded();
    }
  }

  private jobEnded(): void {
    if (--this.runningJobs > 0) return;
    for (const resolve of this.jobsIdle) resolve();
    this.jobsIdle = [];
  }

  /**
   * Resolves when no job is running, or after maxMs: the GPU probes (a WebGL context, an adapter
   * request) hold this thread for tens of milliseconds, so they wait for the first answer, but a long
   * batch does not keep the faster backend away for longer than maxMs.
   */
  private whenJobsIdle(maxMs: number): Promise<void> {
    if (this.runningJobs === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.jobsIdle.push(resolve);
      setTimeout(resolve, maxMs);
    });
  }

  private async ready(requested: BackendChoice, started: number): Promise<ModelReady | null> {
    const loaded = this.loaded;
    if (!loaded) return null;
    // Fixed once RDKit has started, so asked for once.
    this.chemMarks ??= this.chem.then(chemStages);
    const chemMarks = await this.chemMarks;
    return {
      backend: loaded.backend,
      requested,
      fallbackNotice: loaded.notice,
      model: {
        name: loaded.predictor.name,
        version: loaded.predictor.version,
        card: loaded.predictor.card,
      },
      loadMs: performance.now() - started,
      stages: [...startupStages(), ...chemMarks].sort((a, b) => a.at - b.at),
    };
  }

  /** Loads on the first backend that runs the model; `upgrade` is the background move, if any. */
  private async loadNow(
    reference: string,
    requested: BackendChoice,
    onReady: (ready: ModelReady) => void,
  ): Promise<{ upgrade: Promise<void> }> {
    const started = performance.now();
    const generation = ++this.generation;
    markStage(`load-model ${requested}`);
    await this.upgrading;
    if (this.loaded) {
      this.loaded.predictor.dispose();
      this.loaded = null;
    }
    this.stopRehearsal();
    this.parallel?.stop();
    this.parallel = null;
    this.modelUrl = null;
    try {
      // Read on every load, so a reload picks up a promotion.
      const modelUrl = isRegistryReference(reference)
        ? `${(await resolveRegistryReference(new URL(reference, self.location.href).toString())).location}/`
        : reference;
      this.modelUrl = modelUrl;
      // RDKit's wasm compiles while tfjs starts and the model files download.
      const modelFetch = prefetchModel(modelUrl);
      const warmup = this.chem.then((chem) =>
        chem.call('parseSmiles', { smiles: 'C', source: 'warm-up' }),
      );
      warmup.catch(() => undefined);
      const steps = predictorSteps(modelUrl, requested, modelFetch, warmup);
      const plan = startPlan(requested);
      this.loaded = await loadWithFallback<Predictor>(requested, steps, plan.first);
      this.problem = null;
      const ready = await this.ready(requested, started);
      if (ready) onReady(ready);
      this.prepareWhenIdle(generation);
      if (plan.upgrades.length === 0) return { upgrade: Promise.resolve() };
      // After a macrotask, so that the first job (queued behind this load) starts, and then after
      // it has answered, so that the probes do not delay the first prediction.
      this.upgrading = yieldToMessages()
        .then(() => this.whenJobsIdle(1000))
        .then(() =>
          this.upgradeInBackground(plan.upgrades, steps, requested, started, generation, onReady),
        );
      return { upgrade: this.upgrading };
    } catch (error) {
      this.problem = error instanceof Error ? error.message : String(error);
      throw new Error(this.problem);
    }
  }

  /**
   * Moves an auto load from wasm to the preferred GPU backend once that one proves it runs the model.
   * Jobs keep predicting on the current predictor meanwhile; tfjs copies tensors between backends if a
   * job's step runs while the global backend has already changed.
   */
  private async upgradeInBackground(
    upgrades: BackendName[],
    steps: BackendSteps<Predictor>,
    requested: BackendChoice,
    started: number,
    generation: number,
    onReady: (ready: ModelReady) => void,
  ): Promise<void> {
    const current = this.loaded;
    if (!current) return;
    const stopped = () => generation !== this.generation;
    try {
      const result = await upgradeBackend(current, upgrades, steps, stopped);
      if (!result || stopped()) return;
      // The search may have left active a backend that started but could not run the model.
      await setupBackend({ backend: result.backend });
      if (result.predictor !== current.predictor) current.predictor.dispose();
      this.loaded = result;
      // The helper runs the model on wasm: a GPU backend leaves it nothing to do.
      this.parallel?.stop();
      this.parallel = null;
      const ready = await this.ready(requested, started);
      // A newer load may have started while the marks were fetched: it answers for itself.
      if (ready && !stopped()) onReady(ready);
    } catch (error) {
      // The model keeps running where it runs now; only the faster backend is lost.
      console.warn('backend upgrade failed', error);
    }
  }
}
