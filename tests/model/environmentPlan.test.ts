// Inference on the batch's distinct environments (src/model/environmentPlan.ts): how atoms are
// grouped layer by layer, and that the network gives the same numbers with the plan as without it,
// on molecules RDKit featurized.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSmiles, type MoleculeGraph } from '../../src/chem';
import { setupBackend } from '../../src/model';
import { batchFromGraphs, batchToTensors, disposeBatch } from '../../src/model/batch';
import { createModel, type GraphModel } from '../../src/model/gnn';
import {
  disposeEnvironmentPlan,
  environmentPlan,
  environmentPlanTensors,
  sequenceHash,
  SequenceNumbering,
} from '../../src/model/environmentPlan';
import { productArch } from '../helpers/architectures';
import { loadChemBeforeAll } from '../helpers/loadChem';

loadChemBeforeAll();

function graph(smiles: string): MoleculeGraph {
  const result = parseSmiles(smiles);
  if (!result.ok) throw new Error(result.error.message);
  return result.molecule;
}

// Every bond class (single, double, triple, aromatic), rings, a charge, and a molecule without
// bonds at all: the fluoride ion has no edges, so its atom receives no message.
const MOLECULES = [
  'CCO',
  'C=O',
  'CC#N',
  'c1ccccc1',
  'CC(=O)Oc1ccccc1C(=O)O',
  'FC(F)F',
  '[F-]',
  'C',
];

