// The featurizer on inputs the SMILES parity fixture cannot hold: molfiles with their own atom and
// bond order, 3D coordinates, the atom limits, bond orders the model cannot encode, Hill formulas.
// Expected features were computed by Debian's python3-rdkit with scripts/rdkit_featurize.py
// (featurize_mol on Chem.MolFromMolBlock(..., removeHs=False)) and written in here.
import { describe, expect, it } from 'vitest';
import { loadChemBeforeAll } from '../helpers/loadChem';
import { hillFormula, parseMolblock, parseSmiles } from '../../src/chem';
import type { MoleculeGraph, MoleculeResult } from '../../src/chem';
import { rdkit } from '../../src/chem/rdkit';

loadChemBeforeAll();

const ok = (r: MoleculeResult): MoleculeGraph => {
  if (!r.ok) throw new Error(r.error.message);
  return r.molecule;
};
const message = (r: MoleculeResult): string => (r.ok ? 'no error' : r.error.message);
const bondTypes = (m: MoleculeGraph) => m.edgeAttr.map((row) => row.indexOf(1));

/** Methanol, written with its hydrogens first and most bonds starting at a hydrogen. */
const methanol = (header: string, zs: [number, number]) => `methanol, hydrogens first
${header}

  6  5  0  0  0  0  0  0  0  0999 V2000
   -0.3600    1.0300    0.0000 H   0  0  0  0  0  0  0  0  0  0  0  0
   -0.3600   -0.5100    ${zs[0].toFixed(4)} H   0  0  0  0  0  0  0  0  0  0  0  0
    1.4300    0.0000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0
    1.7500    0.9000    0.0000 H   0  0  0  0  0  0  0  0  0  0  0  0
    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0
   -0.3600   -0.5100    ${zs[1].toFixed(4)} H   0  0  0  0  0  0  0  0  0  0  0  0
  1  5  1  0
  2  5  1  0
  4  3  1  0
  3  5  1  0
  6  5  1  0
M  END
`;
const METHANOL_3D = methanol('  handwritten', [0.89, -0.89]);
/** The header's dimension code (columns 21-22) says 3D, but every z is 0. */
const METHANOL_FLAT_3D = methanol('  handwrit01012612003D', [0, 0]);

