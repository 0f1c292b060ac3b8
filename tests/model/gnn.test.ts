// The networks against a plain-JavaScript forward pass written from their documented definitions
// (no tfjs in the oracle), run one molecule at a time while the models see a whole batch: a wrong
// edge direction, bond lookup, pooling, head or clip changes the numbers. Also the graph ops, the
// weight names and shapes (the weight files' format) and the inference step's unit mapping.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../src/model';
import { batchFromGraphs, batchToTensors, disposeBatch } from '../../src/model/batch';
import { Z90 } from '../../src/model/bounds';
import {
  BaselineModel,
  createModel,
  LOG_VAR_LIMIT,
  ProductModel,
  type Architecture,
  type GraphModel,
  type Readout,
} from '../../src/model/gnn';
import { segmentMean, segmentSum, stopGradient } from '../../src/model/graphOps';
import { predictBatchArrays } from '../../src/model/inference';
import type { GraphInput } from '../../src/model/types';
import { baselineArch, productArch } from '../helpers/architectures';

type M = number[][];
const matmul = (a: M, w: M): M =>
  a.map((r) => w[0].map((_, j) => r.reduce((s, v, k) => s + v * w[k][j], 0)));
const plus = (a: M, b: M | number[]): M =>
  a.map((r, i) => r.map((v, j) => v + (Array.isArray(b[0]) ? (b as M)[i][j] : (b as number[])[j])));
const relu = (a: M): M => a.map((r) => r.map((v) => Math.max(0, v)));
const sumRows = (a: M): number[] => a[0].map((_, j) => a.reduce((s, r) => s + r[j], 0));

/** The model's current weights as nested arrays, by name. */
function weightsOf(model: GraphModel): Map<string, M | number[]> {
  const out = new Map<string, M | number[]>();
  for (const [name, v] of model.variables) out.set(name, v.arraySync() as M | number[]);
  return out;
}

function linear(w: Map<string, M | number[]>, name: string, x: M): M {
  const y = matmul(x, w.get(`${name}/kernel`) as M);
  const b = w.get(`${name}/bias`) as number[] | undefined;
  return b ? plus(y, b) : y;
}

/** Sum over the edges into each atom of f(edge). */
function aggregate(g: GraphInput, n: number, width: number, f: (e: number) => number[]): M {
  const agg = Array.from({ length: n }, () => new Array<number>(width).fill(0));
  g.edgeIndex[0].forEach((_, e) => {
    const m = f(e);
    const d = g.edgeIndex[1][e];
    agg[d] = agg[d].map((v, j) => v + m[j]);
  });
  return agg;
}

/** Product model, one molecule: GINE messages, residual updates, a readout (sum + mean), two heads. */
function productOracle(
  w: Map<string, M | number[]>,
  layers: number,
  g: GraphInput,
  bondTypes = true,
  readout: Readout = 'sum+mean',
): { mean: number[]; logVar: number[] } {
  const n = g.x.length;
  let h = linear(w, 'embed', g.x);
  for (let l = 0; l < layers; l++) {
    const table = w.get(`mp${l}/bond_embedding`) as M;
    const agg = aggregate(g, n, h[0].length, (e) => {
      const from = h[g.edgeIndex[0][e]];
      const k = g.edgeAttr![e].indexOf(1);
      return from.map((v, j) => Math.max(0, v + (bondTypes ? table[k][j] : 0)));
    });
    const inner = relu(plus(linear(w, `mp${l}/root`, h), linear(w, `mp${l}/rel`, agg)));
    h = plus(h, linear(w, `mp${l}/out`, inner));
  }
  h = relu(h);
  const total = sumRows(h);
  const sum = total.map((v) => 0.1 * v);
  const mean = total.map((v) => v / n);
  const pooled = [readout === 'sum' ? sum : readout === 'mean' ? mean : [...sum, ...mean]];
  let m = relu(linear(w, 'mean0', pooled));
  m = relu(linear(w, 'mean1', m));
  const v = relu(linear(w, 'var0', pooled));
  const logVar = linear(w, 'var1', v)[0].map((x) =>
    Math.min(LOG_VAR_LIMIT, Math.max(-LOG_VAR_LIMIT, x)),
  );
  return { mean: linear(w, 'mean2', m)[0], logVar };
}

