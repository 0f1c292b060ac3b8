// Drift of logged molecules against the training reference: the per-molecule and
// per-atom tables, each column's Evidently verdict and a histogram to draw.
import {
  ATOM_COLUMNS,
  MOLECULE_COLUMNS,
  DriftTableBuilder,
  columnLabel,
  type DriftRow,
} from './columns';
import { DRIFT_RULES, tableDrift, type ColumnDrift } from './evaluate';
import { expandTable, type DriftReference } from './reference';

export interface Histogram {
  /** Bin edges (continuous) or the distinct values themselves (discrete). */
  kind: 'bins' | 'values';
  edges: number[];
  reference: number[];
  current: number[];
}

export interface ColumnReport extends ColumnDrift {
  label: string;
  histogram: Histogram;
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

const MAX_DISCRETE_BARS = 20;
const BINS = 20;

function fractions(counts: number[], total: number): number[] {
  return counts.map((c) => (total ? c / total : 0));
}

export function histogram(reference: ArrayLike<number>, current: ArrayLike<number>): Histogram {
  const distinct = new Set<number>();
  for (let i = 0; i < reference.length; i++) distinct.add(reference[i]);
  for (let i = 0; i < current.length; i++) distinct.add(current[i]);
  if (distinct.size <= MAX_DISCRETE_BARS) {
    const values = [...distinct].sort((a, b) => a - b);
    const index = new Map(values.map((v, i) => [v, i]));
    const count = (sample: ArrayLike<number>) => {
      const c = new Array<number>(values.length).fill(0);
      for (let i = 0; i < sample.length; i++) c[index.get(sample[i])!]++;
      return fractions(c, sample.length);
    };
    return { kind: 'values', edges: values, reference: count(reference), current: count(current) };
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of distinct) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const width = (hi - lo) / BINS;
  const edges = Array.from({ length: BINS + 1 }, (_, i) => lo + i * width);
  const count = (sample: ArrayLike<number>) => {
    const c = new Array<number>(BINS).fill(0);
    for (let i = 0; i < sample.length; i++)
      c[Math.min(BINS - 1, Math.floor((sample[i] - lo) / width))]++;
    return fractions(c, sample.length);
  };
  return { kind: 'bins', edges, reference: count(reference), current: count(current) };
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
      histogram: histogram(ref[name], current[name]),
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
