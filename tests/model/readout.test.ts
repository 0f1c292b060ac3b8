// The product model's readout setting: hand-set weights whose outputs can be worked out on paper
// (the sum and mean readouts differ by 0.1 x the atom count), model files written and loaded back
// for each readout (absent meaning sum+mean, the manifest's value deciding the network), and
// integrated gradients that still add up to the learned part whatever the readout.
import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../src/model';
import { integratedGradients } from '../../src/model/attribution';
import { batchFromGraphs, batchToTensors, disposeBatch } from '../../src/model/batch';
import {
  createModel,
  DEFAULT_READOUT,
  READOUTS,
  type ProductArchitecture,
  type ProductModel,
  type Readout,
} from '../../src/model/gnn';
import { predictBatchArrays } from '../../src/model/inference';
import type { OutputTransform } from '../../src/model/outputTransform';
import { loadPredictor } from '../../src/model/predictor';
import type { GraphInput } from '../../src/model/types';
import { writeModelFiles } from '../../training/modelFiles';

/** An 11-feature atom row: element one-hot (H C N O F), atomic number, five zeros. */
function atom(element: number, z: number): number[] {
  const row = [0, 0, 0, 0, 0, z, 0, 0, 0, 0, 0];
  row[element] = 1;
  return row;
}
const single = [1, 0, 0, 0];
/** C-O plus an H on the carbon (atomic numbers 6 + 8 + 1 = 15, three atoms) and a lone N (7). */
const carbonOxygen: GraphInput = {
  x: [atom(1, 6), atom(3, 8), atom(0, 1)],
  edgeIndex: [
    [0, 1, 0, 2],
    [1, 0, 2, 0],
  ],
  edgeAttr: [single, single, single, single],
};
const nitrogen: GraphInput = { x: [atom(2, 7)], edgeIndex: [[], []], edgeAttr: [] };
const fluoroethane: GraphInput = {
  x: [atom(1, 6), atom(1, 6), atom(4, 9), atom(0, 1), atom(0, 1)],
  edgeIndex: [
    [0, 1, 1, 2, 0, 3, 0, 4],
    [1, 0, 2, 1, 3, 0, 4, 0],
  ],
  edgeAttr: [single, single, single, single, single, single, single, single],
};

const transform: OutputTransform = { targets: ['gap'], mean: [1], std: [2] };
/** The backend the models in memory run on: a loaded copy must give the same float32 numbers. */
const cpu = { backend: 'cpu' } as const;

const models: ProductModel[] = [];
afterEach(() => {
  for (const m of models.splice(0)) m.dispose();
});
function product(readout: Readout | undefined, hidden: number, layers: number, seed: number) {
  const arch: ProductArchitecture = { kind: 'product', hidden, layers, targets: ['gap'] };
  if (readout) arch.readout = readout;
  const model = createModel(arch, seed) as ProductModel;
  models.push(model);
  return model;
}

/**
 * No message passing, so h = relu(x · embed): unit 0 is the atomic number, unit 1 zero. The mean
 * head passes pooled feature 0 (and, for sum+mean, feature 2: the mean of unit 0) straight
 * through, so the standardized output is 0.1 * sum(Z), mean(Z), or both added.
 */
function handSet(readout: Readout): ProductModel {
  const model = product(readout, 2, 0, 1);
  for (const v of model.variables.values()) v.assign(tf.zerosLike(v));
  const set = (name: string, at: number[][], shape: [number, number]) => {
    const values = new Float32Array(shape[0] * shape[1]);
    for (const [r, c] of at) values[r * shape[1] + c] = 1;
    model.variables.get(name)!.assign(tf.tensor2d(values, shape));
  };
  const width = readout === 'sum+mean' ? 4 : 2;
  set('embed/kernel', [[5, 0]], [11, 2]);
  set(
    'mean0/kernel',
    readout === 'sum+mean'
      ? [
          [0, 0],
          [2, 1],
        ]
      : [[0, 0]],
    [width, 2],
  );
  set(
    'mean1/kernel',
    [
      [0, 0],
      [1, 0],
    ],
    [2, 1],
  );
  set('mean2/kernel', [[0, 0]], [1, 1]);
  return model;
}

function standardized(model: ProductModel, graphs: GraphInput[]): number[] {
  const t = batchToTensors(batchFromGraphs(graphs, true));
  const out = model.forward(t);
  const values = out.mean.arraySync().map((row) => row[0]);
  tf.dispose([out.mean, out.logVar!]);
  disposeBatch(t);
  return values;
}

