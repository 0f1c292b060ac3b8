import * as tf from '@tensorflow/tfjs';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseCommandArgs, runIfMain, UsageError, type Command } from '../cli/command';
import { setupBackend } from '../src/model';
import { createModel, type GraphModel } from '../src/model';
import {
  CARD_FORMAT,
  type ModelCard,
  type QuantizationReport,
  type TargetMetrics,
} from '../src/model';
import { decodeWeights, MANIFEST_FILES, type WeightPrecision } from '../src/model';
import { loadTensors } from './checkpoint';
import {
  readCard,
  splitTrainingHistory,
  writeCardFiles,
  type EvaluationContent,
} from './cardFiles';
import { withRun } from './runRecording';
import { RunsStore } from './runsStore';
import { gitCommit } from './provenance';
import { shardName, writeModelFiles } from './modelFiles';
import { loadQm9Dataset } from './dataset';
import { formatMetricsTable } from './metrics';
import type { OutputTransform, TargetKey } from '../src/model';
import type { PackedGraphs } from './packed';
import {
  column,
  metricsOf,
  predictPacked,
  truthColumn,
  type PackedPredictions,
} from './predictPacked';
import {
  cardTargets,
  readCardNotes,
  referenceSample,
  referenceSections,
  testSplitSections,
} from './cardSections';
import { readRunResults, type RunResults } from './runArtifacts';
import { SPLIT_RULE } from './split';
import { inheritedBaseline, startedFromSummary } from './initFrom';

export interface ExportOptions {
  /** Run directory of the baseline to compare with in the model card. */
  baselineRun?: string;
  /** Extra card sections (ablations, limitations) from a JSON file. */
  notesFile?: string;
  /** Molecules of the training split summarized for the drift reference. */
  referenceSample?: number;
  /** Where <name>/ is written instead of the run config's exportDir. */
  exportDir?: string;
}

const PRECISIONS: WeightPrecision[] = ['float32', 'float16', 'uint8'];

/**
 * What opens every model card, a single model's or an ensemble's: its format, identity (dated now)
 * and what the model is. The keys keep the order the card files have always had.
 */
export function cardHeader(
  config: Pick<ModelCard, 'name' | 'version' | 'description'>,
  model: Pick<ModelCard, 'architecture' | 'parameters'> & { targets: TargetKey[] },
): Pick<
  ModelCard,
  | 'format'
  | 'formatVersion'
  | 'name'
  | 'version'
  | 'createdAt'
  | 'description'
  | 'architecture'
  | 'parameters'
  | 'targets'
> {
  return {
    format: CARD_FORMAT,
    formatVersion: 1,
    name: config.name,
    version: config.version,
    createdAt: new Date().toISOString(),
    description: config.description,
    architecture: model.architecture,
    parameters: model.parameters,
    targets: cardTargets(model.targets),
  };
}
const DEFAULT_BASELINE_RUN = 'qm9-baseline-gap';

/**
 * Writes public/models/<name>/: a manifest + shard per precision, model-card.json, evaluation.json
 * and (for a model that predicts the gap) drift-reference.json.
 */
