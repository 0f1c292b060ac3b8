import { averagePredictions, loadPredictor } from '../src/model';
import type { WeightPrecision } from '../src/model/weightsIO';
import { loadQm9Dataset } from './dataset';
import { formatMetricsTable, targetMetrics } from './metrics';
import { packedToGraph } from './packedToGraph';
import { truthColumn } from './predictPacked';
import type { SplitName } from './split';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const models: string[] = [];
  let data = '../shared/data/qm9/qm9.csv.gz';
  let split: SplitName = 'test';
  let precision: WeightPrecision = 'float32';
  let cacheDir = 'training/runs/cache';
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    // Several --model flags evaluate their average (src/model/ensemble.ts).
    if (a === '--model') models.push(args[++i]);
    else if (a === '--data') data = args[++i];
    else if (a === '--split') split = args[++i] as SplitName;
    else if (a === '--precision') precision = args[++i] as WeightPrecision;
    else if (a === '--cache') cacheDir = args[++i];
    else throw new Error(`unexpected argument "${a}"`);
  }
  if (models.length === 0)
    throw new Error(
      'usage: npm run evaluate -- --model public/models/<name> [--model <another> ...] --data <qm9.csv.gz> [--split test|validation|train] [--precision float16]',
    );
  if (!['train', 'validation', 'test'].includes(split))
    throw new Error(`--split must be train, validation or test`);
  const predictors = await Promise.all(models.map((m) => loadPredictor(m, { precision })));
  const dataset = await loadQm9Dataset(data, cacheDir, (m) => process.stderr.write(`${m}\n`));
  const ids = dataset.split[split];
  const graphs = Array.from(ids, (i) => packedToGraph(dataset.packed, i));
  const t0 = Date.now();
  const perModel = [];
  for (const predictor of predictors) perModel.push(await predictor.predict(graphs));
  const seconds = (Date.now() - t0) / 1000;
  const preds = averagePredictions(perModel);
  const targets = [...new Set(predictors.flatMap((p) => p.targets))];
  const rows = targets.map((key) => {
    const hasStd = preds[0]?.std[key] !== undefined;
    return targetMetrics(
      key,
      preds.map((p) => p.values[key]!),
      truthColumn(dataset.packed, ids, key),
      hasStd ? preds.map((p) => p.std[key]!) : null,
    );
  });
  const names = predictors.map((p) => `${p.name} ${p.version}`).join(' + ');
  process.stdout.write(
    `${names} (${precision}, ${predictors[0].backend}) on the ${split} split of ${data}: ${ids.length} molecules, ${(ids.length / seconds).toFixed(0)} mol/s\n`,
  );
  process.stdout.write(formatMetricsTable(rows) + '\n');
  for (const predictor of predictors) predictor.dispose();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: Error) => {
    process.stderr.write(`evaluate: ${err.message}\n`);
    process.exit(1);
  });
}