let tmp: string;
beforeAll(async () => {
  await setupBackend(cpu);
  // What attribution loads on first use; a cold import takes long under a loaded machine.
  await import('@tensorflow/tfjs-core/dist/register_all_gradients');
  tmp = await mkdtemp(path.join(tmpdir(), 'readout-test-'));
}, 180_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('the readout setting', () => {
  it('lists sum+mean (the default), sum and mean', () => {
    expect(READOUTS).toEqual(['sum+mean', 'sum', 'mean']);
    expect(DEFAULT_READOUT).toBe('sum+mean');
  });

  it('pools by hand-checkable rules: sum is 0.1 x the atom count times mean', () => {
    const graphs = [carbonOxygen, nitrogen];
    // Z sums 15 over 3 atoms and 7 over 1.
    const expected: Record<Readout, number[]> = {
      sum: [1.5, 0.7],
      mean: [5, 7],
      'sum+mean': [6.5, 7.7],
    };
    for (const readout of READOUTS) {
      const got = standardized(handSet(readout), graphs);
      got.forEach((v, i) => expect(v, `${readout} ${i}`).toBeCloseTo(expected[readout][i], 5));
    }
  });

  it('is sum+mean when the architecture names none', () => {
    const absent = standardized(product(undefined, 8, 2, 3), [fluoroethane, nitrogen]);
    const named = standardized(product('sum+mean', 8, 2, 3), [fluoroethane, nitrogen]);
    expect(absent).toEqual(named);
  });

  it('refuses an unknown readout built in code, naming the key', () => {
    expect(() => product('max' as Readout, 4, 1, 1)).toThrow(
      'architecture.readout must be one of "sum+mean", "sum", "mean", got "max"',
    );
  });
});

describe('model files with each readout', () => {
  const graphs = [carbonOxygen, nitrogen, fluoroethane];

  /** A seeded model with this readout written to <tmp>/<dir>: the model and its manifest. */
  async function written(readout: Readout, dir: string) {
    const model = product(readout, 8, 2, 5);
    for (const v of model.variables.values()) v.assign(tf.mul(v, 2));
    const id = { name: 't', version: '0.0.1', outputTransform: transform };
    await writeModelFiles(
      path.join(tmp, dir),
      { ...id, architecture: model.architecture },
      model.variables,
      'float32',
    );
    const file = path.join(tmp, dir, 'model.json');
    const manifest = JSON.parse(await readFile(file, 'utf8')) as {
      architecture: Record<string, unknown>;
    };
    const rewrite = (readout: unknown) => {
      manifest.architecture.readout = readout;
      return writeFile(file, JSON.stringify(manifest));
    };
    return { model, manifest, rewrite, dir: path.join(tmp, dir) };
  }

  it.each(READOUTS)('%s: written, read back and predicting as the model in memory', async (r) => {
    const { model, manifest, dir } = await written(r, r);
    expect(manifest.architecture.readout).toBe(r);
    const direct = await predictBatchArrays(model, transform, batchFromGraphs(graphs, true));
    const loaded = await loadPredictor(dir, cpu);
    const predicted = await loaded.predict(graphs);
    predicted.forEach((p, i) => expect(p.values.gap).toBe(direct.values[i]));
    loaded.dispose();
  });

  it('a manifest without the readout loads as sum+mean', async () => {
    const files = await written('sum+mean', 'absent');
    const named = await loadPredictor(files.dir, cpu);
    await files.rewrite(undefined);
    expect(await readFile(path.join(files.dir, 'model.json'), 'utf8')).not.toContain('readout');
    const absent = await loadPredictor(files.dir, cpu);
    expect(await absent.predict(graphs)).toEqual(await named.predict(graphs));
    [named, absent].forEach((p) => p.dispose());
  });

  it("the manifest's readout, not the weights, decides; unknown ones are refused", async () => {
    // The sum model's weights fit a mean network too (same shapes) but predict otherwise.
    const files = await written('sum', 'relabelled');
    const asSum = await loadPredictor(files.dir, cpu);
    await files.rewrite('mean');
    const asMean = await loadPredictor(files.dir, cpu);
    const [bySum, byMean] = [await asSum.predict(graphs), await asMean.predict(graphs)];
    expect(Math.abs(bySum[2].values.gap! - byMean[2].values.gap!)).toBeGreaterThan(1e-3);
    // A single-vector readout's weights do not fit the two-vector network.
    await files.rewrite('sum+mean');
    await expect(loadPredictor(files.dir, cpu)).rejects.toThrow(
      'weight "mean0/kernel" has shape [8,8], the model expects [16,8]',
    );
    await files.rewrite('max');
    await expect(loadPredictor(files.dir, cpu)).rejects.toThrow(
      'model.json: architecture.readout must be one of "sum+mean", "sum", "mean", got "max"',
    );
    [asSum, asMean].forEach((p) => p.dispose());
  });
});

const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('integrated gradients with each readout', () => {
  it.each(READOUTS)('%s: exact on the hand-set model (each atom its own share)', async (r) => {
    const model = handSet(r);
    const c = await integratedGradients(
      model,
      transform,
      batchFromGraphs([carbonOxygen], true),
      'gap',
      4,
    );
    // The output is linear in h along the path, so each atom gets std x (0.1 Z, Z / n or both).
    const share = { sum: 0.1, mean: 1 / 3, 'sum+mean': 0.1 + 1 / 3 }[r];
    [6, 8, 1].forEach((z, i) => expect(c.atoms[i], `atom ${i}`).toBeCloseTo(2 * share * z, 4));
    expect(c.learned).toBeCloseTo(2 * share * 15, 4);
    expect(c.offset).toBeCloseTo(1, 6);
  });

  it.each(READOUTS)('%s: the atoms sum to the learned part of a trained-like model', async (r) => {
    const model = product(r, 8, 2, 9);
    for (const v of model.variables.values()) v.assign(tf.mul(v, 2));
    const one = batchFromGraphs([fluoroethane], true);
    const c = await integratedGradients(model, transform, one, 'gap', 2048);
    expect(c.atoms).toHaveLength(5);
    expect(Math.abs(c.learned)).toBeGreaterThan(1e-2);
    expect(Math.abs(total(c.atoms) - c.learned)).toBeLessThan(5e-3 * Math.abs(c.learned) + 1e-4);
    const direct = await predictBatchArrays(model, transform, one);
    expect(c.value).toBeCloseTo(direct.values[0], 4);
  });
});
