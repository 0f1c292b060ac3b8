import { assertEncodableElements, domainWarnings } from './domain';
import { ChemError, MAX_ATOMS } from './errors';
import { rdkit, type RDKitMol } from './rdkit';
import type { MoleculeGraph } from './types';

/** One-hot slot of each encodable element (H, C, N, O, F). */
const ELEMENT_SLOT: Record<number, number> = { 1: 0, 6: 1, 7: 2, 8: 3, 9: 4 };

interface RdkitJsonAtom {
  z?: number;
  chg?: number;
  nRad?: number;
}
interface RdkitJsonBond {
  bo?: number;
  atoms: [number, number];
}
interface RdkitJsonMolecule {
  name?: string;
  atoms: RdkitJsonAtom[];
  bonds?: RdkitJsonBond[];
  conformers?: { dim: number; coords: number[][] }[];
  extensions?: { name: string; aromaticAtoms?: number[]; aromaticBonds?: number[] }[];
}
interface RdkitJson {
  defaults: { atom: Required<RdkitJsonAtom>; bond: { bo: number } };
  molecules: RdkitJsonMolecule[];
}

export interface RecordMeta {
  record: number;
  name: string;
  fields?: Record<string, string>;
}

export interface FeaturizeOptions {
  /** Keep a molblock with all hydrogens for depiction and export (costs ~30% of the time). */
  molblock?: boolean;
}

// RDKit.js exposes no hybridization API; these SMARTS primitives read RDKit's own perception,
// so sp/sp2/sp3 match RDKit exactly instead of re-deriving its conjugation rules.
const HYBRIDIZATION_SMARTS = ['[^1]', '[^2]', '[^3]'] as const;
let hybridizationQueries: RDKitMol[] | null = null;

function matchedAtoms(mol: RDKitMol, query: RDKitMol, atomCount: number): Set<number> {
  const json = mol.get_substruct_matches(query, JSON.stringify({ maxMatches: atomCount + 1 }));
  const matches = JSON.parse(json) as { atoms: number[] }[] | Record<string, never>;
  return new Set(Array.isArray(matches) ? matches.map((m) => m.atoms[0]) : []);
}

/**
 * Turns a sanitized RDKit molecule into the PyG QM9 graph: hydrogens made explicit (appended after
 * the input's atoms, as Chem.AddHs does), 11 node features, both-direction edges sorted by
 * src * N + dst, bond one-hot. Throws ChemError for what the model cannot encode.
 */
