import { gunzipSync } from 'fflate';
import { ChemError, MAX_FILE_BYTES } from './errors';
import { FORMAT_BY_EXTENSION, GZIP_EXTENSION, type MoleculeFormat } from './extensions';
import { lazyRecords, type MoleculeRecords } from './formats/records';
import { sdfRecords } from './formats/sdf';
import { smilesLineRecords, tableRecords } from './formats/table';
import { xyzRecords } from './formats/xyz';
import type { FeaturizeOptions } from './featurize';
import { guardRecord } from './molecule';
import type { MoleculeResult } from './types';

function fileError(source: string, message: string): MoleculeRecords {
  return lazyRecords([message], () =>
    guardRecord(source, { record: 0, name: '' }, () => {
      throw new ChemError(message);
    }),
  );
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
  if (parts[parts.length - 1] === GZIP_EXTENSION) parts.pop();
  return parts.length > 1 ? FORMAT_BY_EXTENSION[parts[parts.length - 1]] : undefined;
}

/** Guesses the format of pasted text or a file without a known extension. */
export function sniffFormat(text: string): MoleculeFormat {
  if (/^M {2}END/m.test(text) || /V[23]000/.test(text)) return 'sdf';
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length >= 3 && /^\s*\d+\s*$/.test(lines[0])) return 'xyz';
  // Stryker disable next-line StringLiteral: with no lines, '' and Stryker's stand-in both lack "smiles"
  const first = lines[0] ?? '';
  if (/smiles/i.test(first) && first.includes(',')) return 'csv';
  if (/smiles/i.test(first) && first.includes('\t')) return 'tsv';
  return 'smiles';
}

function recordsAs(format: MoleculeFormat, text: string, options: ReadOptions): MoleculeRecords {
  switch (format) {
    case 'sdf':
      return sdfRecords(text, options);
    case 'xyz':
      return xyzRecords(text, options);
    case 'csv':
      return tableRecords(text, ',', options);
    case 'tsv':
      return tableRecords(text, '\t', options);
    case 'smiles':
      return smilesLineRecords(text, options);
  }
}

export type ReadOptions = FeaturizeOptions & { source?: string };

function orNoMolecules(records: MoleculeRecords, source: string): MoleculeRecords {
  return records.total > 0 ? records : fileError(source, 'no molecules found');
}

/**
 * A file opened for reading: decoded and split at once, each record parsed when iteration reaches
 * it (see MoleculeRecords). One bad record gives one error result, the others still parse.
 */
export function openMoleculeFile(
  fileName: string,
  bytes: Uint8Array,
  options: FeaturizeOptions = {},
): MoleculeRecords {
  const source = fileName;
  let text: string;
  try {
    text = decodeFile(fileName, bytes);
  } catch (e) {
    return fileError(source, e instanceof Error ? e.message : String(e));
  }
  if (text.trim() === '') return fileError(source, 'empty file');
  const format = formatOf(fileName) ?? sniffFormat(text);
  return orNoMolecules(recordsAs(format, text, { ...options, source }), source);
}

/** Every molecule of a file at once. */
export function readMoleculeFile(
  fileName: string,
  bytes: Uint8Array,
  options: FeaturizeOptions = {},
): MoleculeResult[] {
  return [...openMoleculeFile(fileName, bytes, options).results];
}

/** Pasted text opened for reading: SMILES lines, or a molfile / SD / XYZ block. */
export function openText(
  text: string,
  source = 'input',
  options: FeaturizeOptions = {},
): MoleculeRecords {
  const clean = text.replace(/\r\n?/g, '\n');
  if (clean.trim() === '') return fileError(source, 'nothing to read');
  return orNoMolecules(recordsAs(sniffFormat(clean), clean, { ...options, source }), source);
}

/** Every molecule of pasted text at once. */
export function parseText(
  text: string,
  source = 'input',
  options: FeaturizeOptions = {},
): MoleculeResult[] {
  return [...openText(text, source, options).results];
}
