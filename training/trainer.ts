import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { batchToTensors, disposeBatch } from '../src/model';
import { createModel, type GraphModel } from '../src/model';
import { stopGradient } from '../src/model';
import type { OutputTransform } from '../src/model';
import { Adam } from './adam';
import { loadTensors, saveTensors, writeJsonAtomic } from './checkpoint';
import type { TrainConfig } from './config';
import { batchFromPacked, withSmallMoleculesRepeated, type PackedGraphs } from './packed';
import { column, predictPacked, truthColumn } from './predictPacked';
import { formatDuration, ProgressBar } from './progress';
import { Rng } from '../src/stats';
import { standardizedTargets } from './standardize';

export interface EpochRecord {
  epoch: number;
  lr: number;
  trainLoss: number;
  /** Mean over targets of validation MAE / training std (the early-stopping metric). */
  valScore: number;
  valMae: Record<string, number>;
  seconds: number;
  moleculesPerSecond: number;
}

export interface TrainState {
  epochsDone: number;
  epochsPlanned: number;
  rngState: number;
  adamStep: number;
  bestScore: number;
  bestEpoch: number;
  trainSeconds: number;
  history: EpochRecord[];
}

export interface TrainerOptions {
  /** Run directory for checkpoints and the log; null keeps everything in memory (tests). */
  runDir: string | null;
  log?: (record: Record<string, unknown>) => void;
  quiet?: boolean;
  /** Asked after each epoch (a sweep's early-stopping scheduler); true ends the run there. */
  shouldStop?: (history: EpochRecord[]) => boolean | Promise<boolean>;
}

export interface TrainResult {
  model: GraphModel;
  transform: OutputTransform;
  state: TrainState;
}

function lrAt(c: TrainConfig, epochFloat: number, planned: number): number {
  if (c.schedule === 'constant') return c.learningRate;
  if (epochFloat < c.warmupEpochs)
    return c.learningRate * (0.1 + (0.9 * epochFloat) / c.warmupEpochs);
  const span = Math.max(planned - c.warmupEpochs, 1e-9);
  const t = Math.min((epochFloat - c.warmupEpochs) / span, 1);
  const min = c.learningRate * c.minLrFactor;
  return min + 0.5 * (c.learningRate - min) * (1 + Math.cos(Math.PI * t));
}

/** Training loss on one batch; the product model adds a Gaussian NLL for its variance head. */
function batchLoss(
  model: GraphModel,
  config: TrainConfig,
  out: ReturnType<GraphModel['forward']>,
  y: tf.Tensor2D,
): tf.Scalar {
  const diff = tf.sub(out.mean, y);
  const meanLoss = config.loss === 'l1' ? tf.mean(tf.abs(diff)) : tf.mean(tf.square(diff));
  if (!out.logVar) return meanLoss as tf.Scalar;
  // The mean is detached here: the variance head learns the size of the errors, not to move them.
  const r2 = tf.square(tf.sub(stopGradient(out.mean), y));
  const nll = tf.mean(tf.mul(0.5, tf.add(out.logVar, tf.mul(r2, tf.exp(tf.neg(out.logVar))))));
  return tf.add(meanLoss, nll) as tf.Scalar;
}

export class Trainer {
  readonly model: GraphModel;
  readonly adam: Adam;
  private readonly yStd: Float32Array;
  private readonly numTargets: number;
  private readonly engineToName = new Map<string, string>();
  private state: TrainState;
  private best = new Map<string, tf.Tensor>();

  constructor(
    readonly config: TrainConfig,
    readonly packed: PackedGraphs,
    readonly trainIds: Int32Array,
    readonly valIds: Int32Array,
    readonly transform: OutputTransform,
    private readonly options: TrainerOptions,
  ) {
    this.model = createModel(config.architecture, config.seed);
    for (const [name, v] of this.model.variables) this.engineToName.set(v.name, name);
    this.adam = new Adam(this.model.variables);
    this.numTargets = transform.targets.length;
    this.yStd = standardizedTargets(
      packed,
      Int32Array.from({ length: packed.count }, (_, i) => i),
      transform,
    );
    this.state = {
      epochsDone: 0,
      epochsPlanned: config.epochs,
      rngState: config.seed,
      adamStep: 0,
      bestScore: Infinity,
      bestEpoch: -1,
      trainSeconds: 0,
      history: [],
    };
  }

  private log(record: Record<string, unknown>): void {
    this.options.log?.({ time: new Date().toISOString(), ...record });
  }

  private targetsOf(ids: Int32Array): tf.Tensor2D {
    const t = this.numTargets;
    const y = new Float32Array(ids.length * t);
    ids.forEach((i, r) => y.set(this.yStd.subarray(i * t, (i + 1) * t), r * t));
    return tf.tensor2d(y, [ids.length, t]);
  }

