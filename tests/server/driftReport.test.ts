// The drift report's verdicts: none for the training molecules, drift when either table moves.
import { describe, expect, it } from 'vitest';
import { chain } from '../helpers/molecules';
import { DriftTableBuilder, computeDriftReference } from '../../src/stats';
import { buildDriftReport, buildDriftReportFromTables } from '../../server/drift/report';

// Training-like molecules: alkanes and alcohols, gaps 9-12 eV.
const graphs = Array.from({ length: 300 }, (_, i) =>
  chain('C'.repeat(1 + (i % 8)) + (i % 5 === 0 ? 'O' : '')),
);
const gaps = graphs.map((_, i) => 9 + ((i * 37) % 300) / 100);
const reference = computeDriftReference(graphs, gaps);
const rows = graphs.map((g, i) => ({ x: g.x, edgeIndex: g.edgeIndex, prediction: gaps[i] }));

/** The reference molecules again, then every value of one table moved by `shift`. */
function tablesWithShift(table: 'molecules' | 'atoms' | null, shift = 5): DriftTableBuilder {
  const tables = new DriftTableBuilder();
  for (const row of rows) tables.add(row);
  if (table) {
    for (const column of Object.values(tables[table])) {
      column.forEach((v, i) => (column[i] = v + shift));
    }
  }
  return tables;
}

describe('drift report verdict', () => {
  it('no drift when the logged molecules are the training molecules', () => {
    const report = buildDriftReport(reference, rows, rows.length);
    expect(report.tables.molecules.datasetDrift).toBe(false);
    expect(report.tables.atoms.datasetDrift).toBe(false);
    expect(report.datasetDrift).toBe(false);
  });

  it('drift when only the molecule table drifts', () => {
    const report = buildDriftReportFromTables(reference, tablesWithShift('molecules'), 300);
    expect(report.tables.molecules.datasetDrift).toBe(true);
    expect(report.tables.molecules.driftedColumns).toBe(report.tables.molecules.totalColumns);
    expect(report.tables.atoms.datasetDrift).toBe(false);
    expect(report.tables.atoms.driftedColumns).toBe(0);
    expect(report.datasetDrift).toBe(true);
  });

  it('drift when only the atom table drifts', () => {
    const report = buildDriftReportFromTables(reference, tablesWithShift('atoms'), 300);
    expect(report.tables.molecules.datasetDrift).toBe(false);
    expect(report.tables.atoms.datasetDrift).toBe(true);
    expect(report.datasetDrift).toBe(true);
  });

  it('counts the molecules it compared and refuses an empty log', () => {
    const report = buildDriftReport(reference, rows.slice(0, 40), 50);
    expect(report.molecules).toBe(40);
    expect(report.requested).toBe(50);
    expect(() => buildDriftReport(reference, [], 50)).toThrow(/no logged molecules/);
  });
});

describe('drift report against a reference', () => {
  it('finds no drift for molecules drawn like the reference, drift for different ones', () => {
    const graphs = Array.from({ length: 400 }, (_, i) =>
      chain('C'.repeat(1 + (i % 6)) + (i % 4 ? '' : 'O')),
    );
    const gaps = graphs.map((_, i) => 8 + (i % 50) / 10);
    const reference = computeDriftReference(graphs, gaps);
    const rows = (from: number, to: number) =>
      graphs.slice(from, to).map((g, i) => ({ ...g, prediction: gaps[from + i] }));
    const same = buildDriftReport(reference, rows(0, 100), 100);
    expect(same.tables.molecules.datasetDrift).toBe(false);
    const other = Array.from({ length: 100 }, (_, i) => ({
      ...chain('NNF'.slice(i % 2)),
      prediction: 5 + (i % 10) / 10,
    }));
    const drifted = buildDriftReport(reference, other, 100);
    expect(drifted.datasetDrift).toBe(true);
    expect(drifted.tables.molecules.columns.prediction.drift).toBe(true);
  });
});
