import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initChem, parseSmiles, type MoleculeGraph } from '../../src/chem/index';
import { setupBackend } from '../../src/model';
import { batchFromGraphs, batchToTensors, disposeBatch } from '../../src/model/batch';
import { createModel, type Architecture } from '../../src/model/gnn';
import { predictBatchArrays } from '../../src/model/inference';
import type { OutputTransform } from '../../src/model/outputTransform';
import { loadPredictor } from '../../src/model/predictor';
import { TARGETS, type GraphInput } from '../../src/model/types';
import { toFloat16Bits } from '../../src/model/weightsIO';
import { writeModelFiles } from '../../training/modelFiles';
import { TEST_SMILES } from '../helpers/trainingMolecules';

const ALL_TARGETS = TARGETS.map((t) => t.key);
const product: Architecture = { kind: 'product', hidden: 32, layers: 3, targets: [...ALL_TARGETS] };
const baseline: Architecture = {
  kind: 'baseline',
  hidden: 32,
  layers: 3,
  dropout: 0.1,
  targets: ['gap'],
};

let molecules: MoleculeGraph[];
let tmp: string;

function graphsOf(smiles: string[]): MoleculeGraph[] {
  return smiles.map((s) => {
    const r = parseSmiles(s, { molblock: false });
    if (!r.ok) throw new Error(`${s}: ${r.error.message}`);
    return r.molecule;
  });
}

function transformFor(arch: Architecture): OutputTransform {
  const t = arch.targets.length;
  return {
    targets: arch.targets,
    mean: arch.targets.map((_, k) => k - 3),
    std: arch.targets.map((_, k) => 0.5 + k / 10),
    atomref: arch.targets.map((_, k) => [0.1 * k, -0.2, 0.3, 0.05 * k, -1]),
    calibration:
      arch.kind === 'product' ? Array.from({ length: t }, (_, k) => 1 + k / 20) : undefined,
  };
}

beforeAll(async () => {
  await initChem();
  molecules = graphsOf(TEST_SMILES.slice(0, 24));
  tmp = await mkdtemp(path.join(tmpdir(), 'model-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function lossAndGrads(backend: 'cpu' | 'wasm', arch: Architecture): Promise<number[]> {
  await setupBackend({ backend });
  const model = createModel(arch, 5);
  // A few molecules: the cpu backend's segment sum loops over every segment.
  const batch = batchToTensors(batchFromGraphs(molecules.slice(0, 8), true));
  const vars = [...model.variables.values()];
  const { value, grads } = tf.variableGrads(() => {
    const out = model.forward(batch);
    const lv = out.logVar ? tf.sum(out.logVar) : tf.scalar(0);
    return tf.add(tf.sum(tf.square(out.mean)), lv) as tf.Scalar;
  }, vars);
  const flat = [value.dataSync()[0], ...vars.flatMap((v) => Array.from(grads[v.name].dataSync()))];
  tf.dispose([value, ...Object.values(grads)]);
  disposeBatch(batch);
  model.dispose();
  return flat;
}

describe('wasm kernel fixes', () => {
  it.each([product, baseline])(
    'give the same loss and gradients as the cpu backend ($kind)',
    async (arch) => {
      const cpu = await lossAndGrads('cpu', arch);
      const wasm = await lossAndGrads('wasm', arch);
      expect(wasm.length).toBe(cpu.length);
      const scale = Math.max(...cpu.map(Math.abs));
      const worst = Math.max(...cpu.map((v, i) => Math.abs(v - wasm[i])));
      expect(worst / scale).toBeLessThan(1e-4);
    },
  );

  it('sums segments and gathers rows like the reference ops, and rejects bad indices', async () => {
    await setupBackend({ backend: 'wasm' });
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
    const ids = tf.tensor1d([2, 0, 2], 'int32');
    expect(Array.from(tf.unsortedSegmentSum(x, ids, 4).dataSync())).toEqual([
      3, 4, 0, 0, 6, 8, 0, 0,
    ]);
    expect(Array.from(tf.gather(x, tf.tensor1d([2, 2, 0], 'int32')).dataSync())).toEqual([
      5, 6, 5, 6, 1, 2,
    ]);
    expect(() => tf.gather(x, tf.tensor1d([3], 'int32'))).toThrow(/outside \[0, 2\]/);
    const at = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(Array.from(tf.matMul(at, at, true, false).dataSync())).toEqual([
      17, 22, 27, 22, 29, 36, 27, 36, 45,
    ]);
    expect(Array.from(tf.matMul(at, at, false, true).dataSync())).toEqual([14, 32, 32, 77]);
  });
});

describe('cpu kernel fixes', () => {
  it('sums segments directly and drops out-of-range ids like TensorFlow', async () => {
    await setupBackend({ backend: 'cpu' });
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]);
    const ids = tf.tensor1d([1, 0, 1, 5], 'int32');
    expect(Array.from(tf.unsortedSegmentSum(x, ids, 3).dataSync())).toEqual([3, 4, 6, 8, 0, 0]);
    const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.gather(t, tf.tensor1d([0, 0, 2], 'int32'))))(
      tf.ones([3, 2]),
    );
    expect(Array.from(grad.dataSync())).toEqual([2, 2, 0, 0, 1, 1]);
  });
});

