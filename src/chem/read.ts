import { gunzipSync } from 'fflate';
import { ChemError, MAX_FILE_BYTES } from './errors';
import { parseSdf } from './formats/sdf';
import { parseSmilesLines, parseTable } from './formats/table';
import { parseXyz } from './formats/xyz';
import type { FeaturizeOptions } from './featurize';
import { guardRecord } from './molecule';
import type { MoleculeResult } from './types';

export type MoleculeFormat = 'sdf' | 'xyz' | 'csv' | 'tsv' | 'smiles';

const EXTENSIONS: Record<string, MoleculeFormat> = {
  sdf: 'sdf',
  sd: 'sdf',
  mol: 'sdf',
  mdl: 'sdf',
  xyz: 'xyz',
  csv: 'csv',
  tsv: 'tsv',
  smi: 'smiles',
  smiles: 'smiles',
  txt: 'smiles',
};

export const SUPPORTED_EXTENSIONS = Object.keys(EXTENSIONS);

function fileError(source: string, message: string): MoleculeResult[] {
  return [
    guardRecord(source, { record: 0, name: '' }, () => {
      throw new ChemError(message);
    }),
  ];
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Text of a file, gunzipped when needed; refuses binaries and files above MAX_FILE_BYTES. */
export function decodeFile(fileName: string, bytes: Uint8Array): string {
  let data = bytes;
  if (isGzip(data)) {
    try {
      data = gunzipSync(data);
    } catch (e) {
      throw new ChemError(`corrupt gzip data (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  if (data.length > MAX_FILE_BYTES) {
    throw new ChemError(
      `${data.length} bytes: files are limited to ${MAX_FILE_BYTES / 2 ** 20} MiB (${MAX_FILE_BYTES} bytes)`,
    );
  }
  if (data.length === 0) throw new ChemError('empty file');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    throw new ChemError('not a text file (invalid UTF-8): is it a molecule file?');
  }
  if (text.includes('\0'))
    throw new ChemError('not a text file (binary data): is it a molecule file?');
  // Windows and old Mac line endings, and a byte-order mark.
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

export function formatOf(fileName: string): MoleculeFormat | undefined {
  const parts = fileName.toLowerCase().split('.');
  if (parts[parts.length - 1] === 'gz') parts.pop();
  return parts.length > 1 ? EXTENSIONS[parts[parts.length - 1]] : undefined;
}

/** Guesses the format of pasted text or a file without a known extension. */
export function sniffFormat(text: string): MoleculeFormat {
  if (/^M {2}END/m.test(text) || /V[23]000/.test(text)) return 'sdf';
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length >= 3 && /^\s*\d+\s*$/.test(lines[0])) return 'xyz';
  const first = lines[0] ?? '';
  if (/smiles/i.test(first) && first.includes(',')) return 'csv';
  if (/smiles/i.test(first) && first.includes('\t')) return 'tsv';
  return 'smiles';
}

function parseAs(format: MoleculeFormat, text: string, options: ReadOptions): MoleculeResult[] {
  switch (format) {
    case 'sdf':
      return parseSdf(text, options);
    case 'xyz':
      return parseXyz(text, options);
    case 'csv':
      return parseTable(text, ',', options);
    case 'tsv':
      return parseTable(text, '\t', options);
    case 'smiles':
      return parseSmilesLines(text, options);
  }
}

export type ReadOptions = FeaturizeOptions & { source?: string };

/** Every molecule of a file; one bad record gives one error result, the others still parse. */
export function readMoleculeFile(
  fileName: string,
  bytes: Uint8Array,
  options: FeaturizeOptions = {},
): MoleculeResult[] {
  const source = fileName;
  let text: string;
  try {
    text = decodeFile(fileName, bytes);
  } catch (e) {
    return fileError(source, e instanceof Error ? e.message : String(e));
  }
  if (text.trim() === '') return fileError(source, 'empty file');
  const format = formatOf(fileName) ?? sniffFormat(text);
  const results = parseAs(format, text, { ...options, source });
  return results.length > 0 ? results : fileError(source, 'no molecules found');
}

/** Pasted text: SMILES lines, or a molfile / SD / XYZ block. */
export function parseText(
  text: string,
  source = 'input',
  options: FeaturizeOptions = {},
): MoleculeResult[] {
  const clean = text.replace(/\r\n?/g, '\n');
  if (clean.trim() === '') return fileError(source, 'nothing to read');
  const results = parseAs(sniffFormat(clean), clean, { ...options, source });
  return results.length > 0 ? results : fileError(source, 'no molecules found');
}
