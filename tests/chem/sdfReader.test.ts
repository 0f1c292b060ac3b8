import { describe, expect, it } from 'vitest';
import { loadChemBeforeAll } from '../helpers/loadChem';
import { readMoleculeFile } from '../../src/chem';
import { sdfRecords } from '../../src/chem/formats/sdf';
import { encode, errors, molecules } from '../helpers/chem';
import {
  carbonChain,
  FORMALDEHYDE_ATOMS,
  FORMALDEHYDE_BONDS,
  METHANE_ATOMS,
  METHANE_BONDS,
  sdFields,
  v2000,
  v2000AtomLine,
  v3000,
  type Atom,
  type Bond,
} from '../helpers/chemFiles';

loadChemBeforeAll();

const methane = (title = 'methane') => v2000(title, METHANE_ATOMS, METHANE_BONDS);
const formaldehyde = (title = 'formaldehyde') =>
  v3000(title, FORMALDEHYDE_ATOMS, FORMALDEHYDE_BONDS);
const readSdf = (text: string) => readMoleculeFile('set.sdf', encode(text));

/** The one error of a file that gives exactly one result. */
function onlyError(text: string) {
  const results = readSdf(text);
  expect(results).toHaveLength(1);
  const [e] = errors(results);
  expect(e).toBeDefined();
  return e;
}

describe('SD records: splitting and order', () => {
  it('reads the records between "$$$$" lines in file order, numbered from 1', () => {
    const sdf = `${methane()}\n$$$$\n${formaldehyde()}\n$$$$\n${methane('methane again')}\n$$$$\n`;
    expect(molecules(readSdf(sdf)).map((m) => [m.record, m.name, m.smiles])).toEqual([
      [1, 'methane', 'C'],
      [2, 'formaldehyde', 'C=O'],
      [3, 'methane again', 'C'],
    ]);
  });

  it('accepts text after "$$$$" on the separator line and a last record without one', () => {
    const sdf = `${methane()}\n$$$$ end of methane\n${formaldehyde()}`;
    expect(molecules(readSdf(sdf)).map((m) => m.smiles)).toEqual(['C', 'C=O']);
  });

  it('reads a lone molfile that ends at "M  END" without a newline', () => {
    const [r] = readMoleculeFile('methane.mol', encode(methane()));
    expect(r).toMatchObject({ ok: true, molecule: { name: 'methane', smiles: 'C' } });
  });

  it('keeps an empty first title line (as RDKit writes molblocks)', () => {
    const sdf = `${methane('')}\n$$$$\n${methane('')}\n$$$$\n`;
    expect(molecules(readSdf(sdf)).map((m) => [m.record, m.name, m.smiles])).toEqual([
      [1, '', 'C'],
      [2, '', 'C'],
    ]);
  });

  it('calls the source "input" when none is given', () => {
    const [r] = [...sdfRecords(methane()).results];
    expect(r).toMatchObject({ ok: true, source: 'input', molecule: { smiles: 'C' } });
  });

  it('reads an empty text as one empty record', () => {
    expect([...sdfRecords('').results]).toEqual([
      {
        ok: false,
        source: 'input',
        error: { record: 1, name: '', source: 'input', message: 'empty record' },
      },
    ]);
  });

  it('takes the name from the title line without its surrounding spaces', () => {
    const [m] = molecules(readSdf(`${methane('  methane, gas  ')}\n$$$$\n`));
    expect(m.name).toBe('methane, gas');
  });

  it('only a "$$$$" at the start of a line separates records', () => {
    const sdf = `${methane()}\n${sdFields({ price: 'cheap, not $$$$' })}$$$$\n`;
    const results = readSdf(sdf);
    expect(results).toHaveLength(1);
    expect(molecules(results)[0].fields).toEqual({ price: 'cheap, not $$$$' });
  });

  it('only "M  END" at the start of a line ends the molblock', () => {
    const [m] = molecules(readSdf(`${methane('ROOM  END experiment')}\n$$$$\n`));
    expect(m).toMatchObject({ name: 'ROOM  END experiment', smiles: 'C' });
  });

  it('reports an empty record with its number and reads on', () => {
    const results = readSdf(`${methane()}\n$$$$\n\n$$$$\n${formaldehyde()}\n$$$$\n`);
    expect(results.map((r) => (r.ok ? r.molecule.smiles : r.error.message))).toEqual([
      'C',
      'empty record',
      'C=O',
    ]);
    expect(errors(results)[0]).toMatchObject({ record: 2, name: '', source: 'set.sdf' });
  });

  it('says RDKit cannot read a record too short to hold a counts line', () => {
    expect(onlyError('lost title\nM  END\n')).toMatchObject({
      record: 1,
      name: 'lost title',
      message: 'unreadable molfile',
    });
  });
});

