import type { MoleculeResult } from '../../chem/types';
import type { GraphInput, MoleculePrediction } from '../../model/contracts';
import { packGraphs, type PackedGraphs } from '../../model/packedGraphs';
import type { ResultRow } from './protocol';

/**
 * A row as the chemistry worker reads it: with what the model reads of the graph (not the graph's
 * copies of the row's name, SMILES, fields and atoms, which would travel twice).
 */
export type ReadRow = ResultRow & { graph?: GraphInput };

/** A molecule's place in the pack of graphs its read slice came with. */
export interface GraphRef {
  packed: PackedGraphs;
  index: number;
}

/** A row in the prediction worker: what the page gets, and where its graph is. */
export type WorkerRow = ResultRow & { graph?: GraphRef };

export function resultToRow(result: MoleculeResult, id: number): ReadRow {
  if (!result.ok) {
    const { error } = result;
    return {
      id,
      source: error.source,
      record: error.record,
      name: error.name,
      status: 'error',
      message: error.message,
      // RDKit read it but the model cannot take it: the page still draws it and exports it.
      smiles: error.smiles,
      fields: error.fields,
      warnings: [],
    };
  }
  const molecule = result.molecule;
  return {
    id,
    source: result.source,
    record: molecule.record,
    name: molecule.name,
    status: 'parsed',
    smiles: molecule.smiles,
    formula: molecule.formula,
    heavyAtoms: molecule.heavyAtoms,
    // The elements matter to the page only beside real 3D coordinates (the 3D view of them).
    atomicNumbers: molecule.coords ? molecule.atomicNumbers : undefined,
    coords: molecule.coords,
    molblock: molecule.molblock,
    fields: molecule.fields,
    warnings: molecule.warnings,
    graph: {
      x: molecule.x,
      edgeIndex: molecule.edgeIndex,
      edgeAttr: molecule.edgeAttr,
      warnings: molecule.warnings,
    },
  };
}

export function withPrediction(row: WorkerRow, prediction: MoleculePrediction): WorkerRow {
  const warnings = prediction.warnings.length > 0 ? prediction.warnings : row.warnings;
  return { ...row, prediction, warnings, status: warnings.length > 0 ? 'warning' : 'predicted' };
}

/**
 * A slice of a read on its way from the chemistry worker to the prediction worker: the rows without
 * their graphs, and the graphs of the rows that have one packed in typed arrays, transferred
 * rather than copied (structured clone or JSON would rebuild thousands of small arrays on the
 * receiving side, which runs the model, the job's slowest step, and its garbage collector).
 * The rows go as JSON text, which the receiving side parses several times faster than a clone of
 * the same objects; JSON keeps everything a row holds except non-finite numbers (which it writes as
 * null), so a slice whose text has a null anywhere goes as objects instead: rows hold no nulls.
 */
export interface PackedSlice {
  rows: ResultRow[] | string;
  graphs: PackedGraphs | null;
}

export function packSlice(rows: ReadRow[]): PackedSlice {
  const graphs: GraphInput[] = [];
  const plain = rows.map(({ graph, ...row }) => {
    if (graph) graphs.push(graph);
    return row;
  });
  const json = JSON.stringify(plain);
  return {
    rows: json.includes('null') ? plain : json,
    graphs: graphs.length > 0 ? packGraphs(graphs) : null,
  };
}

/** The slice's rows, each with a reference to its graph in the slice's pack. */
export function unpackSlice({ rows, graphs }: PackedSlice): WorkerRow[] {
  const list: WorkerRow[] = typeof rows === 'string' ? (JSON.parse(rows) as ResultRow[]) : rows;
  const molecules = list.filter((row) => row.status !== 'error');
  // Rows and graphs pair up by order: a mismatch would give molecules each other's predictions.
  if (molecules.length !== (graphs?.count ?? 0)) {
    throw new Error(
      `a read slice has ${molecules.length} molecules and ${graphs?.count ?? 0} graphs`,
    );
  }
  molecules.forEach((row, index) => (row.graph = { packed: graphs!, index }));
  return list;
}