/** Baseline model, one molecule: GraphConv (sum) layers, mean pool, three-layer MLP. */
function baselineOracle(w: Map<string, M | number[]>, layers: number, g: GraphInput): number[] {
  const n = g.x.length;
  let h = relu(linear(w, 'embed', g.x));
  for (let l = 0; l < layers; l++) {
    const agg = aggregate(g, n, h[0].length, (e) => h[g.edgeIndex[0][e]]);
    h = relu(plus(linear(w, `conv${l}/rel`, agg), linear(w, `conv${l}/root`, h)));
  }
  const pooled = [sumRows(h).map((v) => v / n)];
  const m = relu(linear(w, 'mlp1', relu(linear(w, 'mlp0', pooled))));
  return linear(w, 'mlp2', m)[0];
}

/** An 11-feature atom row: element one-hot (H C N O F), atomic number, then five more features. */
function atom(element: number, z: number, rest: number[]): number[] {
  const row = [0, 0, 0, 0, 0, z, ...rest];
  row[element] = 1;
  return row;
}
const bond = (k: number) => [0, 1, 2, 3].map((i) => (i === k ? 1 : 0));

// Directed edges on purpose (a real molecule has both directions): a swapped src/dst shows.
const molecules: GraphInput[] = [
  {
    x: [atom(1, 6, [0, 1, 0, 0, 3]), atom(3, 8, [1, 0, 0, 1, 0]), atom(0, 1, [0, 0, 0, 0, 0])],
    edgeIndex: [
      [0, 1, 2, 0],
      [1, 0, 0, 2],
    ],
    edgeAttr: [bond(1), bond(1), bond(0), bond(0)],
  },
  { x: [atom(2, 7, [0, 0, 1, 0, 0])], edgeIndex: [[], []], edgeAttr: [] },
  {
    x: [
      atom(1, 6, [1, 0, 1, 0, 1]),
      atom(1, 6, [1, 0, 1, 0, 1]),
      atom(4, 9, [0, 0, 0, 0, 0]),
      atom(2, 7, [0, 1, 0, 0, 0]),
    ],
    edgeIndex: [
      [0, 1, 2, 3, 3],
      [1, 2, 1, 0, 1],
    ],
    edgeAttr: [bond(3), bond(2), bond(0), bond(2), bond(1)],
  },
];

/** Scales every weight so activations reach both sides of each ReLU at this tiny width. */
function spread(model: GraphModel, factor: number): void {
  for (const v of model.variables.values()) v.assign(tf.mul(v, factor));
}

function forward(model: GraphModel, graphs: GraphInput[]) {
  const t = batchToTensors(batchFromGraphs(graphs, true));
  const out = model.forward(t);
  const mean = out.mean.arraySync() as M;
  const logVar = out.logVar?.arraySync() as M | undefined;
  tf.dispose([out.mean, out.logVar].filter((x): x is tf.Tensor2D => x !== undefined));
  disposeBatch(t);
  return { mean, logVar };
}

function expectClose(actual: number[], expected: number[], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  actual.forEach((v, i) =>
    expect(Math.abs(v - expected[i]), `${what}[${i}]: ${v} vs ${expected[i]}`).toBeLessThan(
      1e-4 * Math.max(1, Math.abs(expected[i])),
    ),
  );
}

const models: GraphModel[] = [];
afterEach(() => {
  for (const m of models.splice(0)) m.dispose();
});
function make(arch: Architecture, seed: number): GraphModel {
  const m = createModel(arch, seed);
  models.push(m);
  return m;
}

