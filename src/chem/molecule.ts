import { ChemError, MAX_HEAVY_ATOMS } from './errors';
import { featurizeMol, type FeaturizeOptions, type RecordMeta } from './featurize';
import { rdkit, type RDKitModule, type RDKitMol } from './rdkit';
import type { MoleculeError, MoleculeResult } from './types';

let log: ReturnType<RDKitModule['set_log_capture']> | null = null;

/**
 * RDKit's own words for why it rejected the input, said once: without timestamps, the repeated
 * "SMILES Parse Error" prefix, the echoed input or its caret line; RDKit's position (1-based) is
 * kept as "at position N" so the page can mark it under the text.
 */
function rdkitComplaint(input: string): string {
  const text = log?.get_buffer() ?? '';
  let position: string | undefined;
  const lines = text
    .split('\n')
    .map((l) =>
      l
        .replace(/^\[\d\d:\d\d:\d\d\]\s*/, '')
        .replace(/^SMILES Parse Error:\s*/, '')
        .replace(/\s+(while parsing|for input):.*$/, '')
        .trim(),
    )
    .filter((l) => {
      const at = /^check for mistakes around position (\d+):?$/.exec(l);
      if (at) position ??= at[1];
      return (
        !at && l && l !== input.trim() && !/^[~^ ]+$/.test(l) && !l.startsWith('Failed parsing')
      );
    });
  const why = [...new Set(lines)].slice(0, 3).join('; ');
  return position ? `${why || 'syntax error'} at position ${position}` : why;
}

/** Parses with RDKit (sanitizing, so aromaticity is RDKit's) and frees the molecule afterwards. */
export function withMol<T>(input: string, kind: 'SMILES' | 'molfile', fn: (mol: RDKitMol) => T): T {
  const R = rdkit();
  log ??= R.set_log_capture('rdApp.*');
  log?.clear_buffer();
  // Molfiles keep their explicit hydrogens so atom order and coordinates survive.
  const details = kind === 'molfile' ? { removeHs: false } : {};
  const mol = R.get_mol(input, JSON.stringify(details));
  if (!mol || !mol.is_valid()) {
    mol?.delete();
    const why = rdkitComplaint(input);
    throw new ChemError(`unreadable ${kind}${why ? `: ${why}` : ''}`);
  }
  try {
    return fn(mol);
  } finally {
    mol.delete();
  }
}

/** Any failure inside one record becomes an error result for that record only. */
export function guardRecord(
  source: string,
  meta: RecordMeta,
  build: () => MoleculeResult,
): MoleculeResult {
  try {
    return build();
  } catch (e) {
    const message =
      e instanceof ChemError
        ? e.message
        : `internal error: ${e instanceof Error ? e.message : String(e)}`;
    const error: MoleculeError = { record: meta.record, name: meta.name, source, message };
    if (e instanceof ChemError && e.smiles !== undefined) error.smiles = e.smiles;
    if (meta.fields && Object.keys(meta.fields).length > 0) error.fields = meta.fields;
    return { ok: false, source, error };
  }
}

export interface ParseOptions extends FeaturizeOptions {
  source?: string;
  record?: number;
  name?: string;
  fields?: Record<string, string>;
}

function metaOf(options: ParseOptions): { source: string; meta: RecordMeta } {
  return {
    source: options.source ?? 'input',
    meta: { record: options.record ?? 1, name: options.name ?? '', fields: options.fields },
  };
}

/** Heavy atoms a SMILES writes (bracket atoms, organic-subset atoms), counted without parsing. */
export function countSmilesAtoms(smiles: string): number {
  const bracket = smiles.match(/\[[^\]]*\]/g)?.length ?? 0;
  const organic = smiles.replace(/\[[^\]]*\]/g, '').match(/[A-Z]|[bcnops]/g)?.length ?? 0;
  return bracket + organic;
}

export function assertHeavyAtomLimit(count: number): void {
  if (count > MAX_HEAVY_ATOMS) {
    throw new ChemError(
      `${count} heavy atoms: the limit is ${MAX_HEAVY_ATOMS} heavy atoms per molecule`,
    );
  }
}

export function parseSmiles(smiles: string, options: ParseOptions = {}): MoleculeResult {
  const { source, meta } = metaOf(options);
  return guardRecord(source, meta, () => {
    const text = smiles.trim();
    if (!text) throw new ChemError('empty SMILES');
    if (/[\r\n]/.test(text)) throw new ChemError('a SMILES must be a single line');
    assertHeavyAtomLimit(countSmilesAtoms(text));
    const molecule = withMol(text, 'SMILES', (mol) => featurizeMol(mol, meta, options));
    return { ok: true, source, molecule };
  });
}

export function parseMolblock(molblock: string, options: ParseOptions = {}): MoleculeResult {
  const { source, meta } = metaOf(options);
  return guardRecord(source, meta, () => {
    if (!/^M {2}END\s*$/m.test(molblock))
      throw new ChemError('truncated molfile: no "M  END" line');
    const molecule = withMol(molblock, 'molfile', (mol) => featurizeMol(mol, meta, options));
    return { ok: true, source, molecule };
  });
}
