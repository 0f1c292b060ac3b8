// Drift of logged molecules against the training reference: the per-molecule and
// per-atom tables, each column's Evidently verdict and a histogram to draw.
import {
  ATOM_COLUMNS,
  DRIFT_RULES,
  MOLECULE_COLUMNS,
  DriftTableBuilder,
  columnLabel,
  comparisonHistogram,
  expandTable,
  tableDrift,
  type ColumnDrift,
  type ComparisonHistogram,
  type DriftReference,
  type DriftRow,
} from '../../src/stats';

export interface ColumnReport extends ColumnDrift {
  label: string;
  histogram: ComparisonHistogram;
}

export interface TableReport {
  rows: { reference: number; current: number };
  columns: Record<string, ColumnReport>;
  driftedColumns: number;
  totalColumns: number;
  share: number;
  datasetDrift: boolean;
}

export interface DriftReport {
  generatedAt: string;
  requested: number;
  molecules: number;
  reference: { source: string; prediction: DriftReference['prediction'] };
  rules: typeof DRIFT_RULES;
  /** True when the molecule table or the atom table drifts. */
  datasetDrift: boolean;
  tables: { molecules: TableReport; atoms: TableReport };
  /** Set when fewer molecules than requested were read because of the byte bound. */
  truncated?: { reason: 'bytes'; maxBytes: number };
}

function tableReport(
  reference: Record<string, Float64Array>,
  current: Record<string, number[]>,
  names: string[],
): TableReport {
  const ref = Object.fromEntries(names.map((n) => [n, reference[n]]));
  const drift = tableDrift(ref, current);
  const columns: Record<string, ColumnReport> = {};
  for (const name of names) {
    columns[name] = {
      ...drift.columns[name],
      label: columnLabel(name),
      histogram: comparisonHistogram(ref[name], current[name]),
    };
  }
  return {
    rows: {
      reference: Math.max(...names.map((n) => ref[n].length)),
      current: Math.max(...names.map((n) => current[n].length)),
    },
    columns,
    driftedColumns: drift.driftedColumns,
    totalColumns: drift.totalColumns,
    share: drift.share,
    datasetDrift: drift.datasetDrift,
  };
}

export function buildDriftReport(
  reference: DriftReference,
  rows: readonly DriftRow[],
  requested: number,
  now = new Date(),
): DriftReport {
  const tables = new DriftTableBuilder();
  for (const row of rows) tables.add(row);
  return buildDriftReportFromTables(reference, tables, requested, now);
}

/** The report over tables already filled (the report worker streams rows into them). */
export function buildDriftReportFromTables(
  reference: DriftReference,
  tables: DriftTableBuilder,
  requested: number,
  now = new Date(),
): DriftReport {
  if (tables.rows === 0) throw new RangeError('no logged molecules to compare');
  const molecules = tableReport(
    expandTable(reference.molecules),
    tables.molecules,
    MOLECULE_COLUMNS,
  );
  const atoms = tableReport(expandTable(reference.atoms), tables.atoms, ATOM_COLUMNS);
  return {
    generatedAt: now.toISOString(),
    requested,
    molecules: tables.rows,
    reference: { source: reference.source, prediction: reference.prediction },
    rules: DRIFT_RULES,
    datasetDrift: molecules.datasetDrift || atoms.datasetDrift,
    tables: { molecules, atoms },
  };
}
