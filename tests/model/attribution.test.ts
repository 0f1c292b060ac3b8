import { beforeAll, describe, expect, it } from 'vitest';
import { initChem, parseMolblock, parseSmiles, type MoleculeGraph } from '../../src/chem/index';
import { foldHydrogens } from '../../src/model/attribution';
import { loadPredictor, type Predictor } from '../../src/model/predictor';

// The published product model: real weights, real atom references.
const MODEL_DIR = 'public/models/qm9-gnn';

function molecule(smiles: string): MoleculeGraph {
  const r = parseSmiles(smiles, { source: 'test' });
  if (!r.ok) throw new Error(`${smiles}: ${r.error.message}`);
  return r.molecule;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

let predictor: Predictor;
beforeAll(async () => {
  await initChem();
  predictor = await loadPredictor(MODEL_DIR, { backend: 'wasm' });
}, 60_000);

describe('integrated gradients on the node embeddings', () => {
  it('is complete: the atoms sum to y(h) - y(0), closer with more steps', async () => {
    const aspirin = molecule('CC(=O)Oc1ccccc1C(=O)O');
    for (const target of ['gap', 'u0', 'mu'] as const) {
      const fine = await predictor.contributions(aspirin, target, { steps: 2048 });
      expect(fine.atoms).toHaveLength(aspirin.x.length);
      const gapFine = Math.abs(sum(fine.atoms) - fine.learned);
      expect(gapFine).toBeLessThanOrEqual(5e-3 * Math.abs(fine.learned) + 1e-4);
      const coarse = await predictor.contributions(aspirin, target, { steps: 4 });
      expect(coarse.learned).toBeCloseTo(fine.learned, 5);
      expect(Math.abs(sum(coarse.atoms) - coarse.learned)).toBeGreaterThan(gapFine);
    }
  });

  it('default steps stay close to the learned part on several molecules', async () => {
    for (const smiles of ['C', 'CCO', 'c1ccccc1', 'CC#N', 'OC(=O)C(F)(F)F']) {
      for (const target of ['u0', 'gap'] as const) {
        const c = await predictor.contributions(molecule(smiles), target);
        expect(c.steps).toBe(256);
        expect(Math.abs(sum(c.atoms) - c.learned)).toBeLessThanOrEqual(
          2e-2 * Math.abs(c.learned) + 5e-3,
        );
      }
    }
  });

  it('splits the prediction into reference + offset + learned', async () => {
    const ethanol = molecule('CCO');
    const [prediction] = await predictor.predict([ethanol]);
    const other = await predictor.contributions(molecule('c1ccccc1'), 'u0');
    for (const target of ['u0', 'gap'] as const) {
      const c = await predictor.contributions(ethanol, target);
      expect(c.value).toBeCloseTo(prediction.values[target]!, 3);
      expect(c.reference + c.offset + c.learned).toBeCloseTo(c.value, 9);
      if (target === 'u0') {
        // The offset is the prediction for all-zero embeddings: the same for every molecule.
        expect(c.offset).toBeCloseTo(other.offset, 6);
        // U0 has a per-element reference (2 C, 6 H, 1 O), far below zero.
        expect(c.reference).toBeLessThan(-1000);
      }
    }
  });

  it('gives symmetric atoms the same contribution', async () => {
    const c = await predictor.contributions(molecule('c1ccccc1'), 'gap');
    const carbons = c.atoms.slice(0, 6);
    for (const a of carbons) expect(a).toBeCloseTo(carbons[0], 4);
  });

  it('names the problem for a target the model does not predict', async () => {
    await expect(predictor.contributions(molecule('C'), 'boiling_point' as never)).rejects.toThrow(
      /does not predict "boiling_point"/,
    );
  });
});

describe('folding hydrogens into heavy atoms', () => {
  it('moves each hydrogen onto its heavy atom and keeps the total (SMILES: H appended)', () => {
    const ethanol = molecule('CCO'); // C0 C1 O2, then 3 H on C0, 2 on C1, 1 on O2
    const values = ethanol.x.map((_, i) => i + 1);
    const folded = foldHydrogens(ethanol, values);
    expect(folded.map((f) => f.atom)).toEqual([0, 1, 2]);
    expect(folded.map((f) => f.hydrogens)).toEqual([3, 2, 1]);
    expect(folded.map((f) => f.value)).toEqual([1 + 4 + 5 + 6, 2 + 7 + 8, 3 + 9]);
    expect(sum(folded.map((f) => f.value))).toBe(sum(values));
  });

  it('follows bonds, not positions, when hydrogens come first in a molfile', () => {
    const water = [
      'water',
      '  test',
      '',
      '  3  2  0  0  0  0  0  0  0  0999 V2000',
      '    0.7570    0.5860    0.0000 H   0  0  0  0  0  0  0  0  0  0  0  0',
      '    0.0000    0.0000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0',
      '   -0.7570    0.5860    0.0000 H   0  0  0  0  0  0  0  0  0  0  0  0',
      '  1  2  1  0',
      '  2  3  1  0',
      'M  END',
    ].join('\n');
    const r = parseMolblock(water, { source: 'test' });
    if (!r.ok) throw new Error(r.error.message);
    const folded = foldHydrogens(r.molecule, [0.25, 1, 0.5]);
    expect(folded).toEqual([{ atom: 1, value: 1.75, hydrogens: 2 }]);
  });

  it('keeps a hydrogen without a heavy neighbour on its own (H2)', () => {
    const h2 = molecule('[H][H]');
    expect(foldHydrogens(h2, [0.5, -0.5]).map((f) => f.value)).toEqual([0.5, -0.5]);
  });

  it('refuses a contribution list of the wrong length', () => {
    expect(() => foldHydrogens(molecule('C'), [1, 2])).toThrow(
      /2 contributions for a molecule of 5 atoms/,
    );
  });
});
