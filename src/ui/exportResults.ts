import { TARGETS } from '../model/types';
import type { ResultRow } from './worker/protocol';

/** Column names carry the unit so a spreadsheet reader never has to guess it. */
function unitSuffix(unit: string): string {
  return unit.replace('³', '3').replace('²', '2').replace('·', '*');
}

function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function statusMessage(row: ResultRow): string {
  if (row.status === 'error') return row.message ?? 'error';
  return row.warnings.map((w) => w.message).join('; ');
}

/** Every row, errors included: the CSV is the complete account of what was read. */
export function rowsToCsv(rows: ResultRow[]): string {
  const header = [
    'source',
    'record',
    'name',
    'smiles',
    'formula',
    'status',
    'message',
    ...TARGETS.flatMap((t) => [
      `${t.key} [${unitSuffix(t.unit)}]`,
      `${t.key}_std [${unitSuffix(t.unit)}]`,
    ]),
  ];
  const lines = [header.map(csvCell).join(',')];
  for (const row of rows) {
    const cells: (string | number | undefined)[] = [
      row.source,
      row.record,
      row.name,
      row.smiles,
      row.formula,
      row.status,
      statusMessage(row),
      ...TARGETS.flatMap((t) => [row.prediction?.values[t.key], row.prediction?.std[t.key]]),
    ];
    lines.push(cells.map(csvCell).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

function sdfField(name: string, value: string | number | undefined): string {
  if (value === undefined || value === '') return '';
  return `> <${name}>\n${value}\n\n`;
}

/**
 * Molecules with their predictions as SDF data fields; records that failed have no structure to write.
 * `fallbackMolblock` supplies a structure for rows read without one (SMILES input).
 */
export function rowsToSdf(
  rows: ResultRow[],
  fallbackMolblock: (row: ResultRow) => string | undefined = () => undefined,
): string {
  const records: string[] = [];
  for (const row of rows) {
    const source = row.status === 'error' ? undefined : (row.molblock ?? fallbackMolblock(row));
    if (!source) continue;
    const molblock = source.replace(/\r\n/g, '\n').replace(/\n*$/, '\n');
    const [, ...rest] = molblock.split('\n');
    let record = [row.name || row.smiles || `record ${row.record}`, ...rest].join('\n');
    record += sdfField('source', row.source);
    record += sdfField('record', row.record);
    record += sdfField('smiles', row.smiles);
    record += sdfField('status', row.status);
    record += sdfField('warnings', row.warnings.map((w) => w.message).join('; '));
    for (const t of TARGETS) {
      record += sdfField(`${t.key} [${unitSuffix(t.unit)}]`, row.prediction?.values[t.key]);
      record += sdfField(`${t.key}_std [${unitSuffix(t.unit)}]`, row.prediction?.std[t.key]);
    }
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