  /** One optimizer step; returns the batch loss. */
  async step(ids: Int32Array, lr: number, dropoutSeed: number): Promise<number> {
    const batch = batchToTensors(batchFromPacked(this.packed, ids));
    const y = this.targetsOf(ids);
    const vars = [...this.model.variables.values()];
    const { value, grads } = tf.variableGrads(
      () => batchLoss(this.model, this.config, this.model.forward(batch, dropoutSeed), y),
      vars,
    );
    const named = new Map<string, tf.Tensor>();
    for (const [engineName, g] of Object.entries(grads))
      named.set(this.engineToName.get(engineName)!, g);
    this.adam.apply(named, lr);
    const loss = (await value.data())[0];
    tf.dispose([value, ...Object.values(grads), y]);
    disposeBatch(batch);
    if (!Number.isFinite(loss))
      throw new Error(`training loss became ${loss} at Adam step ${this.adam.step}`);
    return loss;
  }

  /** Mean standardized validation MAE, and MAE per target in target units. */
  async validate(): Promise<{ score: number; mae: Record<string, number> }> {
    const pred = await predictPacked(this.model, this.transform, this.packed, this.valIds);
    const mae: Record<string, number> = {};
    let score = 0;
    this.transform.targets.forEach((key, k) => {
      const p = column(pred.values, k, this.numTargets);
      const y = truthColumn(this.packed, this.valIds, key);
      let s = 0;
      for (let i = 0; i < y.length; i++) s += Math.abs(p[i] - y[i]);
      mae[key] = s / y.length;
      score += mae[key] / this.transform.std[k] / this.numTargets;
    });
    return { score, mae };
  }

  private async saveCheckpoint(): Promise<void> {
    const dir = this.options.runDir;
    if (!dir) return;
    const ck = path.join(dir, 'checkpoint');
    await saveTensors(ck, 'weights', this.model.variables);
    await saveTensors(ck, 'adam', this.adam.stateTensors());
    await saveTensors(ck, 'best', this.best);
    await writeJsonAtomic(path.join(ck, 'state.json'), {
      config: this.config,
      transform: this.transform,
      state: { ...this.state, adamStep: this.adam.step },
    });
  }

  /** Restores weights, optimizer, RNG and history from the run directory's checkpoint. */
  async resume(): Promise<void> {
    const dir = this.options.runDir;
    if (!dir) throw new Error('resume needs a run directory');
    const ck = path.join(dir, 'checkpoint');
    let saved: { config: TrainConfig; state: TrainState };
    try {
      saved = JSON.parse(await readFile(path.join(ck, 'state.json'), 'utf8')) as typeof saved;
    } catch (err) {
      throw new Error(`cannot resume: no readable checkpoint in ${ck} (${(err as Error).message})`);
    }
    if (JSON.stringify(saved.config.architecture) !== JSON.stringify(this.config.architecture)) {
      throw new Error(
        `cannot resume: the checkpoint's architecture differs from the configured one`,
      );
    }
    const weights = await loadTensors(ck, 'weights');
    this.model.setWeights(weights);
    const adam = await loadTensors(ck, 'adam');
    this.adam.loadState(adam, saved.state.adamStep);
    const best = await loadTensors(ck, 'best');
    for (const t of this.best.values()) t.dispose();
    this.best = new Map(Object.entries(best));
    tf.dispose([...Object.values(weights), ...Object.values(adam)]);
    // The configured epoch count wins on resume, so `--resume --epochs N` can extend a finished run.
    this.state = { ...saved.state, epochsPlanned: this.config.epochs };
    this.log({ type: 'resume', epochsDone: this.state.epochsDone, adamStep: this.adam.step });
  }

  private rememberBest(): void {
    for (const t of this.best.values()) t.dispose();
    this.best = new Map([...this.model.variables].map(([n, v]) => [n, tf.clone(v)]));
  }

  /**
   * Re-plans the epoch count after every epoch so the run ends inside the budget even when the
   * shared CPU slows down; the cosine schedule follows the new plan.
   */
  private fitToBudget(minutes: number): void {
    const h = this.state.history;
    const recent = h.slice(-2);
    const perEpoch = recent.reduce((s, r) => s + r.seconds, 0) / recent.length;
    const remaining = minutes * 60 - this.state.trainSeconds;
    const fit = Math.min(
      this.config.epochs,
      this.state.epochsDone + Math.max(0, Math.floor(remaining / perEpoch)),
    );
    if (fit !== this.state.epochsPlanned) {
      this.log({
        type: 'budget',
        message: `time budget ${minutes} min: ${fit} epochs of ~${perEpoch.toFixed(0)} s`,
        epochsPlanned: fit,
      });
      this.state.epochsPlanned = fit;
    }
  }

