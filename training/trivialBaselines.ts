/**
 * Test MAE of the two trivial predictors the product model's output transform starts from:
 * the training mean, and the linear atom reference (least squares on H, C, N, O, F counts).
 * Usage: npx tsx training/trivialBaselines.ts [qm9.csv.gz]
 */
import { TARGETS } from '../src/model/types';
import { DEFAULT_CONFIG } from './config';
import { loadQm9Dataset } from './dataset';
import { elementCountsOf, NUM_TARGET_COLUMNS } from './packed';
import { fitOutputTransform } from './standardize';

async function main(): Promise<void> {
  const d = await loadQm9Dataset(process.argv[2] ?? DEFAULT_CONFIG.data, DEFAULT_CONFIG.cacheDir);
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

main().catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