describe.each(['cpu', 'wasm'] as const)('the networks on %s', (backend) => {
  beforeAll(async () => {
    await setupBackend({ backend });
  });

  it('product model: the oracle, molecule by molecule, with bond types', () => {
    const arch = productArch({ hidden: 4, layers: 2, targets: ['gap', 'mu'] });
    const model = make(arch, 3);
    spread(model, 2);
    const w = weightsOf(model);
    const out = forward(model, molecules);
    molecules.forEach((g, i) => {
      const o = productOracle(w, 2, g);
      expectClose(out.mean[i], o.mean, `mean ${i}`);
      expectClose(out.logVar![i], o.logVar, `logVar ${i}`);
    });
    // The bond embedding matters: the oracle without it disagrees on a molecule with bonds.
    const without = productOracle(w, 2, molecules[2], false).mean;
    expect(Math.max(...without.map((v, k) => Math.abs(v - out.mean[2][k])))).toBeGreaterThan(1e-3);
  });

  it('product model without bond types: messages ignore the bond', () => {
    const arch = productArch({ hidden: 4, layers: 1, bondTypes: false });
    const model = make(arch, 8);
    spread(model, 2);
    const w = weightsOf(model);
    const out = forward(model, molecules);
    molecules.forEach((g, i) =>
      expectClose(out.mean[i], productOracle(w, 1, g, false).mean, `mean ${i}`),
    );
  });

  it.each(['sum', 'mean', 'sum+mean'] as const)(
    'product model with the %s readout: the oracle, molecule by molecule',
    (readout) => {
      const arch = productArch({ hidden: 4, layers: 2, targets: ['gap', 'mu'], readout });
      const model = make(arch, 4);
      spread(model, 2);
      const w = weightsOf(model);
      const out = forward(model, molecules);
      molecules.forEach((g, i) => {
        const o = productOracle(w, 2, g, true, readout);
        expectClose(out.mean[i], o.mean, `mean ${i}`);
        expectClose(out.logVar![i], o.logVar, `logVar ${i}`);
      });
    },
  );

  it('baseline model: the oracle, molecule by molecule, no variance head', () => {
    const arch = baselineArch({ hidden: 4, layers: 2, dropout: 0.5, targets: ['gap', 'homo'] });
    const model = make(arch, 5);
    spread(model, 2);
    const w = weightsOf(model);
    const out = forward(model, molecules);
    expect(out.logVar).toBeUndefined();
    molecules.forEach((g, i) => expectClose(out.mean[i], baselineOracle(w, 2, g), `mean ${i}`));
  });

  it('a batch without a single bond: atoms alone (the cpu segment sum once returned garbage)', () => {
    const arch = productArch({ hidden: 4, layers: 2 });
    const model = make(arch, 6);
    spread(model, 2);
    const w = weightsOf(model);
    const lone = [molecules[1], { ...molecules[1], x: [atom(4, 9, [0, 0, 0, 1, 1])] }];
    const out = forward(model, lone);
    lone.forEach((g, i) => expectClose(out.mean[i], productOracle(w, 2, g).mean, `lone ${i}`));
  });

  it('clips the log variance at the limit on both sides', () => {
    const arch = productArch({ hidden: 2, layers: 1, targets: ['gap', 'mu'] });
    const model = make(arch, 1);
    model.variables.get('var1/bias')!.assign(tf.tensor1d([1e3, -1e3]));
    const out = forward(model, molecules.slice(0, 2));
    expect(out.logVar).toEqual([
      [LOG_VAR_LIMIT, -LOG_VAR_LIMIT],
      [LOG_VAR_LIMIT, -LOG_VAR_LIMIT],
    ]);
    expect(LOG_VAR_LIMIT).toBe(8);
  });
});