  async run(): Promise<TrainResult> {
    const c = this.config;
    const bar = new ProgressBar();
    const epochIds = c.oversampleSmall
      ? withSmallMoleculesRepeated(
          this.packed,
          this.trainIds,
          c.oversampleSmall.maxHeavyAtoms,
          c.oversampleSmall.copies,
        )
      : this.trainIds;
    const stepsPerEpoch = Math.ceil(epochIds.length / c.batchSize);
    this.log({
      type: 'start',
      config: c,
      trainMolecules: this.trainIds.length,
      samplesPerEpoch: epochIds.length,
      valMolecules: this.valIds.length,
      parameters: this.model.countParameters(),
      resumedAt: this.state.epochsDone,
    });
    let sinceImproved = this.state.epochsDone - 1 - this.state.bestEpoch;
    while (this.state.epochsDone < this.state.epochsPlanned) {
      const epoch = this.state.epochsDone;
      const rng = new Rng(this.state.rngState);
      const order = rng.shuffle(Int32Array.from(epochIds));
      const t0 = Date.now();
      let lossSum = 0;
      let recent = 0;
      for (let s = 0; s < stepsPerEpoch; s++) {
        const ids = order.subarray(s * c.batchSize, (s + 1) * c.batchSize);
        const lr = lrAt(c, epoch + s / stepsPerEpoch, this.state.epochsPlanned);
        const loss = await this.step(ids, lr, rng.int(2 ** 30));
        lossSum += loss;
        recent = s === 0 ? loss : 0.98 * recent + 0.02 * loss;
        const elapsed = (Date.now() - t0) / 1000;
        const molPerSec = ((s + 1) * c.batchSize) / elapsed;
        const epochEta = (stepsPerEpoch - s - 1) * (elapsed / (s + 1));
        const totalEta =
          epochEta + (this.state.epochsPlanned - epoch - 1) * (elapsed / (s + 1)) * stepsPerEpoch;
        if (!this.options.quiet) {
          bar.update(
            s + 1,
            stepsPerEpoch,
            `epoch ${epoch + 1}/${this.state.epochsPlanned}`,
            `loss ${recent.toFixed(4)} lr ${lr.toExponential(2)} ${molPerSec.toFixed(0)} mol/s ETA epoch ${formatDuration(epochEta)} total ${formatDuration(totalEta)}`,
          );
        }
        if ((s + 1) % c.logEverySteps === 0)
          this.log({
            type: 'progress',
            epoch: epoch + 1,
            step: s + 1,
            loss: recent,
            lr,
            moleculesPerSecond: molPerSec,
          });
      }
      const trainSeconds = (Date.now() - t0) / 1000;
      const val = await this.validate();
      const seconds = (Date.now() - t0) / 1000;
      this.state.trainSeconds += seconds;
      const record: EpochRecord = {
        epoch: epoch + 1,
        lr: lrAt(c, epoch + 1, this.state.epochsPlanned),
        trainLoss: lossSum / stepsPerEpoch,
        valScore: val.score,
        valMae: val.mae,
        seconds,
        moleculesPerSecond: epochIds.length / trainSeconds,
      };
      this.state.history.push(record);
      this.state.epochsDone = epoch + 1;
      this.state.rngState = rng.state;
      if (val.score < this.state.bestScore) {
        this.state.bestScore = val.score;
        this.state.bestEpoch = epoch + 1;
        this.rememberBest();
        sinceImproved = 0;
      } else sinceImproved++;
      if (c.timeBudgetMinutes) this.fitToBudget(c.timeBudgetMinutes);
      this.log({
        type: 'epoch',
        ...record,
        best: this.state.bestEpoch,
        epochsPlanned: this.state.epochsPlanned,
      });
      if (!this.options.quiet) {
        bar.done();
        const gap = val.mae.gap === undefined ? '' : ` gap MAE ${val.mae.gap.toFixed(4)} eV`;
        process.stderr.write(
          `epoch ${epoch + 1}: train loss ${record.trainLoss.toFixed(4)}, val score ${val.score.toFixed(4)}${gap}, ${record.moleculesPerSecond.toFixed(0)} mol/s, ${formatDuration(seconds)}\n`,
        );
      }
      await this.saveCheckpoint();
      if (await this.options.shouldStop?.(this.state.history)) {
        this.log({ type: 'scheduler-stop', epoch: epoch + 1 });
        break;
      }
      if (c.patience > 0 && sinceImproved >= c.patience) {
        this.log({ type: 'early-stop', epoch: epoch + 1, bestEpoch: this.state.bestEpoch });
        break;
      }
    }
    if (this.best.size) this.model.setWeights(Object.fromEntries(this.best));
    this.log({
      type: 'end',
      bestEpoch: this.state.bestEpoch,
      bestScore: this.state.bestScore,
      trainSeconds: this.state.trainSeconds,
    });
    return { model: this.model, transform: this.transform, state: this.state };
  }

  dispose(): void {
    this.adam.dispose();
    for (const t of this.best.values()) t.dispose();
    this.model.dispose();
  }
}
