// Training-set reference statistics for the drift report, as stored in the model card
// under "driftReference". A column is stored either as exact value counts (discrete
// columns: one-hots, atom counts) or as the sampled values themselves (continuous ones),
// which keeps the card small while every test still sees the full reference sample.
import { atomTable, moleculeTable, type ColumnTable, type DriftRow } from './driftColumns';
import { Rng } from './random';
import { countValues } from './twoSample';

export const REFERENCE_FORMAT = 'qm9-drift-reference/1';

export type ReferenceColumn = { counts: [value: number, count: number][] } | { values: number[] };

export interface ReferenceTable {
  /** Rows of the reference table; every column describes exactly this many values. */
  rows: number;
  columns: Record<string, ReferenceColumn>;
}

export interface DriftReference {
  format: typeof REFERENCE_FORMAT;
  /** Where the sample came from, e.g. "QM9 training split, 1000 of 70746 molecules, seed 7". */
  source: string;
  /** What the "prediction" column holds. */
  prediction: { target: 'gap'; unit: 'eV'; kind: 'model' | 'label' };
  molecules: ReferenceTable;
  atoms: ReferenceTable;
}

export interface ReferenceOptions {
  /** Molecules kept in the reference sample. 1000 keeps Evidently's small-reference tests. */
  maxMolecules?: number;
  seed?: number;
  /** Columns with at most this many distinct values are stored as counts. */
  maxDistinctForCounts?: number;
  source?: string;
  predictionKind?: 'model' | 'label';
}

const SIGNIFICANT_DIGITS = 7;

function encodeColumn(values: number[], maxDistinct: number): ReferenceColumn {
  const counts = countValues(values);
  if (counts.size <= maxDistinct) {
    return { counts: [...counts.entries()].sort((a, b) => a[0] - b[0]) };
  }
  return { values: values.map((v) => Number(v.toPrecision(SIGNIFICANT_DIGITS))) };
}

function encodeTable(table: ColumnTable, maxDistinct: number): ReferenceTable {
  const names = Object.keys(table);
  return {
    rows: names.length ? table[names[0]].length : 0,
    columns: Object.fromEntries(names.map((n) => [n, encodeColumn(table[n], maxDistinct)])),
  };
}

/**
 * Builds the reference from featurized training graphs and their gap values in eV
 * (model predictions or labels), for the training pipeline to put into the model card.
 */
export function computeDriftReference(
  graphs: readonly { x: number[][]; edgeIndex: number[][] }[],
  gapsEv: readonly number[],
  options: ReferenceOptions = {},
): DriftReference {
  if (graphs.length !== gapsEv.length) {
    throw new Error(
      `computeDriftReference: ${graphs.length} graphs but ${gapsEv.length} gap values`,
    );
  }
  if (graphs.length === 0) throw new Error('computeDriftReference: no graphs');
  const maxMolecules = options.maxMolecules ?? 1000;
  const seed = options.seed ?? 1;
  const maxDistinct = options.maxDistinctForCounts ?? 64;
  const rows: DriftRow[] = graphs.map((g, i) => ({
    x: g.x,
    edgeIndex: g.edgeIndex,
    prediction: gapsEv[i],
  }));
  const sample = new Rng(seed).sample(rows, maxMolecules);
  return {
    format: REFERENCE_FORMAT,
    source:
      options.source ??
      `${sample.length} of ${graphs.length} training molecules (seeded sample, seed ${seed})`,
    prediction: { target: 'gap', unit: 'eV', kind: options.predictionKind ?? 'model' },
    molecules: encodeTable(moleculeTable(sample), maxDistinct),
    atoms: encodeTable(atomTable(sample), maxDistinct),
  };
}

function isFiniteNumber(v: unknown): v is number {
  // Stryker disable next-line ConditionalExpression: Number.isFinite is false for every non-number, so the typeof test only narrows the type
  return typeof v === 'number' && Number.isFinite(v);
}

function checkTable(where: string, table: unknown, expectedColumns: string[]): ReferenceTable {
  if (!table || typeof table !== 'object') throw new Error(`${where}: missing table`);
  const t = table as ReferenceTable;
  if (!Number.isInteger(t.rows) || t.rows < 1)
    throw new Error(`${where}.rows: expected a positive integer`);
  for (const name of expectedColumns) {
    const column = t.columns?.[name];
    const path = `${where}.columns.${name}`;
    if (!column) throw new Error(`${path}: missing`);
    let total: number;
    if ('counts' in column && Array.isArray(column.counts)) {
      total = 0;
      for (const [k, pair] of column.counts.entries()) {
        if (
          !Array.isArray(pair) ||
          !isFiniteNumber(pair[0]) ||
          !Number.isInteger(pair[1]) ||
          pair[1] < 0
        ) {
          throw new Error(`${path}.counts[${k}]: expected [value, count]`);
        }
        total += pair[1];
      }
    } else if ('values' in column && Array.isArray(column.values)) {
      const bad = column.values.findIndex((v) => !isFiniteNumber(v));
      if (bad >= 0) throw new Error(`${path}.values[${bad}]: not a finite number`);
      total = column.values.length;
    } else {
      throw new Error(`${path}: expected {counts: [[value, count], ...]} or {values: [...]}`);
    }
    if (total !== t.rows)
      throw new Error(`${path}: holds ${total} values, table has ${t.rows} rows`);
  }
  return t;
}

/** Checks untrusted JSON (a model card's driftReference) and names the first problem. */
export function parseDriftReference(json: unknown, where = 'driftReference'): DriftReference {
  if (!json || typeof json !== 'object') throw new Error(`${where}: expected an object`);
  const ref = json as DriftReference;
  if (ref.format !== REFERENCE_FORMAT) {
    throw new Error(
      `${where}.format: expected "${REFERENCE_FORMAT}", got ${JSON.stringify(ref.format)}`,
    );
  }
  const molecules = moleculeTable([]);
  const atoms = atomTable([]);
  checkTable(`${where}.molecules`, ref.molecules, Object.keys(molecules));
  checkTable(`${where}.atoms`, ref.atoms, Object.keys(atoms));
  return ref;
}

export function expandColumn(column: ReferenceColumn): Float64Array {
  if ('values' in column) return Float64Array.from(column.values);
  const total = column.counts.reduce((s, [, c]) => s + c, 0);
  const out = new Float64Array(total);
  let at = 0;
  for (const [value, count] of column.counts) {
    out.fill(value, at, at + count);
    at += count;
  }
  return out;
}

export function expandTable(table: ReferenceTable): Record<string, Float64Array> {
  return Object.fromEntries(Object.entries(table.columns).map(([n, c]) => [n, expandColumn(c)]));
}