describe('batching', () => {
  const water: GraphInput = {
    x: [
      [0, 0, 0, 1, 0, 8, 0, 0, 0, 1, 2],
      [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0],
      [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0],
    ],
    edgeIndex: [
      [0, 0, 1, 2],
      [1, 2, 0, 0],
    ],
    edgeAttr: [
      [1, 0, 0, 0],
      [1, 0, 0, 0],
      [1, 0, 0, 0],
      [1, 0, 0, 0],
    ],
  };

  it('concatenates molecules into one graph with offset edges and a graph index', () => {
    const b = batchFromGraphs([water, water], true);
    expect(b.numNodes).toBe(6);
    expect(Array.from(b.src)).toEqual([0, 0, 1, 2, 3, 3, 4, 5]);
    expect(Array.from(b.dst)).toEqual([1, 2, 0, 0, 4, 5, 3, 3]);
    expect(Array.from(b.graphIndex)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(Array.from(b.elementCounts.subarray(0, 5))).toEqual([2, 0, 0, 1, 0]);
  });

  it('offsets each molecule by the atoms before it, whatever their sizes, and keeps bond types', () => {
    const oxygen: GraphInput = {
      x: [water.x[0], water.x[0]],
      edgeIndex: [
        [0, 1],
        [1, 0],
      ],
      edgeAttr: [
        [0, 1, 0, 0],
        [0, 1, 0, 0],
      ],
    };
    const b = batchFromGraphs([oxygen, water], true);
    expect(b.numNodes).toBe(5);
    expect(Array.from(b.src)).toEqual([0, 1, 2, 2, 3, 4]);
    expect(Array.from(b.dst)).toEqual([1, 0, 3, 4, 2, 2]);
    expect(Array.from(b.bond)).toEqual([1, 1, 0, 0, 0, 0]);
    expect(Array.from(b.graphIndex)).toEqual([0, 0, 1, 1, 1]);
    expect(Array.from(b.elementCounts)).toEqual([0, 0, 0, 2, 0, 2, 0, 0, 1, 0]);
  });

  it('names the molecule and the problem for malformed input', () => {
    expect(() =>
      batchFromGraphs([water, { ...water, edgeIndex: [[0], [7]], edgeAttr: [[1, 0, 0, 0]] }], true),
    ).toThrow(/molecule 1: edge 0 \(0 -> 7\) refers to an atom outside 0..2/);
    expect(() => batchFromGraphs([{ ...water, edgeAttr: undefined }], true)).toThrow(
      /molecule 0: this model needs edgeAttr/,
    );
    expect(() => batchFromGraphs([{ ...water, x: [[1, 2]] }], false)).toThrow(
      /molecule 0: atom 0 has 2 features/,
    );
    expect(() =>
      batchFromGraphs([{ ...water, edgeAttr: water.edgeAttr!.map(() => [0, 0, 0, 0]) }], true),
    ).toThrow(/not a one-hot/);
  });
});

describe('float16 encoding', () => {
  it('rounds to the nearest half-precision value', () => {
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(-2)).toBe(0xc000);
    expect(toFloat16Bits(65504)).toBe(0x7bff);
    expect(toFloat16Bits(1e6)).toBe(0x7c00);
    expect(toFloat16Bits(2 ** -24)).toBe(0x0001);
    expect(toFloat16Bits(0.1)).toBe(0x2e66);
    expect(toFloat16Bits(NaN) & 0x7c00).toBe(0x7c00);
  });
});

