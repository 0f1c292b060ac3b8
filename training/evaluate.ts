import { parseArgs } from 'node:util';
import { runIfMain, UsageError, type Command } from '../cli/command';
import {
  DEFAULT_CACHE_DIR,
  DEFAULT_DATA,
  DEFAULT_MODEL,
  DEFAULT_MODELS_DIR,
} from '../cli/defaults';
import { loadPredictor } from '../src/model';
import type { WeightPrecision } from '../src/model';
import { loadQm9Dataset } from './dataset';
import { evaluateOnSplit } from './evaluateOnSplit';
import { formatMetricsTable } from './metrics';
import { resolveModelArg } from './registryFiles';
import { withRun } from './runRecording';
import { RunsStore } from './runsStore';
import type { SplitName } from './split';
import { gitCommit } from './train';

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
    },
  });
  const split = values.split as SplitName;
  if (!['train', 'validation', 'test'].includes(split))
    throw new UsageError('--split must be train, validation or test');
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

export const evaluateCommand: Command = {
  name: 'evaluate',
  script: 'evaluate',
  synopsis: [
    '[--model production|staging|<name[@version]>|<dir> ...] [--data <qm9.csv.gz>] [--split test|validation|train] [--precision float32|float16|uint8]',
  ],
  details: `Several --model flags evaluate their average. Defaults: --model ${DEFAULT_MODEL}, --data ${DEFAULT_DATA},
--cache ${DEFAULT_CACHE_DIR}, --models-dir ${DEFAULT_MODELS_DIR}.`,
  run: main,
};

runIfMain(import.meta.url, evaluateCommand);
