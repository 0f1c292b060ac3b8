import path from 'node:path';
import { parseArgs } from 'node:util';
import { runIfMain, UsageError, type Command } from '../cli/command';
import {
  DEFAULT_CACHE_DIR,
  DEFAULT_DATA,
  DEFAULT_MODEL,
  DEFAULT_MODELS_DIR,
} from '../cli/defaults';
import { EVALUATION_FILE, loadPredictor, modelId } from '../src/model';
import type { TargetKey, TargetMetrics, WeightPrecision } from '../src/model';
import { intervalCoverageSection } from './cardSections';
import { readCard, readEvaluation, rewriteEvaluation } from './cardFiles';
import { loadQm9Dataset, type Qm9Dataset } from './dataset';
import { evaluateOnSplit, type SplitEvaluation } from './evaluateOnSplit';
import { COVERAGE_LEVELS, formatMetricsTable } from './metrics';
import { truthColumn } from './predictPacked';
import { readRegistryFile, recordRepackagedCards, resolveModelArg } from './registryFiles';
import { withRun } from './runRecording';
import { RunsStore } from './runsStore';
import type { SplitName } from './split';
import { gitCommit } from './provenance';

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      // Several --model flags evaluate their average (src/model/ensemble.ts).
      model: { type: 'string', multiple: true, default: [DEFAULT_MODEL] },
      data: { type: 'string', default: DEFAULT_DATA },
      split: { type: 'string', default: 'test' },
      precision: { type: 'string', default: 'float32' },
      cache: { type: 'string', default: DEFAULT_CACHE_DIR },
      'models-dir': { type: 'string', default: DEFAULT_MODELS_DIR },
      'write-coverage': { type: 'boolean', default: false },
    },
  });
  const split = values.split as SplitName;
  if (!['train', 'validation', 'test'].includes(split))
    throw new UsageError('--split must be train, validation or test');
  const precision = values.precision as WeightPrecision;
  // The page plots the curve beside the card's test metrics, which are float32's.
  if (
    values['write-coverage'] &&
    (values.model.length !== 1 || split !== 'test' || precision !== 'float32')
  )
    throw new UsageError('--write-coverage takes one --model, the test split and float32');
  const dirs = await Promise.all(values.model.map((m) => resolveModelArg(m, values['models-dir'])));
  const predictors = await Promise.all(dirs.map((m) => loadPredictor(m, { precision })));
  const dataset = await loadQm9Dataset(values.data, values.cache, (m) =>
    process.stderr.write(`${m}\n`),
  );
  const names = predictors.map((p) => `${p.name} ${p.version}`).join(' + ');
  const store = new RunsStore();
  const { metrics, predictions, molecules, seconds } = await withRun(
    store,
    {
      kind: 'evaluate',
      name: names,
      config: { models: values.model, dirs, split, precision, data: values.data },
      gitCommit: gitCommit(),
      dataSha256: dataset.sha256,
      note: `${split} split`,
    },
    async () => {
      const result = await evaluateOnSplit(predictors, dataset, split);
      return { value: result, test: result.metrics };
    },
  );
  store.close();
  process.stdout.write(
    `${names} (${precision}, ${predictors[0].backend}) on the ${split} split of ${values.data}: ${molecules} molecules, ${(molecules / seconds).toFixed(0)} mol/s\n`,
  );
  process.stdout.write(formatMetricsTable(metrics) + '\n');
  for (const predictor of predictors) predictor.dispose();
  if (values['write-coverage'])
    await writeIntervalCoverage(dirs[0], { metrics, predictions }, dataset, values['models-dir']);
}

/** Largest relative difference of test MAE this run may have from the card's and still write. */
const MAE_TOLERANCE = 1e-9;

/**
 * Writes the calibration curve of a test-split evaluation into the model directory's
 * evaluation.json, after checking that the evaluation reproduces the card's test MAEs (same
 * weights, same prediction code), and re-records the checksums of every registered model that
 * holds the file (an ensemble holds its members') as a card-only repackaging.
 */
export async function writeIntervalCoverage(
  dir: string,
  result: Pick<SplitEvaluation, 'metrics' | 'predictions'>,
  dataset: Qm9Dataset,
  modelsDir: string,
): Promise<void> {
  const card = await readCard(dir);
  const evaluation = await readEvaluation(dir, card);
  const carded = new Map(card.metrics.test.map((m) => [m.key, m] as const));
  const off = result.metrics.filter((m: TargetMetrics) => {
    const mae = carded.get(m.key)?.mae;
    return mae === undefined || Math.abs(m.mae - mae) > MAE_TOLERANCE * mae;
  });
  if (off.length)
    throw new Error(
      `${dir}: test MAE differs from its card for ${off.map((m) => `${m.key} (${m.mae} here, ${carded.get(m.key)?.mae} in the card)`).join(', ')}; not writing the calibration curve of other predictions`,
    );
  const { predictions } = result;
  const ids = dataset.split.test;
  const intervalCoverage = intervalCoverageSection(
    'test',
    result.metrics.map((m) => m.key),
    (key: TargetKey) => predictions.map((p) => p.values[key]!),
    (key) => truthColumn(dataset.packed, ids, key),
    (key) => (predictions[0]?.std[key] === undefined ? null : predictions.map((p) => p.std[key]!)),
  );
  if (!intervalCoverage) throw new Error(`${dir}: the model predicts no std, so no coverage`);
  await rewriteEvaluation(dir, card, { ...evaluation, intervalCoverage });
  const file = path.join(dir, EVALUATION_FILE);
  process.stderr.write(
    `wrote the interval coverage at ${intervalCoverage.levels.length} levels into ${file}\n`,
  );
  const rel = path.relative(modelsDir, file).split(path.sep).join('/');
  const holders = (await readRegistryFile(modelsDir)).models.filter((m) => rel in m.files);
  for (const entry of holders) {
    await recordRepackagedCards(
      modelsDir,
      modelId(entry),
      `${rel}: calibration curve (interval coverage at ${intervalCoverage.levels.length} nominal levels on the test split) added by evaluate --write-coverage; weights and card unchanged`,
    );
    process.stderr.write(`re-recorded the checksums of ${modelId(entry)}\n`);
  }
}

export const evaluateCommand: Command = {
  name: 'evaluate',
  script: 'evaluate',
  synopsis: [
    '[--model production|staging|<name[@version]>|<dir> ...] [--data <qm9.csv.gz>] [--split test|validation|train] [--precision float32|float16|uint8]',
    '--model <one model> --write-coverage',
  ],
  details: `Several --model flags evaluate their average. Defaults: --model ${DEFAULT_MODEL}, --data ${DEFAULT_DATA},
--cache ${DEFAULT_CACHE_DIR}, --models-dir ${DEFAULT_MODELS_DIR}.
--write-coverage also writes the calibration curve (observed coverage of the central interval at
${COVERAGE_LEVELS.length} nominal levels on the test split) into the model's evaluation.json, once the run reproduces the
card's test MAEs, and re-records the registry checksums of every model that holds that file.`,
  run: main,
};

runIfMain(import.meta.url, evaluateCommand);