describe('export and import', () => {
  it.each([product, baseline])(
    'gives identical predictions after writing and loading the files ($kind)',
    async (arch) => {
      await setupBackend({ backend: 'wasm' });
      const model = createModel(arch, 11);
      const transform = transformFor(arch);
      const direct = await predictBatchArrays(
        model,
        transform,
        batchFromGraphs(molecules, arch.kind === 'product'),
      );
      const dir = path.join(tmp, arch.kind);
      const id = {
        name: `test-${arch.kind}`,
        version: '0.0.1',
        architecture: arch,
        outputTransform: transform,
      };
      const written = await writeModelFiles(dir, id, model.variables, 'float32');
      await writeModelFiles(dir, id, model.variables, 'float16');

      const fromDir = await loadPredictor(dir);
      const warned = molecules.map((m, i) =>
        i === 3 ? { ...m, warnings: [{ code: 'charged' as const, message: 'net charge +1' }] } : m,
      );
      const loaded = await fromDir.predict(warned);
      expect(fromDir.name).toBe(`test-${arch.kind}`);
      loaded.forEach((p, i) =>
        arch.targets.forEach((key, k) => {
          expect(p.values[key]).toBe(direct.values[i * arch.targets.length + k]);
          if (direct.std) expect(p.std[key]).toBe(direct.std[i * arch.targets.length + k]);
          else expect(p.std[key]).toBeUndefined();
        }),
      );
      expect(loaded[3].warnings).toEqual([{ code: 'charged', message: 'net charge +1' }]);

      const inMemory = await loadPredictor({
        modelJson: written.manifest,
        weights: written.data.slice().buffer,
      });
      expect(await inMemory.predict(molecules)).toEqual(await fromDir.predict(molecules));

      const half = await loadPredictor(dir, { precision: 'float16' });
      const halfPred = await half.predict(molecules);
      halfPred.forEach((p, i) =>
        arch.targets.forEach((key, k) =>
          expect(p.values[key]).toBeCloseTo(direct.values[i * arch.targets.length + k], 1),
        ),
      );
      [fromDir, inMemory, half].forEach((p) => p.dispose());
      model.dispose();
    },
  );

  it('handles atoms without bonds and empty input; reports a missing model and missing bond types clearly', async () => {
    await expect(loadPredictor(path.join(tmp, 'nowhere'))).rejects.toThrow(/no model.json found/);
    const p = await loadPredictor(path.join(tmp, 'product'));
    const lone: GraphInput = {
      x: [[0, 1, 0, 0, 0, 6, 0, 0, 0, 1, 0]],
      edgeIndex: [[], []],
      edgeAttr: [],
    };
    const [single] = await p.predict([lone]);
    expect(Object.values(single.values).every(Number.isFinite)).toBe(true);
    expect(await p.predict([])).toEqual([]);
    await expect(
      p.predict([molecules[0], { x: molecules[1].x, edgeIndex: molecules[1].edgeIndex }]),
    ).rejects.toThrow(/molecule 1: this model needs edgeAttr/);
    p.dispose();
  });
});