describe('model weights', () => {
  beforeAll(async () => {
    await setupBackend({ backend: 'cpu' });
  });

  it('are named and shaped as the weight files expect, in creation order', () => {
    const product = make(productArch({ hidden: 4, layers: 1, targets: ['gap', 'mu'] }), 0);
    expect([...product.variables].map(([name, v]) => `${name} ${v.shape.join('x')}`)).toEqual([
      'embed/kernel 11x4',
      'embed/bias 4',
      'mp0/bond_embedding 4x4',
      'mp0/root/kernel 4x4',
      'mp0/root/bias 4',
      'mp0/rel/kernel 4x4',
      'mp0/out/kernel 4x4',
      'mp0/out/bias 4',
      'mean0/kernel 8x4',
      'mean0/bias 4',
      'mean1/kernel 4x2',
      'mean1/bias 2',
      'mean2/kernel 2x2',
      'mean2/bias 2',
      'var0/kernel 8x4',
      'var0/bias 4',
      'var1/kernel 4x2',
      'var1/bias 2',
    ]);
    // embed 48, message passing 16 + 20 + 16 + 20, mean head 36 + 10 + 6, variance head 36 + 10.
    expect(product.countParameters()).toBe(218);
    // One pooled vector instead of two: both heads' first layers read 4 features, not 8.
    for (const readout of ['sum', 'mean'] as const) {
      const single = make(
        productArch({ hidden: 4, layers: 1, targets: ['gap', 'mu'], readout }),
        0,
      );
      expect(single.variables.get('mean0/kernel')!.shape).toEqual([4, 4]);
      expect(single.variables.get('var0/kernel')!.shape).toEqual([4, 4]);
      expect(single.countParameters()).toBe(218 - 2 * 16);
    }
    expect(product.numTargets).toBe(2);
    expect(product).toBeInstanceOf(ProductModel);
    const baseline = make(baselineArch({ hidden: 4, layers: 2, targets: ['gap'] }), 0);
    expect(baseline).toBeInstanceOf(BaselineModel);
    expect([...baseline.variables].map(([name, v]) => `${name} ${v.shape.join('x')}`)).toEqual([
      'embed/kernel 11x4',
      'embed/bias 4',
      'conv0/rel/kernel 4x4',
      'conv0/rel/bias 4',
      'conv0/root/kernel 4x4',
      'conv1/rel/kernel 4x4',
      'conv1/rel/bias 4',
      'conv1/root/kernel 4x4',
      'mlp0/kernel 4x4',
      'mlp0/bias 4',
      'mlp1/kernel 4x2',
      'mlp1/bias 2',
      'mlp2/kernel 2x1',
      'mlp2/bias 1',
    ]);
    expect(baseline.numTargets).toBe(1);
  });

  it("start as PyTorch's Linear init: uniform within 1/sqrt(fan-in), seeded, distinct per tensor", () => {
    const arch = productArch({ hidden: 16 });
    const a = make(arch, 7);
    const bound = (name: string) =>
      name.endsWith('bond_embedding')
        ? 1 / Math.sqrt(16)
        : 1 / Math.sqrt(a.variables.get(name.replace(/bias$/, 'kernel'))!.shape[0]);
    for (const [name, v] of a.variables) {
      const values = Array.from(v.dataSync());
      const b = bound(name);
      expect(Math.max(...values.map(Math.abs)), name).toBeLessThanOrEqual(b);
      // A few hundred draws reach most of the range: not a narrower init.
      if (values.length >= 256)
        expect(Math.max(...values.map(Math.abs)), name).toBeGreaterThan(0.9 * b);
    }
    const same = make(arch, 7);
    const other = make(arch, 8);
    const first = (m: GraphModel, name: string) => Array.from(m.variables.get(name)!.dataSync());
    expect(first(same, 'mean0/kernel')).toEqual(first(a, 'mean0/kernel'));
    expect(first(other, 'mean0/kernel')).not.toEqual(first(a, 'mean0/kernel'));
    expect(first(a, 'mp0/root/kernel')).not.toEqual(first(a, 'mp0/rel/kernel'));
    // The embedding is drawn first, so the baseline and the product model share it for a seed.
    const baseline = make(baselineArch({ hidden: 16 }), 7);
    expect(first(baseline, 'embed/kernel')).toEqual(first(a, 'embed/kernel'));
  });

  it('setWeights: loads by name, casts to float32, and names a missing or misshapen tensor', () => {
    const arch = baselineArch({ hidden: 2, layers: 1, targets: ['gap'] });
    const model = make(arch, 0);
    const named: tf.NamedTensorMap = {};
    for (const [name, v] of model.variables) named[name] = tf.onesLike(v);
    named['conv0/root/kernel'] = tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32');
    named.extra = tf.scalar(1);
    model.setWeights(named);
    expect(model.variables.get('conv0/root/kernel')!.dtype).toBe('float32');
    expect(Array.from(model.variables.get('conv0/root/kernel')!.dataSync())).toEqual([1, 2, 3, 4]);
    expect(Array.from(model.variables.get('mlp2/bias')!.dataSync())).toEqual([1]);
    const { 'mlp1/bias': _, ...missing } = named;
    expect(() => model.setWeights(missing)).toThrow('weights file has no tensor "mlp1/bias"');
    expect(() => model.setWeights({ ...named, 'mlp0/kernel': tf.zeros([2, 3]) })).toThrow(
      'weight "mlp0/kernel" has shape [2,3], the model expects [2,2]',
    );
    expect(() => model.setWeights({ ...named, 'mlp0/bias': tf.zeros([1, 2]) })).toThrow(
      'weight "mlp0/bias" has shape [1,2], the model expects [2]',
    );
    tf.dispose(Object.values(named));
  });

  it('a null seed makes zeros (weights to be loaded next), a number the seeded random init', () => {
    const zeros = createModel(productArch({ hidden: 4 }), null);
    const values = [...zeros.variables.values()].flatMap((v) => Array.from(v.dataSync()));
    expect(values.length).toBe(zeros.countParameters());
    expect(values.every((x) => x === 0)).toBe(true);
    const seeded = createModel(productArch({ hidden: 4 }), 3);
    const kernel = seeded.variables.get('embed/kernel')!;
    expect(Array.from(kernel.dataSync()).some((x) => x !== 0)).toBe(true);
    zeros.dispose();
    seeded.dispose();
  });

  it('dispose frees every variable', () => {
    const model = createModel(productArch({ hidden: 2 }), 0);
    const vars = [...model.variables.values()];
    model.dispose();
    expect(model.variables.size).toBe(0);
    expect(vars.every((v) => v.isDisposed)).toBe(true);
  });

  it('baseline dropout acts only in training mode and only with a non-zero rate', () => {
    const arch = baselineArch({ hidden: 8, layers: 2, dropout: 0.5 });
    const model = make(arch, 2);
    const t = batchToTensors(batchFromGraphs(molecules, true));
    const inference = model.forward(t).mean.arraySync();
    const training = model.forward(t, 1).mean.arraySync();
    expect(training).not.toEqual(inference);
    expect(model.forward(t, 1).mean.arraySync()).toEqual(training); // seeded
    const noDropout = make({ ...arch, dropout: 0 }, 2);
    expect(noDropout.forward(t, 1).mean.arraySync()).toEqual(inference);
    disposeBatch(t);
  });
});

