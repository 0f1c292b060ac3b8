import { describe, expect, it } from 'vitest';
import { loadChemBeforeAll } from '../helpers/loadChem';
import { parseXyz, readMoleculeFile } from '../../src/chem';
import { encode, errors, molecules } from '../helpers/chem';
import { carbonChain, METHANE_ATOMS, xyz, type Atom } from '../helpers/chemFiles';

loadChemBeforeAll();

const readXyz = (text: string) => readMoleculeFile('set.xyz', encode(text));
/** What each result shows: the SMILES read, or the error message. */
const outcomes = (results: ReturnType<typeof readXyz>) =>
  results.map((r) => (r.ok ? r.molecule.smiles : r.error.message));
const methane = (comment = 'methane') => xyz(comment, METHANE_ATOMS);

describe('XYZ blocks', () => {
  it('reads consecutive blocks in order, blank lines between them allowed', () => {
    const text = `${methane('first')}\n\n${methane('  second  ')}${methane('')}`;
    expect(molecules(readXyz(text)).map((m) => [m.record, m.name, m.smiles])).toEqual([
      [1, 'first', 'C'],
      [2, 'second', 'C'],
      [3, '', 'C'],
    ]);
  });

  it('reads a count line with spaces around the number', () => {
    const [m] = molecules(readXyz(methane().replace(/^5\n/, '  5  \n')));
    expect(m.smiles).toBe('C');
  });

  it('takes atomic numbers and symbols in any case, and Mathematica exponents', () => {
    const text =
      '5\nnumbers\n6 0 0 0\n1 0.6293 0.6293 0.6293\nh -0.6293 -0.6293 0.6293\n' +
      'H -0.6293 0.6293 -0.6293\nH 6.293e-1 -6.293*^-1 -0.6293\n';
    const [m] = molecules(readXyz(text));
    expect(m).toMatchObject({ smiles: 'C', atomicNumbers: [6, 1, 1, 1, 1] });
    expect(m.coords?.[4]).toEqual([0.6293, -0.6293, -0.6293]);
  });

  it('keeps the coordinates and a molblock titled with the comment, cut to 80 characters', () => {
    const comment = `methane ${'x'.repeat(100)}`;
    const [m] = molecules(readXyz(methane(comment)));
    expect(m.name).toBe(comment);
    expect(m.coords?.[1]).toEqual([0.6293, 0.6293, 0.6293]);
    expect(m.molblock?.split('\n')[0]).toBe(comment.slice(0, 80));
  });

  it('keeps a carriage return in a comment out of the molblock title', () => {
    const [r] = parseXyz(methane('meth\rane'));
    expect(r).toMatchObject({ ok: true, molecule: { name: 'meth\rane' } });
    if (r.ok) expect(r.molecule.molblock?.split('\n')[0]).toBe('meth ane');
  });

  it('reads a pasted block under the source "input"', () => {
    expect(parseXyz(methane())).toEqual([
      expect.objectContaining({ ok: true, source: 'input', molecule: expect.anything() }),
    ]);
    expect(parseXyz(methane(), { source: 'clipboard' })[0].source).toBe('clipboard');
  });
});

