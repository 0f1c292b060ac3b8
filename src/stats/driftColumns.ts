// The tables the drift report compares, built exactly as the original service did:
// one row per molecule (mean of each node feature, atom count, edge count, prediction)
// and one row per atom (the 11 raw node features).
// chem/types, not the chem index: the index also loads the readers and RDKit.
import { NODE_FEATURE_NAMES, NUM_NODE_FEATURES } from '../chem/types';

/** One molecule as the drift code sees it; `prediction` is the HOMO-LUMO gap in eV. */
export interface DriftRow {
  x: number[][];
  edgeIndex: number[][];
  prediction: number;
}

export type ColumnTable = Record<string, number[]>;

const featureIndexes = Array.from({ length: NUM_NODE_FEATURES }, (_, i) => i);

export const MOLECULE_COLUMNS = [
  'prediction',
  'num_nodes',
  'num_edges',
  ...featureIndexes.map((i) => `avg_feature_${i}`),
];
export const ATOM_COLUMNS = featureIndexes.map((i) => `feature_${i}`);

/** Human label for a column name, e.g. avg_feature_1 -> "mean is_C". */
export function columnLabel(name: string): string {
  const match = /^(avg_)?feature_(\d+)$/.exec(name);
  if (match) return `${match[1] ? 'mean ' : ''}${NODE_FEATURE_NAMES[Number(match[2])]}`;
  if (name === 'prediction') return 'predicted gap (eV)';
  if (name === 'num_nodes') return 'atoms (with H)';
  if (name === 'num_edges') return 'directed edges';
  return name;
}

function emptyTable(names: string[]): ColumnTable {
  return Object.fromEntries(names.map((n) => [n, [] as number[]]));
}

/**
 * Both tables, filled one molecule at a time so a caller streaming stored rows never holds
 * more than the numbers. A prediction that is not a finite number (a null stored by an older
 * server) is left out of the prediction column instead of being read as 0.
 */
export class DriftTableBuilder {
  readonly molecules = emptyTable(MOLECULE_COLUMNS);
  readonly atoms = emptyTable(ATOM_COLUMNS);
  rows = 0;

  add(row: DriftRow): void {
    this.rows++;
    const m = this.molecules;
    // Stryker disable next-line ConditionalExpression: Number.isFinite is false for every non-number; the typeof test is for older rows' null, read the same either way
    if (typeof row.prediction === 'number' && Number.isFinite(row.prediction)) {
      m.prediction.push(row.prediction);
    }
    m.num_nodes.push(row.x.length);
    m.num_edges.push(row.edgeIndex[0]?.length ?? 0);
    for (const i of featureIndexes) {
      let sum = 0;
      for (const atom of row.x) sum += atom[i];
      m[`avg_feature_${i}`].push(row.x.length ? sum / row.x.length : NaN);
    }
    for (const atom of row.x)
      for (const i of featureIndexes) this.atoms[`feature_${i}`].push(atom[i]);
  }
}

export function moleculeTable(rows: readonly DriftRow[]): ColumnTable {
  const builder = new DriftTableBuilder();
  for (const row of rows) builder.add(row);
  return builder.molecules;
}

export function atomTable(rows: readonly DriftRow[]): ColumnTable {
  const builder = new DriftTableBuilder();
  for (const row of rows) builder.add(row);
  return builder.atoms;
}