describe('environmentPlan', () => {
  it('two methanes: two atom types, and two environments at every layer', () => {
    const batch = batchFromGraphs([graph('C'), graph('C')], true);
    const plan = environmentPlan(batch, 3);
    expect(plan.numTypes).toBe(2);
    expect(Array.from(plan.typeX.subarray(0, 11))).toEqual(Array.from(batch.x.subarray(0, 11)));
    expect(plan.layers.map((l) => l.numColors)).toEqual([2, 2, 2]);
    // Node order: C then its four H, per molecule.
    expect(Array.from(plan.nodeColor)).toEqual([0, 1, 1, 1, 1, 0, 1, 1, 1, 1]);
    const [first] = plan.layers;
    // Two distinct messages: from H over a single bond, from C over a single bond.
    expect(Array.from(first.messageColor).sort()).toEqual([0, 1]);
    expect(Array.from(first.messageBond)).toEqual([0, 0]);
    // The carbon's environment receives four H messages, the hydrogen's one C message.
    const fromH = Array.from(first.messageColor).indexOf(1);
    const fromC = Array.from(first.messageColor).indexOf(0);
    expect(Array.from(first.receivedBy)).toEqual([0, 0, 0, 0, 1]);
    expect(Array.from(first.receivedMessage)).toEqual([fromH, fromH, fromH, fromH, fromC]);
    expect(Array.from(first.parentColor)).toEqual([0, 1]);
  });

  it('environments widen layer by layer: ethanol splits its atoms further each step', () => {
    const plan = environmentPlan(batchFromGraphs([graph('CCO')], true), 3);
    // CH3, CH2 (they differ by their H count), O and H: every hydrogen has the same 11 features.
    expect(plan.numTypes).toBe(4);
    const counts = plan.layers.map((l) => l.numColors);
    expect(counts[0]).toBeGreaterThan(plan.numTypes);
    counts.slice(1).forEach((n, i) => expect(n).toBeGreaterThanOrEqual(counts[i]));
    // The three methyl hydrogens stay one environment at every depth: the molecule's symmetry.
    const nodeColor = Array.from(plan.nodeColor);
    expect(new Set(nodeColor.slice(3, 6)).size).toBe(1);
  });

  it('the same molecule written in another atom order has the same environments', () => {
    // The middle carbon hears (C, O) in one and (O, C) in the other: sorted, they are one colour.
    const alone = environmentPlan(batchFromGraphs([graph('CCO')], true), 3);
    const both = environmentPlan(batchFromGraphs([graph('CCO'), graph('OCC')], true), 3);
    expect(both.layers.map((l) => l.numColors)).toEqual(alone.layers.map((l) => l.numColors));
  });

  it('a plan keeps its numbers while later batches are planned (the plans share working arrays)', () => {
    // An ensemble's members read each plan of a chunk after all of the chunk's plans were made.
    const snapshot = (plan: ReturnType<typeof environmentPlan>) =>
      JSON.stringify({
        typeX: Array.from(plan.typeX),
        nodeColor: Array.from(plan.nodeColor),
        layers: plan.layers.map((l) =>
          Object.fromEntries(
            Object.entries(l).map(([k, v]) => [k, typeof v === 'number' ? v : Array.from(v)]),
          ),
        ),
      });
    const first = environmentPlan(batchFromGraphs(MOLECULES.map(graph), true), 4);
    const before = snapshot(first);
    // A bigger batch after it grows every working array; a small one reuses them.
    environmentPlan(batchFromGraphs([...MOLECULES, ...MOLECULES].map(graph), true), 4);
    environmentPlan(batchFromGraphs([graph('C')], true), 4);
    expect(snapshot(first)).toBe(before);
    expect(snapshot(environmentPlan(batchFromGraphs(MOLECULES.map(graph), true), 4))).toBe(before);
  });

  it('its tensors are all released by disposeEnvironmentPlan', async () => {
    await setupBackend({ backend: 'cpu' });
    const before = tf.memory().numTensors;
    const plan = environmentPlanTensors(environmentPlan(batchFromGraphs([graph('CCO')], true), 2));
    expect(tf.memory().numTensors).toBe(before + 2 + 2 * 5);
    disposeEnvironmentPlan(plan);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('numbers sequences exactly, even when their hashes collide', () => {
    // Every sequence hashes alike here: only the comparison on a hit tells them apart.
    const numbering = new SequenceNumbering(() => 42);
    expect(numbering.of([3, 1], 2)).toBe(0);
    expect(numbering.of([1, 3], 2)).toBe(1);
    expect(numbering.of([3], 1)).toBe(2);
    expect(numbering.size).toBe(3);
    expect(numbering.of([3, 1, 0], 2)).toBe(0);
    expect(numbering.of([1, 3], 2)).toBe(1);
    expect(numbering.of([9, 3], 1, 1)).toBe(2); // the sequence [3], at offset 1
    expect(numbering.of([0, 1, 3], 2, 1)).toBe(1);
    expect(numbering.size).toBe(3);
    // The real hash spreads short sequences: of a million pairs, a few hundred share a 30-bit hash
    // with another (as random numbers would), none more.
    const hashes = new Set<number>();
    for (let a = 0; a < 1000; a++)
      for (let b = 0; b < 1000; b++) hashes.add(sequenceHash([a, b], 2));
    expect(hashes.size).toBeGreaterThan(1_000_000 - 1000);
  });
});

describe.each(['cpu', 'wasm'] as const)(
  'the product model with and without the plan on %s',
  (backend) => {
    beforeAll(async () => {
      await setupBackend({ backend });
    });
    const models: GraphModel[] = [];
    afterAll(() => models.forEach((m) => m.dispose()));

    function outputs(model: GraphModel, molecules: string[], withPlan: boolean) {
      const arrays = batchFromGraphs(molecules.map(graph), true);
      const tensors = batchToTensors(arrays);
      const layers = model.architecture.layers;
      const plan = withPlan ? environmentPlanTensors(environmentPlan(arrays, layers)) : undefined;
      const out = tf.tidy(() => {
        const o = model.forward(tensors, undefined, plan);
        return tf.concat([o.mean, o.logVar!], 1);
      });
      disposeBatch(tensors);
      if (plan) disposeEnvironmentPlan(plan);
      const values = out.arraySync() as number[][];
      out.dispose();
      return values;
    }

    it.each([
      ['1 layer', productArch({ hidden: 16, layers: 1, targets: ['gap', 'mu'] })],
      ['3 layers', productArch({ hidden: 16, layers: 3, targets: ['gap', 'mu'] })],
      ['3 layers, sum readout', productArch({ hidden: 16, layers: 3, readout: 'sum' })],
      ['2 layers without bond types', productArch({ hidden: 16, layers: 2, bondTypes: false })],
    ])('%s: the same outputs within float rounding', (_, arch) => {
      const model = createModel(arch, 7);
      models.push(model);
      const plain = outputs(model, MOLECULES, false);
      const planned = outputs(model, MOLECULES, true);
      expect(planned).toHaveLength(MOLECULES.length);
      planned.flat().forEach((v, i) => expect(v).toBeCloseTo(plain.flat()[i], 5));
      // Not all alike: the comparison has something to compare.
      expect(new Set(plain.flat().map((v) => v.toFixed(4))).size).toBeGreaterThan(4);
    });

    it('a batch without a single bond: every atom receives nothing, as without the plan', () => {
      const model = createModel(productArch({ hidden: 8, layers: 2 }), 3);
      models.push(model);
      const plain = outputs(model, ['[F-]', '[F-]'], false);
      outputs(model, ['[F-]', '[F-]'], true)
        .flat()
        .forEach((v, i) => expect(v).toBeCloseTo(plain.flat()[i], 5));
    });

    it('a plan for another depth is refused', () => {
      const model = createModel(productArch({ hidden: 8, layers: 2 }), 3);
      models.push(model);
      const arrays = batchFromGraphs([graph('CCO')], true);
      const tensors = batchToTensors(arrays);
      const plan = environmentPlanTensors(environmentPlan(arrays, 3));
      expect(() => model.forward(tensors, undefined, plan)).toThrow(
        'environment plan for 3 layers, the model has 2',
      );
      disposeBatch(tensors);
      disposeEnvironmentPlan(plan);
    });
  },
);