describe('SD data fields', () => {
  const withFields = (items: string) => readSdf(`${methane()}\n${items}$$$$\n`);

  it('reads each "> <name>" item after "M  END" as a field, header extras ignored', () => {
    const items = '>  <MELTING.POINT> (1)\n-182.5\n\n> 25  <ID>\nM-1\n\n';
    expect(molecules(withFields(items))[0].fields).toEqual({
      'MELTING.POINT': '-182.5',
      ID: 'M-1',
    });
  });

  it('keeps a multi-line value with its line breaks, ending at a blank line', () => {
    const items = '>  <synonyms>\nmethane\nmarsh gas <https://example.org>\n  \nnot part of it\n';
    expect(molecules(withFields(items))[0].fields).toEqual({
      synonyms: 'methane\nmarsh gas <https://example.org>',
    });
  });

  it('ends a value at the next header even without a blank line between them', () => {
    const items = '>  <a>\n1\n>  <b>\n\n>  <c>\n3\n';
    expect(molecules(withFields(items))[0].fields).toEqual({ a: '1', b: '', c: '3' });
  });

  it('reads a value on the last line of a file without a final newline', () => {
    const [m] = molecules(readSdf(`${methane()}\n>  <source>\nhandwritten`));
    expect(m.fields).toEqual({ source: 'handwritten' });
  });

  it('reads the fields of a record whose "M  END" line has trailing spaces', () => {
    const sdf = `${methane().replace(/M {2}END$/, 'M  END   ')}\n${sdFields({ ID: 'M-1' })}$$$$\n`;
    expect(molecules(readSdf(sdf))[0]).toMatchObject({ smiles: 'C', fields: { ID: 'M-1' } });
  });

  it('keeps the fields of a record that fails, with its name and number', () => {
    const broken = methane('broken').replace('  1  2  1  0', '  1 99  1  0');
    const results = readSdf(`${methane()}\n$$$$\n${broken}\n${sdFields({ ID: 'B-2' })}$$$$\n`);
    expect(errors(results)).toEqual([
      expect.objectContaining({
        record: 2,
        name: 'broken',
        source: 'set.sdf',
        fields: { ID: 'B-2' },
        message: expect.stringMatching(/^unreadable molfile/),
      }),
    ]);
  });
});

describe('atom limits, checked before RDKit sees the record', () => {
  /** `n` carbons far apart, no bonds: many heavy atoms without a long chain. */
  const carbons = (n: number) => carbonChain(n, false).atoms;
  const HEAVY_LIMIT = (n: number) => `${n} heavy atoms: the limit is 400 heavy atoms per molecule`;

  it('refuses a V2000 record above 400 heavy atoms, however its atom lines are spaced', () => {
    // Wide, negative and two-letter-symbol atom lines all count; 396 plain carbons make 401.
    const unusual: Atom[] = [
      ['N', 12.3456, -123.4567, 0],
      ['O', -1.5, -2.5, -3.5],
      ['He', 0, 1, 2],
      ['Cl', 999.9999, 0, -0.0001],
      ['C', 0.1, 0.2, 12.5],
    ];
    // A symbol one column to the right still counts (RDKit trims the symbol's three columns).
    const shifted = v2000AtomLine(['C', 0, 0, 9]).replace(' C  ', '  C ');
    const atoms = [...unusual, ...carbons(395)];
    const text = v2000('too big', atoms).replace(/(M {2}END)$/, `${shifted}\n$1`);
    expect(onlyError(text.replace(/^(\s*)400/m, '$1401')).message).toBe(HEAVY_LIMIT(401));
  });

  it('does not count hydrogens (H, D, T) or a title that looks like an atom line', () => {
    const atoms: Atom[] = [...carbons(400), ['H', 0, 5, 0], ['D', 0, 6, 0], ['T', 0, 7, 0]];
    const e = onlyError(v2000('scan point 0.5 1.5 2.5 deg', atoms));
    // Past the heavy-atom check: each lone carbon takes 4 implicit hydrogens, each lone H one.
    expect(e.message).toBe('2006 atoms with hydrogens: the limit is 1000 atoms per molecule');
  });

  it('refuses a V3000 record above 400 heavy atoms', () => {
    const atoms: Atom[] = [['Hg', 0, 0, 1], ...carbons(400)];
    // Trailing spaces after BEGIN ATOM do not hide the atom block.
    const text = v3000('too big', atoms).replace('BEGIN ATOM', 'BEGIN ATOM  ');
    expect(onlyError(text).message).toBe(HEAVY_LIMIT(401));
    const cut = v3000('cut', carbonChain(1001, false).atoms).replace(/M {2}V30 END ATOM[^]*$/, '');
    expect(onlyError(cut).message).toBe('1001 atoms: the limit is 1000 atoms per molecule');
  });

  it('does not count V3000 bond lines as atoms', () => {
    // 300 heavy atoms and 299 bonds: the bond lines look like atom lines ("M  V30 1 1 1 2").
    const { atoms, bonds } = carbonChain(300, true);
    const text = v3000('C300 chain', atoms, bonds).replace('END ATOM', 'END ATOM  ');
    const [m] = molecules(readSdf(text));
    expect(m).toMatchObject({ name: 'C300 chain', heavyAtoms: 300 });
  });

  it('reads a V3000 record of exactly 1000 atoms and refuses 1001 by its COUNTS line', () => {
    // 200 methanes are 1000 atoms; one more hydrogen makes 1001.
    const atoms: Atom[] = [];
    const bonds: Bond[] = [];
    for (let k = 0; k < 200; k++) {
      atoms.push(...METHANE_ATOMS.map(([s, x, y, z]): Atom => [s, x + 5 * k, y, z]));
      bonds.push(...METHANE_BONDS.map(([a, b, o]): Bond => [a + 5 * k, b + 5 * k, o]));
    }
    const [m] = molecules(readSdf(v3000('methanes', atoms, bonds)));
    expect(m).toMatchObject({ heavyAtoms: 200, atomicNumbers: expect.any(Array) });
    expect(m.atomicNumbers).toHaveLength(1000);
    expect(onlyError(v3000('one too many', [...atoms, ['H', -9, 0, 0]])).message).toBe(
      '1001 atoms: the limit is 1000 atoms per molecule',
    );
  });

  it('reads a V3000 COUNTS line with extra spaces', () => {
    const { atoms } = carbonChain(1001, false);
    const text = v3000('spaced', atoms).replace('COUNTS 1001', 'COUNTS  1001');
    expect(onlyError(text).message).toBe('1001 atoms: the limit is 1000 atoms per molecule');
  });
});
