// The first-layer shortcut of inference (src/model/layerZero.ts): how it groups a batch's atoms, and
// that the network gives the same numbers with it as without it, on molecules RDKit featurized.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSmiles, type MoleculeGraph } from '../../src/chem';
import { setupBackend } from '../../src/model';
import { batchFromGraphs, batchToTensors, disposeBatch } from '../../src/model/batch';
import { createModel, type GraphModel } from '../../src/model/gnn';
import {
  disposeLayerZero,
  layerZeroPlan,
  layerZeroTensors,
  type LayerZeroTensors,
} from '../../src/model/layerZero';
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

describe('layerZeroPlan', () => {
  it('groups two methanes into two atom types and two environments', () => {
    const batch = batchFromGraphs([graph('C'), graph('C')], true);
    const plan = layerZeroPlan(batch);
    expect(plan.numTypes).toBe(2);
    expect(plan.numEnvs).toBe(2);
    // Node order: C then its four H, per molecule.
    expect(Array.from(plan.nodeEnv)).toEqual([0, 1, 1, 1, 1, 0, 1, 1, 1, 1]);
    expect(Array.from(plan.envType)).toEqual([0, 1]);
    expect(Array.from(plan.typeX.subarray(0, 11))).toEqual(Array.from(batch.x.subarray(0, 11)));
    // The carbon's environment receives four H messages over single bonds, the hydrogen's one C.
    expect(Array.from(plan.envEdgeEnv)).toEqual([0, 0, 0, 0, 1]);
    expect(Array.from(plan.envEdgeMessage)).toEqual([4, 4, 4, 4, 0]);
    expect(Array.from(plan.srcEnv)).toEqual(Array.from(batch.src, (s) => plan.nodeEnv[s]));
  });

  it('tells environments apart by their neighbours and bonds, not by their atom alone', () => {
    // Ethanol's two carbons are both sp3 carbons; one has an O neighbour, the other does not.
    const plan = layerZeroPlan(batchFromGraphs([graph('CCO')], true));
    expect(plan.nodeEnv[0]).not.toBe(plan.nodeEnv[1]);
    // Its methyl hydrogens share one environment, different from the CH2 and OH hydrogens'.
    const hydrogens = Array.from(plan.nodeEnv.subarray(3));
    expect(new Set(hydrogens).size).toBe(3);
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

    function outputs(model: GraphModel, withPlan: boolean) {
      const arrays = batchFromGraphs(MOLECULES.map(graph), true);
      const tensors = batchToTensors(arrays);
      const plan: LayerZeroTensors | undefined = withPlan
        ? layerZeroTensors(layerZeroPlan(arrays))
        : undefined;
      const out = tf.tidy(() => {
        const o = model.forward(tensors, undefined, plan);
        return tf.concat([o.mean, o.logVar!], 1);
      });
      disposeBatch(tensors);
      if (plan) disposeLayerZero(plan);
      const values = out.arraySync() as number[][];
      out.dispose();
      return values;
    }

    it.each([2, 3])('%i layers: the same outputs within float rounding', (layers) => {
      const model = createModel(productArch({ hidden: 16, layers, targets: ['gap', 'mu'] }), 7);
      models.push(model);
      const plain = outputs(model, false);
      const planned = outputs(model, true);
      expect(planned).toHaveLength(MOLECULES.length);
      planned.flat().forEach((v, i) => expect(v).toBeCloseTo(plain.flat()[i], 5));
      // Not all zeros: the comparison has something to compare.
      expect(new Set(plain.flat().map((v) => v.toFixed(4))).size).toBeGreaterThan(4);
    });

    it('one layer, or messages without bond types: the plan is not used, outputs are identical', () => {
      for (const arch of [
        productArch({ hidden: 8, layers: 1 }),
        productArch({ hidden: 8, layers: 3, bondTypes: false }),
      ]) {
        const model = createModel(arch, 3);
        models.push(model);
        expect(outputs(model, true)).toEqual(outputs(model, false));
      }
    });
  },
);
