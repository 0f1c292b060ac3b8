/** Element symbols the QM9 model can encode, in the order of the one-hot node feature. */
export const QM9_ELEMENTS = ['H', 'C', 'N', 'O', 'F'] as const;
export type Qm9Element = (typeof QM9_ELEMENTS)[number];

const SYMBOLS =
  `H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr
Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb Lu Hf Ta W Re
Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No Lr Rf Db Sg Bh Hs Mt Ds Rg Cn Nh Fl
Mc Lv Ts Og`.split(/\s+/);

export function elementSymbol(z: number): string {
  return z === 0 ? '*' : (SYMBOLS[z - 1] ?? `Z=${z}`);
}

/** Names of the 11 node features, in PyTorch Geometric's QM9 order. */
export const NODE_FEATURE_NAMES = [
  'is_H',
  'is_C',
  'is_N',
  'is_O',
  'is_F',
  'atomic_number',
  'aromatic',
  'sp',
  'sp2',
  'sp3',
  'num_h',
] as const;
export const NUM_NODE_FEATURES = NODE_FEATURE_NAMES.length;

/** Bond classes of the edge one-hot, in PyG's order. */
export const BOND_TYPES = ['single', 'double', 'triple', 'aromatic'] as const;
export type BondType = (typeof BOND_TYPES)[number];

export interface DomainWarning {
  code: 'too-many-heavy-atoms' | 'too-few-heavy-atoms' | 'charged' | 'radical' | 'fragments';
  message: string;
}

/** One featurized molecule: the explicit-hydrogen graph exactly as PyG's QM9 builds it. */
export interface MoleculeGraph {
  /** 1-based record number inside its source (line or SDF record). */
  record: number;
  /** Name or id from the input (SDF title, CSV name/id column, XYZ comment). */
  name: string;
  /** Other fields carried by the input (SDF data fields, extra CSV columns). */
  fields: Record<string, string>;
  /** RDKit canonical SMILES, hydrogens implicit. */
  smiles: string;
  /** Hill-order formula, e.g. C9H8O4. */
  formula: string;
  heavyAtoms: number;
  /** Atomic numbers, one per node (hydrogens included). */
  atomicNumbers: number[];
  /** N x 11 node features (see NODE_FEATURE_NAMES). */
  x: number[][];
  /** 2 x E, both directions, sorted by src * N + dst. */
  edgeIndex: [number[], number[]];
  /** E x 4 one-hot bond type (see BOND_TYPES), aligned with edgeIndex. */
  edgeAttr: number[][];
  /** Formal charge per atom. */
  charges: number[];
  /** N x 3 coordinates in Angstrom when the input had them (molfile or XYZ). */
  coords?: number[][];
  /** Molblock with all hydrogens, for depiction and export (absent when featurized without). */
  molblock?: string;
  /** Applicability-domain warnings: the molecule lies outside QM9. Empty when inside. */
  warnings: DomainWarning[];
}

/** A record that could not be featurized; reported, never dropped. */
export interface MoleculeError {
  record: number;
  name: string;
  /** Source file name (or "input" for pasted text). */
  source: string;
  message: string;
  /** RDKit's SMILES when the record was readable but cannot be predicted (element outside QM9). */
  smiles?: string;
  /** The record's own data (SDF data fields, extra CSV columns), kept so exports keep them. */
  fields?: Record<string, string>;
}

export type MoleculeResult =
  | { ok: true; source: string; molecule: MoleculeGraph }
  | { ok: false; source: string; error: MoleculeError };