describe('a molfile keeps its atom order', () => {
  it('node features and both-direction edges as RDKit gives them', () => {
    const m = ok(parseMolblock(METHANOL_3D));
    const H = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0];
    expect(m.x).toEqual([
      H,
      H,
      [0, 0, 0, 1, 0, 8, 0, 0, 0, 1, 1],
      H,
      [0, 1, 0, 0, 0, 6, 0, 0, 0, 1, 3],
      H,
    ]);
    expect(m.edgeIndex).toEqual([
      [0, 1, 2, 2, 3, 4, 4, 4, 4, 5],
      [4, 4, 3, 4, 2, 0, 1, 2, 5, 4],
    ]);
    expect(bondTypes(m)).toEqual(new Array(10).fill(0));
    expect(m.smiles).toBe('CO'); // explicit hydrogens do not show up as [H]
    expect(m.formula).toBe('CH4O');
    expect(m.heavyAtoms).toBe(2);
    expect(m.charges).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('3D coordinates come with it, and a molblock by default', () => {
    const m = ok(parseMolblock(METHANOL_3D));
    expect(m.coords).toHaveLength(6);
    expect(m.coords?.[4]).toEqual([0, 0, 0]);
    expect(m.coords?.[1]).toEqual([-0.36, -0.51, 0.89]);
    expect(m.molblock).toMatch(/^\s+6\s+5\s.*V2000$/m);
    expect(ok(parseMolblock(METHANOL_3D, { molblock: false }))).not.toHaveProperty('molblock');
  });

  it('a drawing marked 3D with every z at 0 has no coordinates worth keeping', () => {
    const m = ok(parseMolblock(METHANOL_FLAT_3D));
    expect(m).not.toHaveProperty('coords');
    expect(m.x).toEqual(ok(parseMolblock(METHANOL_3D)).x);
  });

  it('heavy atoms drawn in 3D get hydrogens with coordinates too', () => {
    const heavyOnly = `formaldehyde
  handwritten

  2  1  0  0  0  0  0  0  0  0999 V2000
    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0
    1.2000    0.0000    0.1000 O   0  0  0  0  0  0  0  0  0  0  0  0
  1  2  2  0
M  END
`;
    const m = ok(parseMolblock(heavyOnly));
    expect(m.atomicNumbers).toEqual([6, 8, 1, 1]);
    expect(m.coords).toHaveLength(4);
    expect(m.molblock).toMatch(/^\s+4\s+3\s.*V2000$/m);
  });
});

describe('SMILES input', () => {
  it('no coordinates and no molblock unless asked for; with molblock: true, all hydrogens', () => {
    const plain = ok(parseSmiles('CO'));
    expect(plain).not.toHaveProperty('coords');
    expect(plain).not.toHaveProperty('molblock');
    const drawn = ok(parseSmiles('CO', { molblock: true }));
    expect(drawn.molblock).toMatch(/^\s+6\s+5\s.*V2000$/m);
    expect(drawn.x).toEqual(plain.x);
  });

  it.each([
    // python3-rdkit: N#N and [C-]#[O+] are sp on both atoms, each of degree one
    ['N#N', [0, 0, 1, 0, 0, 7, 0, 1, 0, 0, 0], [0, 0, 1, 0, 0, 7, 0, 1, 0, 0, 0]],
    ['[C-]#[O+]', [0, 1, 0, 0, 0, 6, 0, 1, 0, 0, 0], [0, 0, 0, 1, 0, 8, 0, 1, 0, 0, 0]],
  ])('%s: sp atoms with a single neighbour', (smiles, first, second) => {
    const m = ok(parseSmiles(smiles));
    expect(m.x).toEqual([first, second]);
    expect(m.edgeIndex).toEqual([
      [0, 1],
      [1, 0],
    ]);
    expect(bondTypes(m)).toEqual([2, 2]);
  });

  // The featurizer asks RDKit for sp2 and derives sp and sp3 from the bonds of neutral molecules
  // without radicals (RDKit's queries otherwise, the sp one only when an atom needs it); asking
  // RDKit.js for every flag of every atom must give the same columns. Every QM9 molecule was checked
  // the same way once. A bridging [H+] (two neighbours) is sp in RDKit.js.
  it.each([
    'C[H+]C',
    'N#N',
    'CC#CC',
    'C=C=C',
    'C=C=O',
    'O=C=O',
    'c1ccccc1O',
    'CC',
    'CC(N)=O',
    'c1cc[nH]c1',
    'O',
    'C[H]',
    '[CH3-]',
    '[CH3+]',
    '[CH2]',
    'C[N+](=O)[O-]',
  ])('%s: sp, sp2, sp3 as RDKit says', (smiles) => {
    const R = rdkit();
    const mol = R.get_mol(smiles)!;
    const flags = [1, 2, 3].map((k) => {
      const query = R.get_qmol(`[^${k}]`)!;
      const matches = JSON.parse(mol.get_substruct_matches(query)) as
        { atoms: number[] }[] | object;
      query.delete();
      const set = new Set(Array.isArray(matches) ? matches.map((m) => m.atoms[0]) : []);
      return Array.from({ length: mol.get_num_atoms() }, (_, i) => (set.has(i) ? 1 : 0));
    });
    const heavy = mol.get_num_atoms();
    mol.delete();
    const x = ok(parseSmiles(smiles)).x;
    for (let i = 0; i < heavy; i++) expect(x[i].slice(7, 10)).toEqual(flags.map((f) => f[i]));
  });

  it('each graph has its own bond one-hot rows', () => {
    const first = ok(parseSmiles('CC'));
    first.edgeAttr[0][0] = 7;
    expect(ok(parseSmiles('CC')).edgeAttr[0]).toEqual([1, 0, 0, 0]);
  });

  it.each([
    ['C~C', 0],
    ['C$C', 4],
    ['C->O', 17],
  ])('%s: a bond of RDKit order %s is refused', (smiles, order) => {
    expect(message(parseSmiles(smiles))).toBe(
      `bond between atoms 1 and 2 has order ${order}, not single, double, triple or aromatic`,
    );
  });
});

describe('atom limits (1000 atoms, hydrogens included)', () => {
  const methanes = (n: number) => Array.from({ length: n }, () => 'C').join('.');

  it('200 methanes (1000 atoms) are featurized, 199 and a methanol (1001) are not', () => {
    const m = ok(parseSmiles(methanes(200)));
    expect(m.atomicNumbers).toHaveLength(1000);
    expect(m.formula).toBe('C200H800');
    expect(m.warnings.map((w) => w.message)).toEqual([
      '200 heavy atoms: QM9 molecules have at most 9',
      '200 disconnected fragments: QM9 molecules are single connected molecules',
    ]);
    expect(message(parseSmiles(`${methanes(199)}.CO`))).toBe(
      '1001 atoms with hydrogens: the limit is 1000 atoms per molecule',
    );
  });

  /** n methanes with explicit hydrogens in one V3000 molfile, plus `extra` lone hydrogens. */
  const explicitMethanes = (n: number, extra = 0) => {
    const atoms: string[] = [];
    const bonds: string[] = [];
    for (let k = 0; k < n; k++) {
      const c = atoms.length + 1;
      atoms.push(`M  V30 ${c} C ${3 * k} 0 0 0`);
      for (const [dx, dy] of [
        [1, 0],
        [-1, 0],
        [0, 1],
        [0, -1],
      ]) {
        atoms.push(`M  V30 ${atoms.length + 1} H ${3 * k + dx} ${dy} 0 0`);
        bonds.push(`M  V30 ${bonds.length + 1} 1 ${c} ${atoms.length}`);
      }
    }
    for (let k = 0; k < extra; k++) atoms.push(`M  V30 ${atoms.length + 1} H ${3 * k} 5 0 0`);
    return [
      'methanes',
      '  handwritten',
      '',
      '  0  0  0     0  0            999 V3000',
      'M  V30 BEGIN CTAB',
      `M  V30 COUNTS ${atoms.length} ${bonds.length} 0 0 0`,
      'M  V30 BEGIN ATOM',
      ...atoms,
      'M  V30 END ATOM',
      'M  V30 BEGIN BOND',
      ...bonds,
      'M  V30 END BOND',
      'M  V30 END CTAB',
      'M  END',
    ].join('\n');
  };

  it('a molfile with 1000 explicit atoms is featurized, 1001 are not', () => {
    expect(ok(parseMolblock(explicitMethanes(200))).atomicNumbers).toHaveLength(1000);
    expect(message(parseMolblock(explicitMethanes(200, 1)))).toBe(
      '1001 atoms: the limit is 1000 atoms per molecule',
    );
  });

  it('a molfile without atoms', () => {
    const empty = 'empty\n  handwritten\n\n  0  0  0  0  0  0  0  0  0  0999 V2000\nM  END\n';
    expect(message(parseMolblock(empty))).toBe('no atoms');
  });
});

describe('Hill formula', () => {
  it.each([
    [[6, 1, 1, 1, 1], 'CH4'],
    [[6, 9, 1, 1, 1], 'CH3F'], // carbon: C, H, then the rest alphabetically
    [[6, 9, 9, 9, 9], 'CF4'], // no H to list
    [[6, 8, 8], 'CO2'],
    [[9, 1], 'FH'], // no carbon: everything alphabetically, H included
    [[7, 1, 1, 1], 'H3N'],
    [[8, 1, 1], 'H2O'],
  ])('%j is %s', (atomicNumbers, formula) => {
    expect(hillFormula(atomicNumbers)).toBe(formula);
  });
});
