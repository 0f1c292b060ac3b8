import { ChemError } from '../errors';
import { guardRecord, parseSmiles, type ParseOptions } from '../molecule';
import { lazyRecords, type MoleculeRecords } from './records';

/** RFC 4180 rows: quoted fields may hold the delimiter, quotes ("") and newlines. */
export function parseDelimited(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f.trim() !== ''));
}

const NAME_COLUMNS = ['name', 'title', 'id', 'mol_id', 'molecule', 'compound', 'gdb_idx', 'cid'];

function findSmilesColumn(header: string[]): number {
  const lower = header.map((h) => h.trim().toLowerCase());
  const exact = lower.findIndex((h) => h === 'smiles' || h === 'canonical_smiles');
  return exact >= 0 ? exact : lower.findIndex((h) => h.includes('smiles'));
}

/** CSV/TSV with a header: SMILES column found by name, name/id kept, other columns kept as fields. */
export function tableRecords(
  text: string,
  delimiter: string,
  options: ParseOptions = {},
): MoleculeRecords {
  const source = options.source ?? 'input';
  const rows = parseDelimited(text, delimiter);
  if (rows.length === 0) return tableError(source, 'empty table');
  const header = rows[0].map((h) => h.trim());
  const smilesCol = findSmilesColumn(header);
  if (smilesCol < 0) {
    return tableError(source, `no SMILES column in header (${header.slice(0, 8).join(', ')})`);
  }
  const lower = header.map((h) => h.toLowerCase());
  const nameCol =
    NAME_COLUMNS.map((n) => lower.indexOf(n)).find((i) => i >= 0 && i !== smilesCol) ?? -1;
  // Record numbers count data rows from 1, matching what a spreadsheet shows below the header.
  return lazyRecords(rows.slice(1), (row, i) => {
    const record = i + 1;
    const name = nameCol >= 0 ? (row[nameCol] ?? '').trim() : '';
    const fields: Record<string, string> = {};
    header.forEach((h, c) => {
      if (c !== smilesCol && h) fields[h] = row[c] ?? '';
    });
    return guardRecord(source, { record, name, fields }, () => {
      if (row.length !== header.length) {
        throw new ChemError(`row has ${row.length} columns, the header has ${header.length}`);
      }
      return parseSmiles(row[smilesCol], { ...options, source, record, name, fields });
    });
  });
}

function tableError(source: string, message: string): MoleculeRecords {
  return lazyRecords([message], () =>
    guardRecord(source, { record: 0, name: '' }, () => {
      throw new ChemError(message);
    }),
  );
}

/** .smi/.txt: one molecule a line, "SMILES [name]"; blank lines and # comments skipped. */
export function smilesLineRecords(text: string, options: ParseOptions = {}): MoleculeRecords {
  const source = options.source ?? 'input';
  const lines = text
    .split('\n')
    .map((line, i) => ({ text: line.trim(), record: i + 1 }))
    .filter((line) => line.text !== '' && !line.text.startsWith('#'));
  return lazyRecords(lines, (line) => {
    const [smiles, ...rest] = line.text.split(/\s+/);
    return parseSmiles(smiles, { ...options, source, record: line.record, name: rest.join(' ') });
  });
}
