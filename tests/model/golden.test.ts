// The shipped model's outputs for molecules written for this project, pinned to 1e-5 (relative
// beyond 1): any change to the network code, the weights, the output transform or the
// featurization that moves a prediction fails here, with the molecule and target named.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initChem } from '../../src/chem';
import { loadPredictor, type Predictor } from '../../src/model/predictor';
import {
  GOLDEN_FILES,
  goldenDifferences,
  goldenMolecules,
  modelMismatch,
  readGoldenFixture,
  shippedModel,
  type GoldenMolecule,
} from '../helpers/golden';

const fixture = readGoldenFixture();
let predictor: Predictor;
let actual: GoldenMolecule[];
let mismatch: string | null;

beforeAll(async () => {
  await initChem();
  const model = await shippedModel();
  mismatch = modelMismatch(fixture, model);
  predictor = await loadPredictor(model.location, { backend: 'wasm' });
  actual = await goldenMolecules(predictor, fixture.files);
});
afterAll(() => predictor?.dispose());

describe('golden predictions of the shipped model', () => {
  it('the fixture is for the model the app ships', () => {
    expect(mismatch, mismatch ?? '').toBeNull();
  });

  it('the fixture holds the current inputs: small, large, charged, aromatic, every format', () => {
    expect(fixture.files).toEqual(GOLDEN_FILES);
    expect(new Set(fixture.files.map((f) => f.name.split('.').pop()))).toEqual(
      new Set(['smi', 'csv', 'tsv', 'sdf', 'mol', 'xyz']),
    );
    const names = fixture.molecules.map((m) => m.name);
    expect(names).toEqual(
      expect.arrayContaining(['methane', 'caffeine', 'methylammonium', 'benzene']),
    );
    expect(fixture.molecules.length).toBeGreaterThanOrEqual(20);
  });

  it('every molecule, all 12 values and their uncertainties, within 1e-5', () => {
    expect(actual.map((m) => `${m.file}#${m.record} ${m.smiles}`)).toEqual(
      fixture.molecules.map((m) => `${m.file}#${m.record} ${m.smiles}`),
    );
    const differences = fixture.molecules.flatMap((m, i) =>
      goldenDifferences(m, actual[i].prediction),
    );
    const header = mismatch ? `${mismatch}\n` : '';
    expect(differences, header + differences.slice(0, 20).join('\n')).toEqual([]);
    for (const m of fixture.molecules) {
      expect(Object.keys(m.prediction.values)).toHaveLength(12);
      expect(Object.keys(m.prediction.std)).toHaveLength(12);
    }
  });
});
