import * as tf from '@tensorflow/tfjs';
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { runIfMain, type Command } from '../cli/command';
import { setupBackend } from '../src/model';
import { saveTensors, writeJsonAtomic } from './checkpoint';
import { parseTrainArgs, type TrainConfig } from './config';
import { loadQm9Dataset, type Qm9Dataset } from './dataset';
import { calibrationFactor, formatMetricsTable } from './metrics';
import { column, metricsOf, predictPacked, truthColumn } from './predictPacked';
import type { RunResults } from './runArtifacts';
import { fitOutputTransform } from './standardize';
import { Rng } from '../src/stats';
import { epochMetrics, withRun } from './runRecording';
import { RunsStore } from './runsStore';
import { Trainer, type EpochRecord, type TrainerOptions } from './trainer';
import { readExportedStart } from './initFrom';
import { gitCommit } from './provenance';

/** Trains one configuration end to end and writes its results to the run directory. */
export interface TrainHooks {
  /** Each finished epoch's record (the runs store keeps them). */
  onEpoch?: (record: EpochRecord) => void;
  shouldStop?: TrainerOptions['shouldStop'];
}

export async function trainRun(
  config: TrainConfig,
  dataset: Qm9Dataset,
  resume: boolean,
  hooks: TrainHooks = {},
): Promise<RunResults> {
  const runDir = path.join(config.runsDir, config.name);
  mkdirSync(runDir, { recursive: true });
  const logFile = path.join(runDir, 'log.jsonl');
  const log = (r: Record<string, unknown>) => {
    appendFileSync(logFile, JSON.stringify(r) + '\n');
    if (r.type === 'epoch') hooks.onEpoch?.(r as unknown as EpochRecord);
  };
  await writeJsonAtomic(path.join(runDir, 'config.resolved.json'), config);
  const backend = await setupBackend({ backend: 'wasm' });
  let trainIds = dataset.split.train;
  if (config.maxTrainMolecules && config.maxTrainMolecules < trainIds.length) {
    // A seeded random subset: the table is sorted by gdb index, so a prefix would hold only small molecules.
    trainIds = new Rng(config.seed + 1)
      .shuffle(Int32Array.from(trainIds))
      .subarray(0, config.maxTrainMolecules)
      .sort();
  }
  const start = config.initFrom ? await readExportedStart(config.initFrom, config) : null;
  const transform =
    start?.transform ??
    fitOutputTransform(dataset.packed, trainIds, config.architecture.targets, config.normalization);
  const trainer = new Trainer(
    config,
    dataset.packed,
    trainIds,
    dataset.split.validation,
    transform,
    { runDir, log, shouldStop: hooks.shouldStop },
  );
  if (resume) await trainer.resume();
  else if (start) trainer.model.setWeights(start.weights);
  if (start) tf.dispose(Object.values(start.weights));
  log({
    type: 'data',
    file: dataset.file,
    sha256: dataset.sha256,
    rows: dataset.rows,
    characterized: dataset.characterizedRows,
    featurizationErrors: dataset.errors.length,
    backend,
  });
  const { model, state } = await trainer.run();

  const val = await predictPacked(model, transform, dataset.packed, dataset.split.validation);
  if (val.std) {
    transform.calibration = transform.targets.map((key, k) =>
      calibrationFactor(
        column(val.values, k, transform.targets.length),
        truthColumn(dataset.packed, dataset.split.validation, key),
        column(val.std!, k, transform.targets.length),
      ),
    );
  }
  const valPred = await predictPacked(model, transform, dataset.packed, dataset.split.validation);
  const testPred = await predictPacked(model, transform, dataset.packed, dataset.split.test);
  const results: RunResults = {
    config,
    transform,
    state,
    parameters: model.countParameters(),
    backend,
    data: {
      file: dataset.file,
      sha256: dataset.sha256,
      rows: dataset.rows,
      characterizedRows: dataset.characterizedRows,
      featurizationErrors: dataset.errors.length,
      split: {
        train: trainIds.length,
        validation: dataset.split.validation.length,
        test: dataset.split.test.length,
      },
    },
    metrics: {
      validation: metricsOf(valPred, transform, dataset.packed),
      test: metricsOf(testPred, transform, dataset.packed),
    },
    finishedAt: new Date().toISOString(),
    gitCommit: gitCommit(),
  };
  await saveTensors(runDir, 'final', model.variables);
  await writeJsonAtomic(path.join(runDir, 'results.json'), results);
  log({ type: 'results', test: results.metrics.test });
  process.stderr.write(
    `\n${config.name}: test split\n${formatMetricsTable(results.metrics.test)}\n`,
  );
  trainer.dispose();
  return results;
}

async function main(argv: string[]): Promise<void> {
  const { config, resume } = await parseTrainArgs(argv);
  const dataset = await loadQm9Dataset(config.data, config.cacheDir, (m) =>
    process.stderr.write(`${m}\n`),
  );
  if (dataset.errors.length) {
    process.stderr.write(
      `${dataset.errors.length} molecules could not be featurized and are left out (first: line ${dataset.errors[0].line}, ${dataset.errors[0].message})\n`,
    );
  }
  const store = new RunsStore();
  await withRun(
    store,
    {
      kind: 'train',
      name: config.name,
      config,
      gitCommit: gitCommit(),
      dataSha256: dataset.sha256,
      outputDir: path.join(config.runsDir, config.name),
      note: resume ? 'resumed' : null,
    },
    async (runId) => {
      const results = await trainRun(config, dataset, resume, {
        onEpoch: (r) => store.epoch(runId, epochMetrics(r)),
      });
      const { exportRun } = await import('./export');
      const dir = await exportRun(path.join(config.runsDir, config.name), {});
      return { value: undefined, test: results.metrics.test, outputDir: dir };
    },
  );
  store.close();
  tf.disposeVariables();
}

export const trainCommand: Command = {
  name: 'train',
  script: 'train',
  synopsis: ['[--config <config.json>] [--resume] [--set <key>=<value> | --<key> <value> ...]'],
  details: `Any key of the training config (training/configSchema.ts) is an override, dotted for nested
keys: --epochs 40, --set architecture.hidden=64. The run goes to <runsDir>/<name>, is exported to
<exportDir>/<name> and recorded in the runs store. --resume continues from the run's checkpoint.`,
  run: main,
};

runIfMain(import.meta.url, trainCommand);