describe('graph ops', () => {
  beforeAll(async () => {
    await setupBackend({ backend: 'cpu' });
  });

  it('sum and average rows per segment, with a gather for the gradient', () => {
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]);
    const ids = tf.tensor1d([2, 0, 2, 2], 'int32');
    expect(segmentSum(x, ids, 3).arraySync()).toEqual([
      [3, 4],
      [0, 0],
      [13, 16],
    ]);
    const inv = tf.tensor2d([1, 1, 1 / 3], [3, 1]);
    const mean = segmentMean(x, ids, 3, inv).arraySync();
    expect(mean[0]).toEqual([3, 4]);
    expect(mean[2][0]).toBeCloseTo(13 / 3, 6);
    // d/dx sum(w * segmentSum(x)) = w[segment of the row].
    const w = tf.tensor2d([1, 10, 0, 0, 100, 1000], [3, 2]);
    const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(segmentSum(t as tf.Tensor2D, ids, 3), w)))(
      x,
    );
    expect(grad.arraySync()).toEqual([
      [100, 1000],
      [1, 10],
      [100, 1000],
      [100, 1000],
    ]);
  });

  it('stopGradient passes the value and blocks the gradient', () => {
    const x = tf.tensor1d([1, -2, 3]);
    expect(Array.from(stopGradient(x).dataSync())).toEqual([1, -2, 3]);
    const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.add(tf.mul(stopGradient(t), t), t)))(x);
    // d/dt (s * t + t) with s held constant = s + 1.
    expect(Array.from(grad.dataSync())).toEqual([2, -1, 4]);
  });
});

