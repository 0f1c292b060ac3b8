// Chemistry answers known from outside the code: QM9's 9-heavy-atom boundary and an XYZ geometry
// whose bond lengths, not its valences alone, decide the bond orders.
import { describe, expect, it } from 'vitest';
import { loadChemBeforeAll } from '../helpers/loadChem';
import { parseSmiles, parseText } from '../../src/chem';
import { domainWarnings, QM9_MAX_HEAVY_ATOMS } from '../../src/chem/domain';
import { molecules } from '../helpers/chem';

loadChemBeforeAll();

const codes = (smiles: string) => {
  const r = parseSmiles(smiles);
  if (!r.ok) throw new Error(r.error.message);
  return r.molecule.warnings.map((w) => w.code);
};

describe('QM9 domain boundaries at 2 and 9 heavy atoms', () => {
  it('QM9 itself goes up to 9 heavy atoms', () => {
    expect(QM9_MAX_HEAVY_ATOMS).toBe(9);
  });

  it.each([
    ['nonane (9)', 'CCCCCCCCC', []],
    ['octan-1-ol (9)', 'CCCCCCCCO', []],
    ['indane (9, aromatic)', 'C1CCc2ccccc21', []],
    ['decane (10)', 'CCCCCCCCCC', ['too-many-heavy-atoms']],
    ['naphthalene (10)', 'c1ccc2ccccc2c1', ['too-many-heavy-atoms']],
    ['ethane (2)', 'CC', []],
    ['methanol (2)', 'CO', []],
    ['methane (1)', 'C', ['too-few-heavy-atoms']],
    ['water (1)', 'O', ['too-few-heavy-atoms']],
    ['hydrogen (0)', '[H][H]', ['too-few-heavy-atoms']],
  ])('%s', (_name, smiles, expected) => {
    expect(codes(smiles)).toEqual(expected);
  });

  it('says how many heavy atoms and what the limit is', () => {
    const at = (heavyAtoms: number) =>
      domainWarnings({ heavyAtoms, charges: [0], radicals: [0], fragments: 1 });
    expect(at(9)).toEqual([]);
    expect(at(2)).toEqual([]);
    expect(at(1)).toEqual([
      {
        code: 'too-few-heavy-atoms',
        message:
          '1 heavy atom: QM9 holds only CH4, NH3 and H2O this small, too few to learn from; the model is unreliable here',
      },
    ]);
    expect(at(0)[0].message).toMatch(/^0 heavy atoms: /);
    expect(at(10)).toEqual([
      {
        code: 'too-many-heavy-atoms',
        message: '10 heavy atoms: QM9 molecules have at most 9',
      },
    ]);
  });

  it('hydrogens do not count: hexane with 14 hydrogens is inside', () => {
    expect(
      codes('[H]C([H])([H])C([H])([H])C([H])([H])C([H])([H])C([H])([H])C([H])([H])[H]'),
    ).toEqual([]);
  });
});

describe('the other domain warnings, by hand', () => {
  it('net charge, radicals and fragments, each with the atoms named', () => {
    const w = domainWarnings({
      heavyAtoms: 3,
      charges: [0, 1, 0],
      radicals: [0, 0, 1],
      fragments: 2,
    });
    expect(w.map((x) => x.message)).toEqual([
      'net charge +1 (charged atoms 2 (+1)): QM9 holds neutral molecules only',
      'radical electrons on atoms 3: QM9 holds closed-shell molecules only',
      '2 disconnected fragments: QM9 molecules are single connected molecules',
    ]);
    expect(
      domainWarnings({ heavyAtoms: 2, charges: [-1, 0], radicals: [0, 0], fragments: 1 })[0]
        .message,
    ).toBe('net charge -1 (charged atoms 1 (-1)): QM9 holds neutral molecules only');
  });

  it('a zwitterion (net charge 0) is inside: QM9 holds them', () => {
    expect(codes('[NH3+]CC([O-])=O')).toEqual([]);
  });
});

// Formamide drawn at the zwitterion's geometry: C-O at a single-bond length (1.40 A, radii sum
// 1.42) and C-N at a double-bond length (1.28 A, 0.87 of the radii sum 1.47). The neutral formula
// H2N-CH=O satisfies every valence, but it puts the double bond on the long C-O and a single bond
// on the short C-N: only the bond lengths say that [NH2+]=C[O-] is what was drawn.
const STRETCHED_FORMAMIDE_XYZ = `6
formamide at the zwitterion's bond lengths
C   0.0000  0.0000  0.0000
O   1.4000  0.0000  0.0000
N  -0.6400  1.1085  0.0000
H  -0.5450 -0.9440  0.0000
H  -0.1350  1.9832  0.0000
H  -1.6500  1.1085  0.0000
`;

// The same atoms at ordinary formamide bond lengths (C=O 1.22, C-N 1.36): the neutral formula.
const FORMAMIDE_XYZ = `6
formamide
C   0.0000  0.0000  0.0000
O   1.2200  0.0000  0.0000
N  -0.6800  1.1778  0.0000
H  -0.5450 -0.9440  0.0000
H  -0.1750  2.0525  0.0000
H  -1.6900  1.1778  0.0000
`;

describe('XYZ bond orders follow the bond lengths', () => {
  it('ordinary formamide: C=O and C-N, no charges', () => {
    const [m] = molecules(parseText(FORMAMIDE_XYZ));
    expect(m.smiles).toBe('NC=O');
    expect(m.formula).toBe('CH3NO');
  });

  it('short C-N and long C-O: the zwitterion, not the neutral formula', () => {
    const [m] = molecules(parseText(STRETCHED_FORMAMIDE_XYZ));
    expect(m.smiles).toBe('[NH2+]=C[O-]');
    expect(m.warnings).toEqual([]); // net charge 0, still in QM9's domain
  });
});
