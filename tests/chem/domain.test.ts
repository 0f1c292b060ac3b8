// What the page tells a user about a molecule outside QM9: the elements the model cannot encode at
// all (an error, with the structure kept for drawing) and the warnings for what QM9 does not hold.
// Atom numbers in the messages are 1-based, in input order, hydrogens appended after.
import { describe, expect, it } from 'vitest';
import { loadChemBeforeAll } from '../helpers/loadChem';
import { parseSmiles } from '../../src/chem';
import { assertEncodableElements, domainWarnings } from '../../src/chem/domain';
import { ChemError } from '../../src/chem/errors';

loadChemBeforeAll();

const warnings = (smiles: string) => {
  const r = parseSmiles(smiles);
  if (!r.ok) throw new Error(r.error.message);
  return r.molecule.warnings;
};

describe('elements outside H, C, N, O, F', () => {
  it.each([
    ['CS', "element S at atom 2 is outside the model's elements (H, C, N, O, F)", 'CS'],
    ['C*', "element * at atom 2 is outside the model's elements (H, C, N, O, F)", '*C'],
    ['[U]', "element U at atom 1 is outside the model's elements (H, C, N, O, F)", '[U]'],
  ])('%s is refused, with RDKit`s SMILES kept for the drawing', (smiles, message, kept) => {
    expect(parseSmiles(smiles)).toEqual({
      ok: false,
      source: 'input',
      error: { record: 1, name: '', source: 'input', message, smiles: kept },
    });
  });

  it('the check names the first foreign atom and carries the SMILES only when given one', () => {
    expect(() => assertEncodableElements([1, 6, 7, 8, 9])).not.toThrow();
    const caught = (zs: number[], smiles?: string) => {
      try {
        assertEncodableElements(zs, smiles);
      } catch (e) {
        return e;
      }
      throw new Error('no error');
    };
    const withSmiles = caught([6, 17, 35], 'ClCBr');
    expect(withSmiles).toBeInstanceOf(ChemError);
    expect(withSmiles).toMatchObject({
      name: 'ChemError',
      message: "element Cl at atom 2 is outside the model's elements (H, C, N, O, F)",
      smiles: 'ClCBr',
    });
    const without = caught([6, 6, 6, 119]) as ChemError;
    expect(without.message).toBe(
      "element Z=119 at atom 4 is outside the model's elements (H, C, N, O, F)",
    );
    expect(without.smiles).toBeUndefined();
  });
});

describe('domain warnings', () => {
  it('a single molecule of up to 9 heavy atoms, neutral, closed-shell: none', () => {
    expect(warnings('OCC(=O)N')).toEqual([]);
    expect(domainWarnings({ heavyAtoms: 9, charges: [0], radicals: [0], fragments: 1 })).toEqual(
      [],
    );
  });

  it('a radical names its atoms', () => {
    expect(warnings('C[CH2]')).toEqual([
      {
        code: 'radical',
        message: 'radical electrons on atoms 2: QM9 holds closed-shell molecules only',
      },
    ]);
    expect(
      domainWarnings({ heavyAtoms: 3, charges: [0, 0, 0], radicals: [2, 0, 1], fragments: 1 }),
    ).toEqual([
      {
        code: 'radical',
        message: 'radical electrons on atoms 1, 3: QM9 holds closed-shell molecules only',
      },
    ]);
  });

  it('a net charge lists every charged atom with its sign', () => {
    expect(warnings('[O-]C(=O)C(=O)[O-]')).toEqual([
      {
        code: 'charged',
        message: 'net charge -2 (charged atoms 1 (-1), 6 (-1)): QM9 holds neutral molecules only',
      },
    ]);
    expect(
      domainWarnings({ heavyAtoms: 3, charges: [2, -1, 1], radicals: [0, 0, 0], fragments: 1 }),
    ).toEqual([
      {
        code: 'charged',
        message:
          'net charge +2 (charged atoms 1 (+2), 2 (-1), 3 (+1)): QM9 holds neutral molecules only',
      },
    ]);
  });

  it('two fragments are one too many', () => {
    expect(warnings('C.C')).toEqual([
      {
        code: 'fragments',
        message: '2 disconnected fragments: QM9 molecules are single connected molecules',
      },
    ]);
  });

  it('all four at once, in a fixed order', () => {
    // 10 carbons and a lone [O-] (atom 11, one unpaired electron): size, charge, radical, fragments.
    expect(warnings('CCCCCCCCCC.[O-]').map((w) => w.message)).toEqual([
      '11 heavy atoms: QM9 molecules have at most 9',
      'net charge -1 (charged atoms 11 (-1)): QM9 holds neutral molecules only',
      'radical electrons on atoms 11: QM9 holds closed-shell molecules only',
      '2 disconnected fragments: QM9 molecules are single connected molecules',
    ]);
  });
});
