import { describe, expect, it } from 'vitest';
import { loadChemBeforeAll } from '../helpers/loadChem';
import { parseDelimited, parseText, readMoleculeFile } from '../../src/chem';
import { smilesLineRecords, tableRecords } from '../../src/chem/formats/table';
import { encode, errors, molecules } from '../helpers/chem';

loadChemBeforeAll();

const readCsv = (text: string) => readMoleculeFile('set.csv', encode(text));
/** What each result of a file shows: the SMILES read, or the error message. */
const outcomes = (results: ReturnType<typeof readCsv>) =>
  results.map((r) => (r.ok ? r.molecule.smiles : r.error.message));

describe('delimited text (RFC 4180)', () => {
  it.each([
    [
      'splits rows and fields, keeping quoted delimiters, quotes and line breaks',
      'a,b\n"x, y","say ""hi"""\n"two\nlines",plain\n',
      ',',
      [
        ['a', 'b'],
        ['x, y', 'say "hi"'],
        ['two\nlines', 'plain'],
      ],
    ],
    [
      'keeps a quote inside an unquoted field as it is',
      'size,ruler\n12",wood\n',
      ',',
      [
        ['size', 'ruler'],
        ['12"', 'wood'],
      ],
    ],
    ['reads a last row without a final newline', 'smiles\nC', ',', [['smiles'], ['C']]],
    [
      'keeps a trailing empty field in a last row without a final newline',
      'smiles,note\nC,',
      ',',
      [
        ['smiles', 'note'],
        ['C', ''],
      ],
    ],
    [
      'drops blank rows and rows of empty fields, not rows with some empty fields',
      'smiles,note\n\n , \n,,\nC,\n,x\n',
      ',',
      [
        ['smiles', 'note'],
        ['C', ''],
        ['', 'x'],
      ],
    ],
    ['splits on the delimiter it is given only', 'a\tb,c\n', '\t', [['a', 'b,c']]],
  ])('%s', (_title, text, delimiter, rows) => {
    expect(parseDelimited(text, delimiter)).toEqual(rows);
  });
});

describe('CSV and TSV molecule tables', () => {
  it('reads one record per data row, numbered from 1 below the header, in file order', () => {
    const results = readCsv('smiles\nC\n\nCC\nCCO');
    expect(results).toHaveLength(3);
    expect(molecules(results).map((m) => [m.record, m.smiles])).toEqual([
      [1, 'C'],
      [2, 'CC'],
      [3, 'CCO'],
    ]);
  });

  it('prefers a column named exactly "smiles" over one that only contains the word', () => {
    const [m] = molecules(readCsv('smiles_source,SMILES\nPubChem,CCO\n'));
    expect(m).toMatchObject({ smiles: 'CCO', fields: { smiles_source: 'PubChem' } });
    const [n] = molecules(readCsv('smiles_note,canonical_smiles\nfrom a paper,C=O\n'));
    expect(n).toMatchObject({ smiles: 'C=O', fields: { smiles_note: 'from a paper' } });
  });

  it('finds the SMILES column whatever its case and surrounding spaces', () => {
    const [m] = molecules(readCsv(' Name , SMILES \nethanol,CCO\n'));
    expect(m).toMatchObject({ name: 'ethanol', smiles: 'CCO', fields: { Name: 'ethanol' } });
  });

  it('takes the name from the first name-like column, trimmed; none gives an empty name', () => {
    const [a] = molecules(readCsv('id,smiles,name\nE-1,CCO, ethanol \n'));
    expect(a.name).toBe('ethanol');
    const [b] = molecules(readCsv('smiles,note\nCCO,a solvent\n'));
    expect(b).toMatchObject({ name: '', fields: { note: 'a solvent' } });
  });

  it('keeps every other named column as a field; unnamed columns are left out', () => {
    const [m] = molecules(readCsv('smiles,,mw\nCCO,x,46.07\n'));
    expect(m.fields).toEqual({ mw: '46.07' });
  });

  it('names the row whose column count differs from the header, and reads on', () => {
    const results = readCsv('name,smiles,mw\nethanol,CCO\nmethane,C,16.04\n');
    expect(outcomes(results)).toEqual(['row has 2 columns, the header has 3', 'C']);
    expect(errors(results)[0]).toEqual({
      record: 1,
      name: 'ethanol',
      source: 'set.csv',
      message: 'row has 2 columns, the header has 3',
      fields: { name: 'ethanol', mw: '' },
    });
  });

  it('gives a row too short to reach its name column an empty name', () => {
    expect(errors(readCsv('smiles,name\nC\n'))[0]).toMatchObject({
      name: '',
      message: 'row has 1 columns, the header has 2',
    });
  });

  it('keeps name and fields of a row whose SMILES RDKit rejects', () => {
    const [e] = errors(readCsv('name,smiles,mw\nbroken,C1CC,42\n'));
    expect(e).toMatchObject({
      record: 1,
      name: 'broken',
      source: 'set.csv',
      fields: { name: 'broken', mw: '42' },
      message: expect.stringMatching(/^unreadable SMILES/),
    });
  });

  it('reports a table without a SMILES column once, listing the first 8 header names', () => {
    const header = 'a,b,c,d,e,f,g,h,i,j';
    expect(readCsv(`${header}\n1,2,3,4,5,6,7,8,9,10\n`)).toEqual([
      {
        ok: false,
        source: 'set.csv',
        error: {
          record: 0,
          name: '',
          source: 'set.csv',
          message: 'no SMILES column in header (a, b, c, d, e, f, g, h)',
        },
      },
    ]);
  });

  it('reports a table whose rows are all empty', () => {
    expect(errors(readCsv(',,\n , \n'))).toEqual([
      { record: 0, name: '', source: 'set.csv', message: 'empty table' },
    ]);
  });

  it('reads TSV by tabs, leaving commas inside fields', () => {
    const [m] = molecules(readMoleculeFile('set.tsv', encode('name\tsmiles\nmethane, gas\tC\n')));
    expect(m).toMatchObject({ name: 'methane, gas', smiles: 'C' });
  });

  it('calls the source "input" when none is given', () => {
    const [bad] = [...tableRecords('a\n1\n', ',').results];
    expect(bad).toMatchObject({ ok: false, source: 'input' });
    const [ok] = [...tableRecords('smiles\nC\n', ',').results];
    expect(ok).toMatchObject({ ok: true, source: 'input' });
  });
});

describe('SMILES lists (.smi)', () => {
  it('reads "SMILES name" lines; the record is the line number, blanks and # comments skipped', () => {
    const text =
      '# solvents\n\n  CCO   ethanol,  absolute  \nC\tmethane\n   \n  # CO not this\nC=O\n';
    const results = readMoleculeFile('set.smi', encode(text));
    expect(molecules(results).map((m) => [m.record, m.name, m.smiles])).toEqual([
      [3, 'ethanol, absolute', 'CCO'],
      [4, 'methane', 'C'],
      [7, '', 'C=O'],
    ]);
    expect(results).toHaveLength(3);
  });

  it('calls the source "input" when none is given', () => {
    const [r] = [...smilesLineRecords('C methane').results];
    expect(r).toMatchObject({ ok: true, source: 'input', molecule: { name: 'methane' } });
  });

  it('reads pasted SMILES lines under the source name given', () => {
    const results = parseText('CCO ethanol\nC1CC broken', 'clipboard');
    expect(results.map((r) => r.source)).toEqual(['clipboard', 'clipboard']);
    expect(errors(results)[0]).toMatchObject({ record: 2, name: 'broken' });
  });
});
