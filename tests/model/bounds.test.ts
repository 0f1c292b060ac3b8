import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initChem, parseSmiles, type MoleculeGraph } from '../../src/chem/index';
import { setupBackend } from '../../src/model';
import { batchFromGraphs } from '../../src/model/batch';
import { boundedValue, interval90, lowerBound, Z90 } from '../../src/model/bounds';
import { createModel, LOG_VAR_LIMIT, type ProductArchitecture } from '../../src/model/gnn';
import { predictBatchArrays } from '../../src/model/inference';
import { loadPredictor } from '../../src/model/predictor';
import { resolveRegistryReference } from '../../src/model/registrySource';
import { TARGETS, type TargetKey } from '../../src/model/types';

const NON_NEGATIVE: TargetKey[] = ['mu', 'alpha', 'r2', 'zpve', 'cv'];

function graph(smiles: string): MoleculeGraph {
  const r = parseSmiles(smiles, { molblock: false });
  if (!r.ok) throw new Error(r.error.message);
  return r.molecule;
}

describe('physical bounds of the outputs', () => {
  it('are zero for exactly the five non-negative properties', () => {
    expect(TARGETS.filter((t) => t.min === 0).map((t) => t.key)).toEqual(NON_NEGATIVE);
    expect(lowerBound('homo')).toBe(-Infinity);
  });

  it('censor a negative value at zero and clip the interval, leaving unbounded targets alone', () => {
    expect(boundedValue('mu', -0.359)).toBe(0);
    expect(boundedValue('mu', 0.2)).toBe(0.2);
    expect(boundedValue('homo', -7.5)).toBe(-7.5);
    // 0.2 +- 1.6448536 * 0.5 = [-0.6224, 1.0224] -> [0, 1.0224]
    const [lo, hi] = interval90('mu', 0.2, 0.5);
    expect(lo).toBe(0);
    expect(hi).toBeCloseTo(1.0224268, 6);
    const [hLo, hHi] = interval90('homo', -7, 0.1);
    expect(hLo).toBeCloseTo(-7.16448536, 7);
    expect(hHi).toBeCloseTo(-6.83551464, 7);
    expect(Z90).toBeCloseTo(1.6448536269514722, 15);
  });
});

describe('a variance head at its clip', () => {
  beforeAll(async () => {
    await initChem();
    await setupBackend({ backend: 'wasm' });
  });

  it('marks the std as a ceiling (uncertaintyCapped), not an estimate', async () => {
    const arch: ProductArchitecture = {
      kind: 'product',
      hidden: 8,
      layers: 1,
      targets: ['mu', 'gap'],
    };
    const model = createModel(arch, 3);
    // A large positive bias on the log-variance output drives it into the clip for every molecule.
    const bias = model.variables.get('var1/bias')!;
    bias.assign(tf.tensor1d([100, -2]));
    const transform = { targets: arch.targets, mean: [1, 7], std: [1, 1] };
    const p = await predictBatchArrays(model, transform, batchFromGraphs([graph('CCO')], true));
    expect(Array.from(p.capped!)).toEqual([1, 0]);
    expect(p.std![0]).toBeCloseTo(Math.exp(LOG_VAR_LIMIT / 2), 3);
    model.dispose();
  });

  it('flags a dipole whose whole interval lies below zero, not one merely near zero', async () => {
    const arch: ProductArchitecture = { kind: 'product', hidden: 8, layers: 1, targets: ['mu'] };
    const model = createModel(arch, 4);
    // Zero the last mean layer so the standardized mean is its bias alone: z = -5 or -0.2.
    const kernel = model.variables.get('mean2/kernel')!;
    kernel.assign(tf.zerosLike(kernel));
    model.variables.get('var1/kernel')!.assign(tf.zerosLike(model.variables.get('var1/kernel')!));
    model.variables.get('var1/bias')!.assign(tf.tensor1d([0])); // std = 1 x transform std
    const transform = { targets: arch.targets, mean: [0], std: [0.1] };
    const batch = batchFromGraphs([graph('CC')], true);
    const bias = model.variables.get('mean2/bias')!;
    bias.assign(tf.tensor1d([-5])); // raw -0.5 D, 90 % interval up to -0.5 + 0.164 < 0
    const confident = await predictBatchArrays(model, transform, batch);
    expect(confident.values[0]).toBe(0);
    expect(Array.from(confident.belowBound)).toEqual([1]);
    bias.assign(tf.tensor1d([-0.2])); // raw -0.02 D: about zero, interval reaches above it
    const nearZero = await predictBatchArrays(model, transform, batch);
    expect(nearZero.values[0]).toBe(0);
    expect(Array.from(nearZero.belowBound)).toEqual([0]);
    model.dispose();
  });
});

describe('the shipped model', () => {
  // Molecules whose dipole came out negative before the bound (ethane, acetylene, CF4), symmetric
  // ones whose true dipole is zero, and the smallest molecules people type first.
  const smiles = [
    'CC',
    'C#C',
    'FC(F)(F)F',
    'C',
    'c1ccccc1',
    'O',
    'N',
    'C=O',
    'CCO',
    'C1CC1',
    'N#N',
  ];

  it('never reports a negative value or interval bound for a non-negative property', async () => {
    await initChem();
    const { location } = await resolveRegistryReference('public/models/registry.json#production');
    const predictor = await loadPredictor(location, { backend: 'wasm' });
    const preds = await predictor.predict(smiles.map(graph));
    preds.forEach((p, i) => {
      for (const key of NON_NEGATIVE) {
        expect(p.values[key], `${smiles[i]} ${key}`).toBeGreaterThanOrEqual(0);
        const [lo, hi] = p.interval90![key]!;
        expect(lo, `${smiles[i]} ${key} lower`).toBeGreaterThanOrEqual(0);
        expect(hi).toBeGreaterThanOrEqual(p.values[key]!);
      }
      // Unbounded targets keep the plain Gaussian interval.
      const [lo, hi] = p.interval90!.homo!;
      expect(lo).toBeCloseTo(p.values.homo! - Z90 * p.std.homo!, 9);
      expect(hi).toBeCloseTo(p.values.homo! + Z90 * p.std.homo!, 9);
    });
    predictor.dispose();
  });
});