describe('predictBatchArrays: network output to target units', () => {
  beforeAll(async () => {
    await setupBackend({ backend: 'cpu' });
  });

  it('applies the atom reference, mean, std, calibration and the non-negativity bound', async () => {
    const arch = productArch({ hidden: 4, layers: 1, targets: ['gap', 'mu'] });
    const model = make(arch, 4);
    spread(model, 2);
    const transform = {
      targets: arch.targets,
      mean: [6, -0.5],
      std: [2, 0.25],
      atomref: [
        [0.5, -1, 2, 0.25, 3],
        [0, 0, 0, 0, 0],
      ],
      calibration: [1.5, 0.5],
    };
    const batch = batchFromGraphs(molecules, true);
    const p = await predictBatchArrays(model, transform, batch);
    const w = weightsOf(model);
    expect(p.numGraphs).toBe(3);
    expect(p.numTargets).toBe(2);
    const counts = [
      [1, 1, 0, 1, 0],
      [0, 0, 1, 0, 0],
      [0, 2, 1, 0, 1],
    ];
    molecules.forEach((g, i) => {
      const o = productOracle(w, 1, g);
      o.mean.forEach((z, k) => {
        const ref = transform.atomref[k].reduce((s, c, e) => s + c * counts[i][e], 0);
        const raw = ref + transform.mean[k] + transform.std[k] * z;
        const std = transform.std[k] * Math.exp(o.logVar[k] / 2) * transform.calibration[k];
        const at = i * 2 + k;
        expect(p.standardized[at]).toBeCloseTo(z, 4);
        // The dipole (k = 1) is never negative: its value is censored at 0.
        expect(p.values[at]).toBeCloseTo(k === 1 ? Math.max(0, raw) : raw, 4);
        expect(p.std![at]).toBeCloseTo(std, 4);
        expect(p.capped![at]).toBe(0);
        expect(p.belowBound[at]).toBe(k === 1 && raw + Z90 * std < 0 ? 1 : 0);
      });
    });
  });

  it('flags the bound only when the whole interval is below it, and the cap only at the clip', async () => {
    const arch = productArch({ hidden: 2, layers: 1, targets: ['mu', 'homo'] });
    const model = make(arch, 4);
    for (const name of ['mean2/kernel', 'var1/kernel'])
      model.variables.get(name)!.assign(tf.zerosLike(model.variables.get(name)!));
    // z = -1 for both targets; log variance 2 ln(0.5) (std 0.5) and 8 (the clip).
    model.variables.get('mean2/bias')!.assign(tf.tensor1d([-1, -1]));
    model.variables.get('var1/bias')!.assign(tf.tensor1d([2 * Math.log(0.5), 8]));
    const batch = batchFromGraphs(molecules.slice(1, 2), true);
    const check = async (muMean: number) => {
      const transform = { targets: arch.targets, mean: [muMean, -6], std: [1, 1] };
      return predictBatchArrays(model, transform, batch);
    };
    // raw -1 + 1.6449 * 0.5 = -0.178 < 0: below; homo is unbounded.
    let p = await check(0);
    expect(Array.from(p.values)).toEqual([0, -7]);
    expect(Array.from(p.belowBound)).toEqual([1, 0]);
    expect(Array.from(p.capped!)).toEqual([0, 1]);
    expect(p.std![1]).toBeCloseTo(Math.exp(4), 3);
    // raw -0.5: the interval reaches above zero.
    p = await check(0.5);
    expect(Array.from(p.belowBound)).toEqual([0, 0]);
    expect(p.values[0]).toBe(0);
    // raw +0.5: the value itself.
    p = await check(1.5);
    expect(p.values[0]).toBeCloseTo(0.5, 6);
    // Exactly at the edge: z = 0, std 1 and mean -Z90 put the interval's top on 0, not below it.
    model.variables.get('mean2/bias')!.assign(tf.tensor1d([0, 0]));
    model.variables.get('var1/bias')!.assign(tf.tensor1d([0, 7.9999]));
    p = await check(-Z90);
    expect(p.std![0]).toBe(1);
    expect(p.belowBound[0]).toBe(0);
    expect(Array.from(p.capped!)).toEqual([0, 0]); // just under the clip is an estimate
  });

  it('leaves no tensor behind, with or without a variance head', async () => {
    const batch = batchFromGraphs(molecules, true);
    for (const arch of [productArch({ hidden: 2 }), baselineArch({ hidden: 2 })]) {
      const model = make(arch, 1);
      const before = tf.memory().numTensors;
      await predictBatchArrays(model, { targets: ['gap'], mean: [0], std: [1] }, batch);
      expect(tf.memory().numTensors, arch.kind).toBe(before);
    }
  });

  it('a model without a variance head has no std, no cap, and bounds the median alone', async () => {
    const arch = baselineArch({ hidden: 2, targets: ['mu'] });
    const model = make(arch, 1);
    model.variables.get('mlp2/kernel')!.assign(tf.zerosLike(model.variables.get('mlp2/kernel')!));
    model.variables.get('mlp2/bias')!.assign(tf.tensor1d([-0.1]));
    const p = await predictBatchArrays(
      model,
      { targets: ['mu'], mean: [0], std: [1] },
      batchFromGraphs(molecules.slice(0, 2), true),
    );
    expect(p.std).toBeNull();
    expect(p.capped).toBeNull();
    expect(Array.from(p.values)).toEqual([0, 0]);
    expect(Array.from(p.belowBound)).toEqual([1, 1]);
  });
});
