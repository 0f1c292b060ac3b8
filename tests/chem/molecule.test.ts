// Reading one SMILES or molfile: the error texts a user sees, the per-record guard and the cheap
// size checks that run before RDKit. RDKit's complaints below are what RDKit.js logs for these
// inputs, cut down to its reason and position.
import { describe, expect, it } from 'vitest';
import { loadChemBeforeAll } from '../helpers/loadChem';
import { parseMolblock, parseSmiles } from '../../src/chem';
import type { MoleculeResult } from '../../src/chem';
import { ChemError } from '../../src/chem/errors';
import { assertHeavyAtomLimit, countSmilesAtoms, guardRecord } from '../../src/chem/molecule';

loadChemBeforeAll();

const message = (r: MoleculeResult): string => (r.ok ? 'no error' : r.error.message);

describe('an unreadable SMILES says why', () => {
  it.each([
    ['c1cccc1', "unreadable SMILES: Can't kekulize mol.  Unkekulized atoms: 0 1 2 3 4"],
    ['c1ccccc1.c', 'unreadable SMILES: non-ring atom 6 marked aromatic'],
    ['F(F)F', 'unreadable SMILES: Explicit valence for atom # 0 F, 2, is greater than permitted'],
    ['C)C', 'unreadable SMILES: extra close parentheses at position 2'],
    ['C%1', 'unreadable SMILES: syntax error at position 3'],
    ['[C@@@H]', 'unreadable SMILES: syntax error at position 5'],
    // RDKit echoes the input without the spaces around it: that line is not a reason either.
    ['  CC(  ', 'unreadable SMILES: syntax error at position 3'],
    ['', 'empty SMILES'],
    [' \t ', 'empty SMILES'],
    ['C\nC', 'a SMILES must be a single line'],
    ['C\rC', 'a SMILES must be a single line'],
  ])('%j: %s', (smiles, expected) => {
    expect(message(parseSmiles(smiles))).toBe(expected);
  });

  it('each record is explained on its own, not with the previous one`s complaint', () => {
    expect(message(parseSmiles('C)C'))).toBe(
      'unreadable SMILES: extra close parentheses at position 2',
    );
    expect(message(parseSmiles('F(F)F'))).toBe(
      'unreadable SMILES: Explicit valence for atom # 0 F, 2, is greater than permitted',
    );
  });

  it('spaces and a line end around a SMILES are not part of it', () => {
    const r = parseSmiles('  OCC \n');
    expect(r.ok && r.molecule.smiles).toBe('CCO');
  });
});

describe('explicit hydrogens', () => {
  it('in a SMILES they are hydrogens like any other: same graph as without them', () => {
    const a = parseSmiles('[H]C([H])([H])O[H]');
    const b = parseSmiles('CO');
    if (!a.ok || !b.ok) throw new Error('unreadable');
    expect(a.molecule.x).toEqual(b.molecule.x);
    expect(a.molecule.edgeIndex).toEqual(b.molecule.edgeIndex);
    expect(a.molecule.smiles).toBe('CO');
  });
});

describe('molfile framing', () => {
  const molfile = (end: string) =>
    `one carbon\n  handwritten\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\n` +
    `    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n${end}`;

  it.each([
    ['M  END', true],
    ['M  END   \n\n', true],
    ['M  END\n$$$$\n', true],
    ['M END\n', false],
    ['M  ENDX\n', false],
    ['XM  END\n', false],
    ['', false],
  ])('ending %j is complete: %s', (end, complete) => {
    const r = parseMolblock(molfile(end));
    expect(r.ok ? 'read' : r.error.message).toBe(
      complete ? 'read' : 'truncated molfile: no "M  END" line',
    );
  });

  it('a molfile RDKit cannot read says only that', () => {
    expect(message(parseMolblock('garbage\n\nnot a molfile\nM  END\n'))).toBe('unreadable molfile');
  });
});

describe('record guard', () => {
  const meta = { record: 3, name: 'third' };

  it('a ChemError becomes the record`s error, with the SMILES and the fields it has', () => {
    const r = guardRecord('f.smi', { ...meta, fields: { id: 'x7' } }, () => {
      throw new ChemError('element S at atom 2 is outside', { smiles: 'CS' });
    });
    expect(r).toEqual({
      ok: false,
      source: 'f.smi',
      error: {
        record: 3,
        name: 'third',
        source: 'f.smi',
        message: 'element S at atom 2 is outside',
        smiles: 'CS',
        fields: { id: 'x7' },
      },
    });
  });

  it('no smiles or fields keys when there are none', () => {
    const r = guardRecord('f.smi', { ...meta, fields: {} }, () => {
      throw new ChemError('no atoms');
    });
    expect(r.ok ? null : r.error).toStrictEqual({
      record: 3,
      name: 'third',
      source: 'f.smi',
      message: 'no atoms',
    });
  });

  it('anything else is an internal error, never an exception', () => {
    const thrown = (value: unknown) =>
      message(
        guardRecord('f.smi', meta, () => {
          throw value;
        }),
      );
    expect(thrown(new TypeError('x is undefined'))).toBe('internal error: x is undefined');
    expect(thrown('a string')).toBe('internal error: a string');
  });

  it('a record without options is record 1 of "input", unnamed', () => {
    expect(parseSmiles('C)C')).toMatchObject({
      ok: false,
      source: 'input',
      error: { record: 1, name: '', source: 'input' },
    });
    expect(parseSmiles('C', { source: 'a.smi', record: 4, name: 'methane' })).toMatchObject({
      ok: true,
      source: 'a.smi',
      molecule: { record: 4, name: 'methane', fields: {} },
    });
  });
});

describe('heavy atoms counted before RDKit', () => {
  it.each([
    ['CCO', 3],
    ['c1ccccc1', 6],
    ['ClCBr', 3], // Cl and Br are one atom each
    ['[NH4+].[Cl-]', 2],
    ['C[C@@H](O)[13CH3]', 4],
    ['[nH]1cccc1', 5],
    ['', 0],
  ])('%j has %s', (smiles, count) => {
    expect(countSmilesAtoms(smiles)).toBe(count);
  });

  it('400 heavy atoms are allowed, 401 are not', () => {
    expect(() => assertHeavyAtomLimit(400)).not.toThrow();
    expect(() => assertHeavyAtomLimit(401)).toThrow(
      new ChemError('401 heavy atoms: the limit is 400 heavy atoms per molecule'),
    );
    expect(message(parseSmiles('C'.repeat(401)))).toBe(
      '401 heavy atoms: the limit is 400 heavy atoms per molecule',
    );
  });
});
