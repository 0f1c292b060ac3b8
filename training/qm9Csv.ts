import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { gunzipSync } from 'fflate';
import { TARGETS, type TargetKey } from '../src/model';
import { parseDelimited } from '../src/chem';

export const HARTREE_TO_EV = 27.211386;
/** QM9 columns stored in Hartree; the model and app use eV. */
export const HARTREE_COLUMNS: ReadonlySet<TargetKey> = new Set([
  'homo',
  'lumo',
  'gap',
  'zpve',
  'u0',
  'u298',
  'h298',
  'g298',
]);

export interface Qm9Record {
  /** 1-based line number in the CSV (header is line 1). */
  line: number;
  gdbIdx: number;
  smiles: string;
  uncharacterized: boolean;
  /** The 12 TARGETS values in TARGETS units (energies converted to eV). */
  targets: number[];
}

export function hartreeToEv(value: number): number {
  return value * HARTREE_TO_EV;
}

/** Splits one CSV line; handles double-quoted fields (SMILES never need them, other tools add them). */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  return parseDelimited(line, ',')[0] ?? [''];
}

/**
 * Parses the QM9 table: this project's qm9.csv (gdb_idx, uncharacterized columns) or DeepChem's
 * qm9.csv (mol_id "gdb_N", no uncharacterized column; pass the uncharacterized ids separately).
 */
export function parseQm9Csv(
  text: string,
  source: string,
  uncharacterizedIds?: ReadonlySet<number>,
): Qm9Record[] {
  const lines = text.split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '').map((h) => h.trim());
  const col = (name: string) => header.indexOf(name);
  const idCol = col('gdb_idx') >= 0 ? col('gdb_idx') : col('mol_id');
  const smilesCol = col('smiles');
  const uncCol = col('uncharacterized');
  const missing = [
    idCol < 0 ? 'gdb_idx (or mol_id)' : '',
    smilesCol < 0 ? 'smiles' : '',
    ...TARGETS.filter((t) => col(t.key) < 0).map((t) => t.key),
  ].filter(Boolean);
  if (missing.length) throw new Error(`${source}: header lacks column(s) ${missing.join(', ')}`);
  const targetCols = TARGETS.map((t) => col(t.key));
  const records: Qm9Record[] = [];
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i];
    if (raw.trim() === '') continue;
    const line = i + 1;
    const f = splitCsvLine(raw);
    if (f.length !== header.length)
      throw new Error(
        `${source}: line ${line} has ${f.length} fields, the header has ${header.length}`,
      );
    const idText = f[idCol].trim();
    const gdbIdx = Number(idText.startsWith('gdb_') ? idText.slice(4) : idText);
    if (!Number.isInteger(gdbIdx) || gdbIdx < 1)
      throw new Error(`${source}: line ${line}: bad molecule id "${idText}"`);
    const smiles = f[smilesCol].trim();
    if (!smiles) throw new Error(`${source}: line ${line} (gdb ${gdbIdx}): empty smiles`);
    const targets = TARGETS.map((t, k) => {
      const v = Number(f[targetCols[k]]);
      if (f[targetCols[k]].trim() === '' || !Number.isFinite(v)) {
        throw new Error(
          `${source}: line ${line} (gdb ${gdbIdx}): column ${t.key} is not a number ("${f[targetCols[k]]}")`,
        );
      }
      return HARTREE_COLUMNS.has(t.key) ? hartreeToEv(v) : v;
    });
    let uncharacterized = uncharacterizedIds?.has(gdbIdx) ?? false;
    if (uncCol >= 0) {
      const u = f[uncCol].trim();
      if (u !== '0' && u !== '1')
        throw new Error(`${source}: line ${line}: uncharacterized must be 0 or 1, got "${u}"`);
      uncharacterized = u === '1';
    }
    records.push({ line, gdbIdx, smiles, uncharacterized, targets });
  }
  return records;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Decompresses when the bytes are gzip (by magic number, not by file name). */
export function decodeMaybeGzip(bytes: Uint8Array): string {
  const data = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
  return new TextDecoder().decode(data);
}

export interface Qm9Table {
  file: string;
  sha256: string;
  records: Qm9Record[];
}

export async function readQm9Table(
  file: string,
  uncharacterizedIds?: ReadonlySet<number>,
): Promise<Qm9Table> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new Error(`cannot read QM9 table ${file}: ${(err as Error).message}`);
  }
  return {
    file,
    sha256: sha256Hex(bytes),
    records: parseQm9Csv(decodeMaybeGzip(bytes), file, uncharacterizedIds),
  };
}

/**
 * Downloads a QM9 csv (e.g. DeepChem's public qm9.csv) and keeps it only when its sha256 matches;
 * a table of unknown provenance must not silently become training data.
 */
export async function fetchQm9Table(
  url: string,
  expectedSha256: string,
  dest: string,
  fetchImpl: typeof fetch = fetch,
): Promise<string> {
  if (!/^[0-9a-f]{64}$/i.test(expectedSha256))
    throw new Error(`expected sha256 "${expectedSha256}" is not 64 hex digits`);
  const res = await fetchImpl(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const got = sha256Hex(bytes);
  if (got !== expectedSha256.toLowerCase())
    throw new Error(`${url}: sha256 ${got} does not match the expected ${expectedSha256}`);
  await writeFile(dest, bytes);
  return dest;
}

/** Reads uncharacterized_ids.txt (one gdb index per line). */
export function parseIdList(text: string, source: string): Set<number> {
  const ids = new Set<number>();
  text.split(/\r?\n/).forEach((l, i) => {
    const t = l.trim();
    if (!t) return;
    const n = Number(t);
    if (!Number.isInteger(n))
      throw new Error(`${source}: line ${i + 1}: "${t}" is not an integer id`);
    ids.add(n);
  });
  return ids;
}
