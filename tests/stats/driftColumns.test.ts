import { describe, expect, it } from 'vitest';
import { ATOM_COLUMNS, DriftTableBuilder, MOLECULE_COLUMNS, columnLabel } from '../../src/stats';
import { chain, methane } from '../helpers/molecules';

describe('columnLabel', () => {
  it.each([
    ['avg_feature_1', 'mean is_C'],
    ['avg_feature_10', 'mean num_h'],
    ['feature_0', 'is_H'],
    ['feature_5', 'atomic_number'],
    ['feature_10', 'num_h'],
    ['prediction', 'predicted gap (eV)'],
    ['num_nodes', 'atoms (with H)'],
    ['num_edges', 'directed edges'],
  ])('names %s "%s"', (name, label) => {
    expect(columnLabel(name)).toBe(label);
  });

  it.each([
    'my_feature_1',
    'feature_1x',
    'feature_',
    'avg_feature_',
    'avgfeature_1',
    'Prediction',
    '',
  ])('leaves an unknown name as it is: "%s"', (name) => {
    expect(columnLabel(name)).toBe(name);
  });

  it('labels every column the drift report shows, each differently', () => {
    const labels = [...MOLECULE_COLUMNS, ...ATOM_COLUMNS].map(columnLabel);
    expect(new Set(labels).size).toBe(MOLECULE_COLUMNS.length + ATOM_COLUMNS.length);
    expect(labels).not.toContain(undefined);
  });
});

describe('DriftTableBuilder', () => {
  it('counts the molecules it was given, with or without a usable prediction', () => {
    const builder = new DriftTableBuilder();
    const m = methane();
    builder.add({ ...m, prediction: 10.5 });
    builder.add({ ...m, prediction: NaN });
    builder.add({ ...m, prediction: Infinity });
    builder.add({ ...m, prediction: null as unknown as number }); // stored by an older server
    builder.add({ ...m, prediction: '7' as unknown as number });
    builder.add({ ...chain('CO'), prediction: -0.5 });
    expect(builder.rows).toBe(6);
    expect(builder.molecules.prediction).toEqual([10.5, -0.5]);
    expect(builder.molecules.num_nodes).toEqual([5, 5, 5, 5, 5, 6]);
    expect(builder.atoms.feature_0.length).toBe(31);
  });

  it('reads a molecule without an edge list as having no edges', () => {
    const builder = new DriftTableBuilder();
    const hydrogenAtom = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0];
    builder.add({ x: [hydrogenAtom], edgeIndex: [], prediction: 1 });
    builder.add({ x: [hydrogenAtom], edgeIndex: [[], []], prediction: 2 });
    expect(builder.molecules.num_edges).toEqual([0, 0]);
    expect(builder.molecules.avg_feature_5).toEqual([1, 1]);
  });
});
