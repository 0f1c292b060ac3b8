// The drift report's shape from a reference and a log small enough to count by hand: row counts
// per table, labels, the histograms drawn, and the bookkeeping around the verdicts.
import { describe, expect, it } from 'vitest';
import { buildDriftReport } from '../../../server/drift/report';
import {
  ATOM_COLUMNS,
  DRIFT_RULES,
  MOLECULE_COLUMNS,
  computeDriftReference,
} from '../../../src/stats';
import { chain, methane } from '../../helpers/molecules';

// 10 methanes (5 atoms), 10 ethanes (8), 10 ethanols (9): 30 molecules, 220 atoms.
const graphs = [
  ...Array.from({ length: 10 }, () => methane()),
  ...Array.from({ length: 10 }, () => chain('CC')),
  ...Array.from({ length: 10 }, () => chain('CCO')),
];
const reference = computeDriftReference(
  graphs,
  graphs.map((_, i) => 8 + i / 10),
);
const row = (g: ReturnType<typeof chain>, prediction: number) => ({
  x: g.x,
  edgeIndex: g.edgeIndex,
  prediction,
});
const now = new Date('2026-12-01T09:30:00.000Z');

describe('buildDriftReport', () => {
  // Built in each test, not once per file: a mutation tool credits code to the test it ran in.
  const build = () =>
    buildDriftReport(reference, [row(methane(), 9), row(chain('CCO'), 10)], 25, now);

  it('says when, for how many molecules of how many asked, against which reference', () => {
    const report = build();
    expect(report.generatedAt).toBe('2026-12-01T09:30:00.000Z');
    expect(report.requested).toBe(25);
    expect(report.molecules).toBe(2);
    expect(report.reference).toEqual({
      source: reference.source,
      prediction: reference.prediction,
    });
    expect(report.rules).toEqual(DRIFT_RULES);
    expect('truncated' in report).toBe(false);
    expect(report.datasetDrift).toBe(
      report.tables.molecules.datasetDrift || report.tables.atoms.datasetDrift,
    );
  });

  it('counts rows per table: molecules, and atoms with their hydrogens', () => {
    const report = build();
    expect(report.tables.molecules.rows).toEqual({ reference: 30, current: 2 });
    expect(report.tables.atoms.rows).toEqual({ reference: 220, current: 14 });
  });

  it('reports every column once, labelled, with its own counts', () => {
    const report = build();
    const { molecules, atoms } = report.tables;
    expect(Object.keys(molecules.columns)).toEqual(MOLECULE_COLUMNS);
    expect(Object.keys(atoms.columns)).toEqual(ATOM_COLUMNS);
    expect(molecules.totalColumns).toBe(MOLECULE_COLUMNS.length);
    expect(atoms.totalColumns).toBe(ATOM_COLUMNS.length);
    expect(molecules.columns.prediction.label).toBe('predicted gap (eV)');
    expect(molecules.columns.avg_feature_1.label).toBe('mean is_C');
    expect(atoms.columns.feature_5.label).toBe('atomic_number');
    expect(molecules.columns.num_nodes).toMatchObject({ referenceRows: 30, currentRows: 2 });
    expect(atoms.columns.feature_0).toMatchObject({ referenceRows: 220, currentRows: 14 });
    for (const t of [molecules, atoms]) {
      const drifted = Object.values(t.columns).filter((c) => c.drift).length;
      expect(t.driftedColumns).toBe(drifted);
      expect(t.share).toBeCloseTo(drifted / t.totalColumns, 12);
      expect(t.datasetDrift).toBe(t.share >= DRIFT_RULES.datasetDriftShare);
    }
  });

  it('draws each column from its reference and current values', () => {
    const report = build();
    expect(report.tables.molecules.columns.num_nodes.histogram).toEqual({
      kind: 'values',
      edges: [5, 8, 9],
      reference: [1 / 3, 1 / 3, 1 / 3],
      current: [0.5, 0, 0.5],
    });
    // Atomic numbers: H, C and O, in the reference (220 atoms) and in methane + ethanol (14).
    expect(report.tables.atoms.columns.feature_5.histogram).toEqual({
      kind: 'values',
      edges: [1, 6, 8],
      reference: [160 / 220, 50 / 220, 10 / 220],
      current: [10 / 14, 3 / 14, 1 / 14],
    });
  });

  it('refuses an empty log', () => {
    expect(() => buildDriftReport(reference, [], 5, now)).toThrow(
      new RangeError('no logged molecules to compare'),
    );
  });
});