export function featurizeMol(
  mol: RDKitMol,
  meta: RecordMeta,
  options: FeaturizeOptions = {},
): MoleculeGraph {
  const R = rdkit();
  if (mol.get_num_atoms() === 0) throw new ChemError('no atoms');
  if (mol.get_num_atoms() > MAX_ATOMS) {
    throw new ChemError(
      `${mol.get_num_atoms()} atoms: the limit is ${MAX_ATOMS} atoms per molecule`,
    );
  }
  const smiles = canonicalSmiles(mol);
  mol.add_hs_in_place();
  const n = mol.get_num_atoms();
  if (n > MAX_ATOMS) {
    throw new ChemError(`${n} atoms with hydrogens: the limit is ${MAX_ATOMS} atoms per molecule`);
  }

  const json = JSON.parse(mol.get_json()) as RdkitJson;
  const m = json.molecules[0];
  const defaults = json.defaults;
  const atomicNumbers = m.atoms.map((a) => a.z ?? defaults.atom.z);
  assertEncodableElements(atomicNumbers);
  const charges = m.atoms.map((a) => a.chg ?? defaults.atom.chg);
  const radicals = m.atoms.map((a) => a.nRad ?? defaults.atom.nRad);
  const rep = m.extensions?.find((e) => e.name === 'rdkitRepresentation');
  const aromaticAtoms = new Set(rep?.aromaticAtoms ?? []);
  const aromaticBonds = new Set(rep?.aromaticBonds ?? []);

  hybridizationQueries ??= HYBRIDIZATION_SMARTS.map((s) => R.get_qmol(s)!);
  const [sp, sp2, sp3] = hybridizationQueries.map((q) => matchedAtoms(mol, q, n));

  const bonds = m.bonds ?? [];
  const hydrogenNeighbours = new Array<number>(n).fill(0);
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  type Edge = { src: number; dst: number; type: number };
  const edges: Edge[] = [];
  bonds.forEach((b, bi) => {
    const [a, c] = b.atoms;
    const type = aromaticBonds.has(bi) ? 3 : bondSlot(b.bo ?? defaults.bond.bo, a, c);
    edges.push({ src: a, dst: c, type }, { src: c, dst: a, type });
    if (atomicNumbers[c] === 1) hydrogenNeighbours[a]++;
    if (atomicNumbers[a] === 1) hydrogenNeighbours[c]++;
    parent[find(a)] = find(c);
  });
  edges.sort((p, q) => p.src * n + p.dst - (q.src * n + q.dst));

  const x = atomicNumbers.map((z, i) => {
    const row = [0, 0, 0, 0, 0, z, aromaticAtoms.has(i) ? 1 : 0, 0, 0, 0, hydrogenNeighbours[i]];
    row[ELEMENT_SLOT[z]] = 1;
    row[7] = sp.has(i) ? 1 : 0;
    row[8] = sp2.has(i) ? 1 : 0;
    row[9] = sp3.has(i) ? 1 : 0;
    return row;
  });
  const fragments = new Set(parent.map((_, i) => find(i))).size;
  const heavyAtoms = atomicNumbers.filter((z) => z !== 1).length;

  const graph: MoleculeGraph = {
    record: meta.record,
    name: meta.name,
    fields: meta.fields ?? {},
    smiles,
    formula: hillFormula(atomicNumbers),
    heavyAtoms,
    atomicNumbers,
    x,
    edgeIndex: [edges.map((e) => e.src), edges.map((e) => e.dst)],
    edgeAttr: edges.map((e) => oneHot(e.type, 4)),
    charges,
    warnings: domainWarnings({ heavyAtoms, charges, radicals, fragments }),
  };
  const coords = coordinates3d(m);
  if (coords) graph.coords = coords;
  if (options.molblock !== false) graph.molblock = mol.get_molblock();
  return graph;
}

function bondSlot(order: number, a: number, b: number): number {
  if (order >= 1 && order <= 3) return order - 1;
  throw new ChemError(
    `bond between atoms ${a + 1} and ${b + 1} has order ${order}, not single, double, triple or aromatic`,
  );
}

function oneHot(slot: number, size: number): number[] {
  const row = new Array<number>(size).fill(0);
  row[slot] = 1;
  return row;
}

function canonicalSmiles(mol: RDKitMol): string {
  // Explicit hydrogens from a molfile would otherwise show up as [H] atoms in the SMILES.
  const copy = mol.copy();
  if (!copy) return mol.get_smiles();
  try {
    copy.remove_hs_in_place();
    return copy.get_smiles();
  } finally {
    copy.delete();
  }
}

/** Coordinates only when they are real 3D ones: 2D drawings get a generated conformer later. */
function coordinates3d(m: RdkitJsonMolecule): number[][] | undefined {
  const conf = m.conformers?.find((c) => c.dim === 3);
  if (!conf || conf.coords.length !== m.atoms.length) return undefined;
  return conf.coords.some((c) => c[2] !== 0)
    ? conf.coords.map((c) => [c[0], c[1], c[2]])
    : undefined;
}

const SYMBOL: Record<number, string> = { 1: 'H', 6: 'C', 7: 'N', 8: 'O', 9: 'F' };

/** Hill order: C, then H, then the rest alphabetically. */
export function hillFormula(atomicNumbers: number[]): string {
  const counts = new Map<string, number>();
  for (const z of atomicNumbers) counts.set(SYMBOL[z], (counts.get(SYMBOL[z]) ?? 0) + 1);
  const order = counts.has('C')
    ? ['C', 'H', ...[...counts.keys()].filter((s) => s !== 'C' && s !== 'H').sort()]
    : [...counts.keys()].sort();
  return order
    .filter((s) => counts.has(s))
    .map((s) => `${s}${counts.get(s) === 1 ? '' : counts.get(s)}`)
    .join('');
}