export async function exportRun(runDir: string, options: ExportOptions): Promise<string> {
  await setupBackend({ backend: 'wasm' });
  const results = await readRunResults(runDir);
  const { config, transform } = results;
  const outDir = path.join(options.exportDir ?? config.exportDir, config.name);
  await mkdir(outDir, { recursive: true });
  const weights = await loadTensors(runDir, 'final');
  const dataset = await loadQm9Dataset(config.data, config.cacheDir, (m) =>
    process.stderr.write(`${m}\n`),
  );
  if (dataset.sha256 !== results.data.sha256) {
    throw new Error(
      `data ${config.data} has sha256 ${dataset.sha256}, the run was trained on ${results.data.sha256}`,
    );
  }

  const quantization: QuantizationReport[] = [];
  let float32Test: TargetMetrics[] | null = null;
  let testSections: TestSections | null = null;
  let referenceModel: GraphModel | null = null;
  for (const precision of PRECISIONS) {
    const { manifest, data } = await writeModelFiles(
      outDir,
      {
        name: config.name,
        version: config.version,
        architecture: config.architecture,
        outputTransform: transform,
      },
      weights,
      precision,
    );
    // Evaluate exactly what was written: decode the bytes as a browser would.
    const model = createModel(config.architecture, 0);
    const decoded = decodeWeights(
      data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer,
      manifest.weightsManifest,
    );
    model.setWeights(decoded);
    tf.dispose(Object.values(decoded));
    const testPred = await predictPacked(model, transform, dataset.packed, dataset.split.test);
    const test = metricsOf(testPred, transform, dataset.packed);
    if (precision === 'float32') {
      testSections = testSectionsOf(testPred, transform, dataset.packed);
      const drift = Math.max(
        ...test.map((m, k) => Math.abs(m.mae - results.metrics.test[k].mae) / m.mae),
      );
      if (drift > 1e-3)
        process.stderr.write(
          `note: float32 test MAE differs from the run's by up to ${(100 * drift).toFixed(2)}% (featurizer changed since training?)\n`,
        );
      float32Test = test;
      referenceModel = model;
    } else model.dispose();
    quantization.push({
      precision,
      manifest: MANIFEST_FILES[precision],
      weightBytes: data.byteLength,
      testMaeDelta: Object.fromEntries(test.map((m, k) => [m.key, m.mae - float32Test![k].mae])),
    });
    process.stderr.write(
      `${precision}: ${data.byteLength} bytes, gap MAE delta ${quantization.at(-1)!.testMaeDelta.gap ?? '-'}\n`,
    );
  }

  const sample = referenceSample(dataset.split.train, config.seed, options.referenceSample);
  const samplePred = await predictPacked(referenceModel!, transform, dataset.packed, sample);
  const predictions = Object.fromEntries(
    transform.targets.map((key, k) => [
      key,
      column(samplePred.values, k, transform.targets.length),
    ]),
  );
  referenceModel!.dispose();

  // Convention: a product run is compared with the baseline run next to it unless told otherwise.
  const baselineRun =
    options.baselineRun ??
    (config.architecture.kind === 'product'
      ? path.join(config.runsDir, DEFAULT_BASELINE_RUN)
      : null);
  const baseline = baselineRun ? await readRunResults(baselineRun).catch(() => null) : null;
  if (baselineRun && !baseline)
    process.stderr.write(
      `note: no finished baseline run in ${baselineRun}; the card has no baseline section\n`,
    );
  const notes = await readCardNotes(config.name, options.notesFile);
  const h = results.state.history;
  const { trainingPredictions, driftReference } = referenceSections(
    dataset.packed,
    sample,
    dataset.split.train.length,
    predictions,
    config.seed,
  );
  const training = splitTrainingHistory(`${config.name} ${config.version}`, {
    backend: results.backend,
    seed: config.seed,
    epochs: results.state.epochsDone,
    epochsPlanned: results.state.epochsPlanned,
    bestEpoch: results.state.bestEpoch,
    wallSeconds: Math.round(results.state.trainSeconds),
    moleculesPerSecond: Math.round(mean(h.map((r) => r.moleculesPerSecond))),
    hyperparameters: {
      batchSize: config.batchSize,
      learningRate: config.learningRate,
      schedule: config.schedule,
      warmupEpochs: config.warmupEpochs,
      minLrFactor: config.minLrFactor,
      loss: config.loss,
      normalization: config.normalization,
      timeBudgetMinutes: config.timeBudgetMinutes,
      optimizer: 'Adam (beta1 0.9, beta2 0.999, eps 1e-8)',
    },
    gitCommit: results.gitCommit,
    finishedAt: results.finishedAt,
    ...(config.initFrom
      ? {
          // Core time of a fine-tune is this run's plus the starting model's.
          startedFrom: (await startedFromSummary(config.initFrom)) ?? config.initFrom,
          oversampleSmall: config.oversampleSmall,
        }
      : {}),
    history: h.map((r) => ({
      epoch: r.epoch,
      trainLoss: r.trainLoss,
      valScore: r.valScore,
      valGapMae: r.valMae.gap,
      seconds: Math.round(r.seconds),
    })),
  });
  const card: ModelCard = {
    ...cardHeader(config, {
      architecture: config.architecture,
      parameters: results.parameters,
      targets: transform.targets,
    }),
    data: {
      file: path.basename(config.data),
      sha256: results.data.sha256,
      rows: results.data.rows,
      characterizedRows: results.data.characterizedRows,
      featurizationErrors: results.data.featurizationErrors,
      split: { rule: SPLIT_RULE, ...results.data.split },
    },
    metrics: { test: float32Test!, validation: results.metrics.validation },
    uncertainty: transform.calibration
      ? {
          method:
            'mean-variance head (Gaussian NLL on detached means), std scaled per target so the central 90% interval covers 90% of the validation split (split-conformal)',
          calibration: Object.fromEntries(
            transform.targets.map((k, i) => [k, transform.calibration![i]]),
          ),
        }
      : null,
    baseline: baseline
      ? {
          name: baseline.config.name,
          description: baseline.config.description,
          test: baseline.metrics.test,
          training: {
            epochs: baseline.state.epochsDone,
            bestEpoch: baseline.state.bestEpoch,
            wallSeconds: Math.round(baseline.state.trainSeconds),
            moleculesPerSecond: Math.round(
              mean(baseline.state.history.map((r) => r.moleculesPerSecond)),
            ),
            backend: baseline.backend,
          },
        }
      : await inheritedBaseline(config.initFrom),
    training: training.summary,
    quantization,
    ablations: notes.ablations ?? [],
    limitations: notes.limitations ?? [],
    trainingPredictions,
  };
  await writeCardFiles(outDir, {
    card,
    evaluation: { ...testSections!, trainingHistory: [training.history] },
    driftReference,
  });
  const sizes = await Promise.all(
    PRECISIONS.map(async (p) => `${p} ${(await stat(path.join(outDir, shardName(p)))).size} B`),
  );
  process.stderr.write(
    `exported ${outDir} (${sizes.join(', ')})\n${formatMetricsTable(float32Test!)}\n`,
  );
  tf.dispose(Object.values(weights));
  return outDir;
}

