// Exports are the user's file back with predictions added: one entry per input record, in input
// order, the user's own fields under their own names, then what the page found out.
import { TARGETS, type TargetKey } from '../model/contracts';
import { domainVerdict, extrapolationReasons, readingOf } from './reading';
import type { ResultRow } from './worker/protocol';

/** Column names carry the unit so a spreadsheet reader never has to guess it. */
export function unitSuffix(unit: string): string {
  return unit.replace('³', '3').replace('²', '2').replace('·', '*');
}

type Cell = string | number | undefined;

function csvCell(value: Cell): string {
  if (value === undefined) return '';
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The user's field names over all rows, in the order they first appear. */
function userFieldNames(rows: ResultRow[]): string[] {
  const names = new Set<string>();
  for (const row of rows) for (const name of Object.keys(row.fields ?? {})) names.add(name);
  return [...names];
}

interface Column {
  name: string;
  cell: (row: ResultRow) => Cell;
}

/** What the page adds to each record; named so a user's field of the same name is never lost. */
function addedColumns(): Column[] {
  const perTarget = (key: TargetKey, unit: string): Column[] => {
    const u = unitSuffix(unit);
    // Extrapolations get a value but no interval or std: a ceiling is not an uncertainty.
    return [
      { name: `${key} [${u}]`, cell: (row) => readingOf(row, key).value },
      { name: `${key}_lo90 [${u}]`, cell: (row) => readingOf(row, key).interval?.[0] },
      { name: `${key}_hi90 [${u}]`, cell: (row) => readingOf(row, key).interval?.[1] },
      {
        name: `${key}_std [${u}]`,
        cell: (row) => (readingOf(row, key).extrapolated ? undefined : row.prediction?.std[key]),
      },
    ];
  };
  return [
    { name: 'source', cell: (row) => row.source },
    { name: 'record', cell: (row) => row.record },
    { name: 'name', cell: (row) => row.name },
    { name: 'smiles', cell: (row) => row.smiles },
    { name: 'formula', cell: (row) => row.formula },
    { name: 'status', cell: (row) => row.status },
    { name: 'domain', cell: (row) => domainVerdict(row) },
    { name: 'domain_reasons', cell: (row) => extrapolationReasons(row).join('; ') },
    { name: 'error', cell: (row) => (row.status === 'error' ? row.message : undefined) },
    ...TARGETS.flatMap((t) => perTarget(t.key, t.unit)),
  ];
}

/** The user's fields first, under their own names; the page's columns renamed if they clash. */
function exportColumns(rows: ResultRow[]): Column[] {
  const user = userFieldNames(rows);
  const taken = new Set(user);
  const own = addedColumns().map((c) =>
    taken.has(c.name) ? { ...c, name: `${c.name} (predictor)` } : c,
  );
  return [...user.map((name) => ({ name, cell: (row: ResultRow) => row.fields?.[name] })), ...own];
}

/** Every row, errors included: the CSV is the complete account of what was read. */
export function rowsToCsv(rows: ResultRow[]): string {
  const columns = exportColumns(rows);
  const lines = [columns.map((c) => csvCell(c.name)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvCell(c.cell(row))).join(','));
  return lines.join('\r\n') + '\r\n';
}

function sdfField(name: string, value: Cell): string {
  if (value === undefined || value === '') return '';
  return `> <${name}>\n${value}\n\n`;
}

/** A connection table without atoms: a record that could not be read keeps its place and fields. */
const EMPTY_MOLBLOCK = '\n  qm9-predictor\n\n  0  0  0  0  0  0  0  0  0  0999 V2000\nM  END\n';

/**
 * One SD record per row, errors included (with an empty structure). `fallbackMolblock` supplies a
 * structure for rows read without one (SMILES input, molecules the model refused).
 */
export function rowsToSdf(
  rows: ResultRow[],
  fallbackMolblock: (row: ResultRow) => string | undefined = () => undefined,
): string {
  const columns = exportColumns(rows);
  const records: string[] = [];
  for (const row of rows) {
    const source =
      (row.status === 'error' ? undefined : row.molblock) ??
      fallbackMolblock(row) ??
      EMPTY_MOLBLOCK;
    const molblock = source.replace(/\r\n/g, '\n').replace(/\n*$/, '\n');
    const [, ...rest] = molblock.split('\n');
    const title = (row.name || row.smiles || `record ${row.record}`).split('\n')[0];
    let record = [title, ...rest].join('\n');
    for (const column of columns) record += sdfField(column.name, column.cell(row));
    records.push(`${record}$$$$\n`);
  }
  return records.join('');
}

export function downloadText(fileName: string, text: string, mime: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
