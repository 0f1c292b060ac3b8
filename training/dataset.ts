import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { initChem, parseSmiles } from '../src/chem';
import type { GraphInput } from '../src/model';
import { deserializePacked, packGraphs, serializePacked, type PackedGraphs } from './packed';
import { readQm9Table, type Qm9Record } from './qm9Csv';
import { splitOf, type SplitName } from './split';

export interface FeaturizationError {
  line: number;
  gdbIdx: number;
  smiles: string;
  message: string;
}

export interface Qm9Dataset {
  file: string;
  sha256: string;
  rows: number;
  characterizedRows: number;
  packed: PackedGraphs;
  errors: FeaturizationError[];
  split: Record<SplitName, Int32Array>;
}

/** Featurizes records with the chemistry core (the project's only featurizer). */
export async function featurizeRecords(
  records: Qm9Record[],
  source: string,
  onProgress?: (done: number, total: number) => void,
): Promise<{ packed: PackedGraphs; errors: FeaturizationError[] }> {
  await initChem();
  const graphs: GraphInput[] = [];
  const ids: number[] = [];
  const targets: number[][] = [];
  const errors: FeaturizationError[] = [];
  records.forEach((r, i) => {
    const res = parseSmiles(r.smiles, {
      source,
      record: r.line,
      name: `gdb_${r.gdbIdx}`,
      molblock: false,
    });
    if (res.ok) {
      graphs.push(res.molecule);
      ids.push(r.gdbIdx);
      targets.push(r.targets);
    } else {
      errors.push({ line: r.line, gdbIdx: r.gdbIdx, smiles: r.smiles, message: res.error.message });
    }
    if (onProgress && (i % 2000 === 0 || i === records.length - 1))
      onProgress(i + 1, records.length);
  });
  return { packed: packGraphs(graphs, ids, targets), errors };
}

/** Hash of the chemistry core's sources: a featurizer change invalidates the cache. */
async function featurizerFingerprint(): Promise<string> {
  const dir = path.resolve(import.meta.dirname, '../src/chem');
  const h = createHash('sha256');
  const files = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.ts')).sort();
  for (const f of files) h.update(f).update(await readFile(path.join(dir, f)));
  return h.digest('hex').slice(0, 16);
}

export function splitIndices(packed: PackedGraphs): Record<SplitName, Int32Array> {
  const lists: Record<SplitName, number[]> = { train: [], validation: [], test: [] };
  for (let i = 0; i < packed.count; i++) lists[splitOf(packed.gdbIdx[i])].push(i);
  return {
    train: Int32Array.from(lists.train),
    validation: Int32Array.from(lists.validation),
    test: Int32Array.from(lists.test),
  };
}

/**
 * Loads the QM9 table, keeps characterized molecules, featurizes them (cached under cacheDir by
 * data checksum and featurizer fingerprint) and applies the fixed split.
 */
export async function loadQm9Dataset(
  file: string,
  cacheDir: string | null,
  log: (msg: string) => void = () => {},
): Promise<Qm9Dataset> {
  const table = await readQm9Table(file);
  const characterized = table.records.filter((r) => !r.uncharacterized);
  const fingerprint = await featurizerFingerprint();
  const cacheFile = cacheDir
    ? path.join(cacheDir, `qm9-${table.sha256.slice(0, 16)}-${fingerprint}.bin`)
    : null;
  let packed: PackedGraphs | null = null;
  let errors: FeaturizationError[] = [];
  if (cacheFile) {
    try {
      const cached = deserializePacked(await readFile(cacheFile));
      packed = cached.packed;
      errors = cached.meta.errors as FeaturizationError[];
      log(`featurized molecules from cache ${cacheFile}`);
    } catch {
      packed = null;
    }
  }
  if (!packed) {
    const t0 = Date.now();
    const res = await featurizeRecords(characterized, file, (d, n) => log(`featurizing ${d}/${n}`));
    packed = res.packed;
    errors = res.errors;
    log(
      `featurized ${packed.count} molecules in ${((Date.now() - t0) / 1000).toFixed(1)} s, ${errors.length} errors`,
    );
    if (cacheFile) {
      await mkdir(path.dirname(cacheFile), { recursive: true });
      await writeFile(
        cacheFile,
        serializePacked(packed, { errors, sha256: table.sha256, fingerprint }),
      );
    }
  }
  return {
    file,
    sha256: table.sha256,
    rows: table.records.length,
    characterizedRows: characterized.length,
    packed,
    errors,
    split: splitIndices(packed),
  };
}
