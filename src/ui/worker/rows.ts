import type { MoleculeResult } from '../../chem/types';
import type { GraphInput, MoleculePrediction } from '../../model/contracts';
import type { ResultRow } from './protocol';

/**
 * A row while it is inside the workers: it still carries what the model reads of the graph (not the
 * graph's copies of the row's name, SMILES, fields and atoms, which would travel twice).
 */
export type WorkerRow = ResultRow & { graph?: GraphInput };

export function resultToRow(result: MoleculeResult, id: number): WorkerRow {
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
    atomicNumbers: molecule.atomicNumbers,
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
 * A slice of rows on its way from the chemistry worker to the prediction worker. Structured clone
 * rebuilds the graphs' thousands of small arrays slowly on the receiving side, and that side runs
 * the model, the job's slowest step; JSON.parse builds the same arrays about ten times faster.
 * JSON keeps everything a row holds except non-finite numbers (which it writes as null), so a
 * slice whose text has a null anywhere goes as objects instead: rows themselves hold no nulls.
 */
export function packRows(rows: WorkerRow[]): WorkerRow[] | string {
  const json = JSON.stringify(rows);
  return json.includes('null') ? rows : json;
}

export function unpackRows(packed: WorkerRow[] | string): WorkerRow[] {
  return typeof packed === 'string' ? (JSON.parse(packed) as WorkerRow[]) : packed;
}
