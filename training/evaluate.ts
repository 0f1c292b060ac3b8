import { parseArgs } from 'node:util';
import { loadPredictor } from '../src/model';
import type { WeightPrecision } from '../src/model/weightsIO';
import { loadQm9Dataset } from './dataset';
import { evaluateOnSplit } from './evaluateOnSplit';
import { formatMetricsTable } from './metrics';
import { DEFAULT_MODELS_DIR, resolveModelArg } from './registryFiles';
import { withRun } from './runRecording';
import { RunsStore } from './runsStore';
import type { SplitName } from './split';
import { gitCommit } from './train';

const USAGE =
  'usage: npm run evaluate -- [--model production|staging|<name[@version]>|<dir> ...] [--data <qm9.csv.gz>] [--split test|validation|train] [--precision float16]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      // Several --model flags evaluate their average (src/model/ensemble.ts).
      model: { type: 'string', multiple: true, default: ['production'] },
      data: { type: 'string', default: '../shared/data/qm9/qm9.csv.gz' },
      split: { type: 'string', default: 'test' },
      precision: { type: 'string', default: 'float32' },
      cache: { type: 'string', default: 'training/runs/cache' },
      'models-dir': { type: 'string', default: DEFAULT_MODELS_DIR },
    },
  });
  const split = values.split as SplitName;
  if (!['train', 'validation', 'test'].includes(split))
    throw new Error(`--split must be train, validation or test\n${USAGE}`);
  const precision = values.precision as WeightPrecision;
  const dirs = await Promise.all(values.model.map((m) => resolveModelArg(m, values['models-dir'])));
  const predictors = await Promise.all(dirs.map((m) => loadPredictor(m, { precision })));
  const dataset = await loadQm9Dataset(values.data, values.cache, (m) =>
    process.stderr.write(`${m}\n`),
  );
  const names = predictors.map((p) => `${p.name} ${p.version}`).join(' + ');
  const store = new RunsStore();
  const { metrics, molecules, seconds } = await withRun(
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
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: Error) => {
    process.stderr.write(`evaluate: ${err.message}\n`);
    process.exit(1);
  });
}