describe('XYZ errors name the record and the line, and reading goes on', () => {
  it('a line where an atom count belongs, clipped to 40 characters', () => {
    const junk = 'this is not an xyz file but a letter to you';
    const results = readXyz(`${junk}\nmore text\n${methane()}`);
    expect(outcomes(results)).toEqual([
      'line 1: expected an atom count, found "this is not an xyz file but a letter to ..."',
      'C',
    ]);
    expect(errors(results)[0]).toMatchObject({ record: 1, name: '', source: 'set.xyz' });
    expect(molecules(results)[0].record).toBe(2);
  });

  it('quotes a 40-character line whole', () => {
    const line = 'x'.repeat(40);
    expect(outcomes(readXyz(`${line}\n`))).toEqual([
      `line 1: expected an atom count, found "${line}"`,
    ]);
  });

  it('a block of 0 atoms', () => {
    const results = readXyz(`0\nnothing\n${methane()}`);
    expect(outcomes(results)).toEqual(['atom count is 0', 'C']);
    expect(errors(results)[0]).toMatchObject({ record: 1, name: 'nothing' });
  });

  it('a block above 1000 atoms is skipped whole; 1000 atoms are within the limit', () => {
    const big = xyz('big', carbonChain(1001, false).atoms);
    expect(outcomes(readXyz(`${big}${methane()}`))).toEqual([
      '1001 atoms: the limit is 1000 atoms per molecule',
      'C',
    ]);
    expect(outcomes(readXyz('1000\ncut short\nC 0 0 0\n'))).toEqual([
      'truncated: 1000 atoms announced, 1 found',
    ]);
  });

  it('a block cut short by a blank line or the end of the file', () => {
    const cut = '5\ncut\nC 0 0 0\nH 0.6293 0.6293 0.6293\n\n';
    expect(outcomes(readXyz(`${cut}${methane()}`))).toEqual([
      'truncated: 5 atoms announced, 2 found',
      'C',
    ]);
    expect(outcomes(readXyz('5\ncut\nC 0 0 0'))).toEqual(['truncated: 5 atoms announced, 1 found']);
  });

  it('a bad atom line names its line and atom; the next block is found again', () => {
    const bad = '3\nbad\nC 0 0 0\n6 0 x 0\nH 1 1 1\n';
    const results = readXyz(`${methane()}${bad}${methane('after')}`);
    expect(outcomes(results)).toEqual(['C', 'line 11 (atom 2): bad coordinates "0 x 0"', 'C']);
    expect(molecules(results).map((m) => [m.record, m.name])).toEqual([
      [1, 'methane'],
      [3, 'after'],
    ]);
  });

  it('unknown elements, by symbol or by an atomic number outside 1-118', () => {
    const block = (atom: string) => `1\none atom\n${atom}\n`;
    expect(outcomes(readXyz(block('Xx 0 0 0') + block('0 0 0 0') + block('119 0 0 0')))).toEqual([
      'line 3 (atom 1): unknown element "Xx"',
      'line 6 (atom 1): unknown element "0"',
      'line 9 (atom 1): unknown element "119"',
    ]);
  });

  it('elements by two- and three-digit atomic numbers up to 118 are known', () => {
    const block = (atom: string) => `1\none atom\n${atom}\n`;
    // Known elements get as far as bond perception, which has no rules for noble gases.
    expect(outcomes(readXyz(block('10 0 0 0') + block('118 0 0 0')))).toEqual([
      'atom 1: cannot perceive bonds for element with Z=10',
      'atom 1: cannot perceive bonds for element with Z=118',
    ]);
  });

  it('a count line must be a number alone', () => {
    const results = readXyz(`methane 5\n5 atoms\n${methane()}`);
    expect(outcomes(results)).toEqual(['line 1: expected an atom count, found "methane 5"', 'C']);
  });

  it('coordinates that are not finite numbers, and lines with fewer than four items', () => {
    const text = '1\na\nC 0 Infinity 0\n1\nb\nC 0 0\n';
    expect(outcomes(readXyz(text))).toEqual([
      'line 3 (atom 1): bad coordinates "0 Infinity 0"',
      'line 6 (atom 1): expected "element x y z", found "C 0 0"',
    ]);
  });
});

describe('XYZ heavy-atom limit', () => {
  it('refuses more than 400 heavy atoms before perceiving bonds', () => {
    expect(outcomes(readXyz(xyz('big', carbonChain(401, false).atoms)))).toEqual([
      '401 heavy atoms: the limit is 400 heavy atoms per molecule',
    ]);
  });

  it('does not count hydrogens: 81 methanes (405 atoms) are read', () => {
    const atoms: Atom[] = [];
    for (let k = 0; k < 81; k++) {
      atoms.push(...METHANE_ATOMS.map(([s, x, y, z]): Atom => [s, x + 4 * k, y, z]));
    }
    const [m] = molecules(readXyz(xyz('methanes', atoms)));
    expect(m).toMatchObject({ heavyAtoms: 81, smiles: Array(81).fill('C').join('.') });
  });
});