type TestSections = Pick<EvaluationContent, 'testResiduals' | 'intervalCoverage'>;

/** evaluation.json's test-split plots from the float32 model's test predictions. */
function testSectionsOf(
  pred: PackedPredictions,
  transform: OutputTransform,
  packed: PackedGraphs,
): TestSections {
  const t = transform.targets.length;
  const std = pred.std;
  return testSplitSections(
    transform.targets,
    (key) => column(pred.values, transform.targets.indexOf(key), t),
    (key) => truthColumn(packed, pred.ids, key),
    std ? (key) => column(std, transform.targets.indexOf(key), t) : () => null,
  );
}

function mean(a: number[]): number {
  return a.length ? a.reduce((s, v) => s + v, 0) / a.length : NaN;
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs(argv, {
    run: { type: 'string' },
    baseline: { type: 'string' },
    notes: { type: 'string' },
    'reference-sample': { type: 'string' },
    'export-dir': { type: 'string' },
  });
  if (positionals.length > (values.run ? 0 : 1))
    throw new UsageError(`unexpected argument "${positionals[values.run ? 0 : 1]}"`);
  const runDir = values.run ?? positionals[0];
  if (!runDir) throw new UsageError('needs a run directory (--run training/runs/<name>)');
  const opts: ExportOptions = {
    baselineRun: values.baseline,
    notesFile: values.notes,
    exportDir: values['export-dir'],
  };
  if (values['reference-sample'] !== undefined) {
    opts.referenceSample = Number(values['reference-sample']);
    if (!Number.isInteger(opts.referenceSample) || opts.referenceSample < 1)
      throw new UsageError(
        `--reference-sample needs a positive whole number, got "${values['reference-sample']}"`,
      );
  }
  const results = await readRunResults(runDir);
  const store = new RunsStore();
  await withRun(
    store,
    {
      kind: 'export',
      name: results.config.name,
      config: { run: runDir, ...opts, trainConfig: results.config },
      gitCommit: gitCommit(),
      dataSha256: results.data.sha256,
    },
    async () => {
      const dir = await exportRun(runDir, opts);
      const card = await readCard(dir);
      return { value: undefined, test: card.metrics.test, outputDir: dir };
    },
  );
  store.close();
}

export const exportCommand: Command = {
  name: 'export',
  script: 'export',
  synopsis: [
    '--run training/runs/<name> [--baseline training/runs/<baseline>] [--notes file.json] [--reference-sample N] [--export-dir public/models]',
  ],
  details: `Writes <export dir>/<name>/: the weights in each precision and the model card, measured on the
test split. The run directory may also be given without --run.`,
  run: main,
};

runIfMain(import.meta.url, exportCommand);

export type { RunResults };
