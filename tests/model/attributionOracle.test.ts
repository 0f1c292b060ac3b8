// Integrated gradients against finite differences of the readout: for one and two Riemann steps
// the atoms' contributions are h · (mean gradient at the midpoints alpha = 0.5, or 0.25 and 0.75),
// which central differences of the network's own forward pass give without tfjs' gradients.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../src/model';
import { DEFAULT_IG_STEPS, integratedGradients } from '../../src/model/attribution';
import { batchFromGraphs, batchToTensors, disposeBatch } from '../../src/model/batch';
import { createModel, ProductModel } from '../../src/model/gnn';
import { atomRow, singleBonded } from '../helpers/graphs';
import { outputTransform } from '../helpers/outputTransform';

// Aromatic and sp3 flags set on every atom: any fixed rows will do for the oracle.
const atom = (element: 'H' | 'C' | 'F') => atomRow(element, [1, 0, 0, 1, 0]);
/** Hydrogen fluoride plus a methyl-like carbon: three atoms, two bonds. */
const molecule = singleBonded(
  [atom('F'), atom('C'), atom('H')],
  [
    [0, 1],
    [1, 2],
  ],
);
const transform = outputTransform([
  ['mu', { mean: 0.5, std: 0.75 }],
  ['gap', { mean: 6, std: 2, atomref: { H: 0.5, C: -1, F: 2 } }],
]);

let model: ProductModel;
let h: number[][];

/** The readout's standardized outputs for several copies of the molecule's embeddings, one pass. */
function readout(copies: number[][][]): number[][] {
  const n = copies[0].length;
  return tf.tidy(() => {
    const index = {
      numGraphs: copies.length,
      graphIndex: tf.tensor1d(
        copies.flatMap((_, c) => copies[0].map(() => c)),
        'int32',
      ),
      invCounts: tf.fill([copies.length, 1], 1 / n) as tf.Tensor2D,
    };
    return model.readout(tf.tensor2d(copies.flat()), index).mean.arraySync() as number[][];
  });
}

/** h · (mean over alphas of the central-difference gradient at alpha * h), per atom. */
function expectedAtoms(alphas: number[], k: number): number[] {
  const eps = 1e-3;
  const entries = h.flatMap((row, i) => row.map((_, d) => [i, d]));
  const nudged = (a: number, i: number, d: number, by: number) =>
    h.map((row, r) => row.map((v, c) => a * v + (r === i && c === d ? by : 0)));
  const copies = alphas.flatMap((a) =>
    entries.flatMap(([i, d]) => [nudged(a, i, d, eps), nudged(a, i, d, -eps)]),
  );
  const y = readout(copies).map((row) => row[k]);
  const atoms = h.map(() => 0);
  alphas.forEach((_, ai) =>
    entries.forEach(([i, d], e) => {
      const at = 2 * (ai * entries.length + e);
      atoms[i] += (h[i][d] * (y[at] - y[at + 1])) / (2 * eps) / alphas.length;
    }),
  );
  return atoms;
}

beforeAll(async () => {
  await setupBackend({ backend: 'cpu' });
  // What attribution loads on first use; a cold import takes long under a loaded machine.
  await import('@tensorflow/tfjs-core/dist/register_all_gradients');
  model = createModel(
    { kind: 'product', hidden: 4, layers: 1, targets: ['mu', 'gap'] },
    12,
  ) as ProductModel;
  for (const v of model.variables.values()) v.assign(tf.mul(v, 2));
  const t = batchToTensors(batchFromGraphs([molecule], true));
  h = tf.tidy(() => model.embedAtoms(t).arraySync() as number[][]);
  disposeBatch(t);
}, 180_000);
afterAll(() => model.dispose());

describe('integrated gradients (finite-difference oracle)', () => {
  it.each([
    [1, [0.5]],
    [2, [0.25, 0.75]],
  ])(
    '%i step(s): atoms = h · mean gradient at the midpoints, times the std',
    async (steps, alphas) => {
      for (const [k, target] of [
        [0, 'mu'],
        [1, 'gap'],
      ] as const) {
        const c = await integratedGradients(
          model,
          transform,
          batchFromGraphs([molecule], true),
          target,
          steps,
        );
        expect(c.target).toBe(target);
        expect(c.steps).toBe(steps);
        const expected = expectedAtoms(alphas, k).map((a) => transform.std[k] * a);
        c.atoms.forEach((a, i) =>
          expect(Math.abs(a - expected[i]), `${target} atom ${i}`).toBeLessThan(
            2e-3 * Math.max(1, Math.abs(expected[i])),
          ),
        );
        // value = reference + offset + learned, each from its definition.
        const zero = h.map((row) => row.map(() => 0));
        const [y1, y0] = readout([h, zero]).map((row) => row[k]);
        const reference = k === 1 ? 2 * 1 + -1 * 1 + 0.5 * 1 : 0; // F, C, H
        expect(c.reference).toBeCloseTo(reference, 9);
        expect(c.offset).toBeCloseTo(transform.mean[k] + transform.std[k] * y0, 5);
        expect(c.learned).toBeCloseTo(transform.std[k] * (y1 - y0), 5);
        expect(c.value).toBeCloseTo(c.reference + c.offset + c.learned, 9);
      }
    },
  );

  it('defaults to 256 steps and names bad input', async () => {
    expect(DEFAULT_IG_STEPS).toBe(256);
    const one = batchFromGraphs([molecule], true);
    expect((await integratedGradients(model, transform, one, 'gap')).steps).toBe(256);
    await expect(
      integratedGradients(model, transform, batchFromGraphs([molecule, molecule], true), 'gap'),
    ).rejects.toThrow('attribution takes one molecule, got 2');
    await expect(integratedGradients(model, transform, one, 'homo')).rejects.toThrow(
      'the model does not predict "homo"',
    );
    for (const steps of [0, -1, 2.5, NaN])
      await expect(integratedGradients(model, transform, one, 'gap', steps)).rejects.toThrow(
        'steps must be a positive integer',
      );
    const baseline = createModel(
      { kind: 'baseline', hidden: 2, layers: 1, dropout: 0, targets: ['gap'] },
      0,
    );
    await expect(integratedGradients(baseline, transform, one, 'gap')).rejects.toThrow(
      'atom contributions need the product model; this one is "baseline"',
    );
    baseline.dispose();
  });
});
