import { describe, expect, it } from 'vitest';
import {
  atomTable,
  computeDriftReference,
  expandTable,
  moleculeTable,
  parseDriftReference,
  type DriftReference,
} from '../../src/stats';
import { chain, methane } from '../helpers/molecules';

describe('drift columns (as the original service built its data frames)', () => {
  it('gives one molecule row: mean node features, atom count, edge count, prediction', () => {
    const table = moleculeTable([
      { x: methane().x, edgeIndex: methane().edgeIndex, prediction: 10.5 },
    ]);
    expect(table.prediction).toEqual([10.5]);
    expect(table.num_nodes).toEqual([5]);
    expect(table.num_edges).toEqual([8]);
    expect(table.avg_feature_0).toEqual([0.8]); // 4 of 5 atoms are H
    expect(table.avg_feature_5).toEqual([(6 + 4) / 5]); // mean atomic number
    expect(table.avg_feature_10).toEqual([4 / 5]); // mean H count
  });

  it('gives one atom row per node with the raw features', () => {
    const ethanol = chain('CCO');
    const table = atomTable([{ ...ethanol, prediction: 9 }]);
    expect(table.feature_0.length).toBe(9);
    expect(table.feature_3.filter((v) => v === 1).length).toBe(1); // one oxygen
  });
});

describe('reference statistics', () => {
  const graphs = Array.from({ length: 50 }, (_, i) =>
    chain('C'.repeat(1 + (i % 6)) + (i % 4 ? '' : 'O')),
  );
  const gaps = graphs.map((_, i) => 8 + i / 7);

  it('stores discrete columns as counts and continuous ones as values, losslessly', () => {
    const ref = computeDriftReference(graphs, gaps, { maxDistinctForCounts: 20 });
    expect(ref.molecules.rows).toBe(50);
    expect('counts' in ref.molecules.columns.num_nodes).toBe(true);
    expect('values' in ref.molecules.columns.prediction).toBe(true);
    const atoms = expandTable(ref.atoms);
    const direct = atomTable(graphs.map((g, i) => ({ ...g, prediction: gaps[i] })));
    expect([...atoms.feature_5].sort()).toEqual([...direct.feature_5].sort());
    // Survives JSON and validation unchanged.
    expect(parseDriftReference(JSON.parse(JSON.stringify(ref)))).toEqual(ref);
  });

  it('samples at most maxMolecules, the same way for the same seed', () => {
    const a = computeDriftReference(graphs, gaps, { maxMolecules: 20, seed: 3 });
    const b = computeDriftReference(graphs, gaps, { maxMolecules: 20, seed: 3 });
    const c = computeDriftReference(graphs, gaps, { maxMolecules: 20, seed: 4 });
    expect(a.molecules.rows).toBe(20);
    expect(a).toEqual(b);
    expect(a.molecules.columns.prediction).not.toEqual(c.molecules.columns.prediction);
    expect(a.source).toBe('20 of 50 training molecules (seeded sample, seed 3)');
  });

  it('stores a column as counts up to maxDistinctForCounts distinct values, ascending', () => {
    // Propane, methane, methanol: 11, 5 and 6 atoms, listed out of numeric (and string) order.
    const three = [chain('CCC'), chain('C'), chain('CO')];
    const atThreshold = computeDriftReference(three, [8, 9, 7], { maxDistinctForCounts: 3 });
    expect(atThreshold.molecules.columns.num_nodes).toEqual({
      counts: [
        [5, 1],
        [6, 1],
        [11, 1],
      ],
    });
    const belowThreshold = computeDriftReference(three, [8, 9, 7], { maxDistinctForCounts: 2 });
    expect(belowThreshold.molecules.columns.num_nodes).toEqual({ values: [11, 5, 6] });
  });

  it('labels the prediction column and the source', () => {
    const model = computeDriftReference(graphs, gaps);
    expect(model.prediction).toEqual({ target: 'gap', unit: 'eV', kind: 'model' });
    expect(model.source).toBe('50 of 50 training molecules (seeded sample, seed 1)');
    const labels = computeDriftReference(graphs, gaps, {
      predictionKind: 'label',
      source: 'QM9 training split',
    });
    expect(labels.prediction).toEqual({ target: 'gap', unit: 'eV', kind: 'label' });
    expect(labels.source).toBe('QM9 training split');
  });

  it('refuses an empty training set', () => {
    expect(() => computeDriftReference([], [])).toThrow(/^computeDriftReference: no graphs$/);
  });

  it('refuses mismatched inputs', () => {
    expect(() => computeDriftReference(graphs, gaps.slice(1))).toThrow(
      /50 graphs but 49 gap values/,
    );
  });

  it.each([
    [(r: DriftReference) => ({ ...r, format: 'v0' }), /format: expected "qm9-drift-reference\/1"/],
    [(r: DriftReference) => ({ ...r, atoms: undefined }), /driftReference\.atoms: missing table/],
    [
      (r: DriftReference) => ({ ...r, molecules: { ...r.molecules, rows: 51 } }),
      /driftReference\.molecules\.columns\.prediction: holds 50 values, table has 51 rows/,
    ],
    [
      (r: DriftReference) => ({
        ...r,
        molecules: { ...r.molecules, columns: { ...r.molecules.columns, num_edges: undefined } },
      }),
      /driftReference\.molecules\.columns\.num_edges: missing/,
    ],
  ])('names the problem in a malformed reference (%#)', (mutate, message) => {
    const ref: DriftReference = JSON.parse(JSON.stringify(computeDriftReference(graphs, gaps)));
    expect(() => parseDriftReference(mutate(ref))).toThrow(message);
  });
});
