/**
 * Test MAE of the two trivial predictors the product model's output transform starts from:
 * the training mean, and the linear atom reference (least squares on H, C, N, O, F counts).
 */
import { parseCommandArgs, runIfMain, UsageError, type Command } from '../cli/command';
import { TARGETS } from '../src/model';
import { DEFAULT_CONFIG } from './config';
import { loadQm9Dataset } from './dataset';
import { elementCountsOf, NUM_TARGET_COLUMNS } from './packed';
import { fitOutputTransform } from './standardize';

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs(argv, { data: { type: 'string' } });
  if (positionals.length > (values.data ? 0 : 1))
    throw new UsageError(`unexpected argument "${positionals[values.data ? 0 : 1]}"`);
  const data = values.data ?? positionals[0] ?? DEFAULT_CONFIG.data;
  const d = await loadQm9Dataset(data, DEFAULT_CONFIG.cacheDir);
  const keys = TARGETS.map((t) => t.key);
  const plain = fitOutputTransform(d.packed, d.split.train, keys, 'standard');
  const ref = fitOutputTransform(d.packed, d.split.train, keys, 'atomref');
  const rows = TARGETS.map((t, k) => {
    let a = 0;
    let b = 0;
    for (const i of d.split.test) {
      const y = d.packed.targets[i * NUM_TARGET_COLUMNS + k];
      const c = elementCountsOf(d.packed, i);
      a += Math.abs(y - plain.mean[k]);
      b += Math.abs(y - ref.mean[k] - ref.atomref![k].reduce((s, v, e) => s + v * c[e], 0));
    }
    const n = d.split.test.length;
    return { target: t.key, unit: t.unit, meanPredictorMae: a / n, atomrefMae: b / n };
  });
  process.stdout.write(JSON.stringify(rows, null, 1) + '\n');
}

export const baselinesCommand: Command = {
  name: 'baselines',
  script: 'baselines',
  synopsis: ['[--data <qm9.csv.gz> | <qm9.csv.gz>]'],
  details: `Test MAE per target of the training mean and of the linear atom reference, as JSON on stdout.
Default data: ${DEFAULT_CONFIG.data}.`,
  run: main,
};

runIfMain(import.meta.url, baselinesCommand);
