import { describe, expect, it } from 'vitest';
import { loadChemBeforeAll } from '../helpers/loadChem';
import { readMoleculeFile } from '../../src/chem';
import { encode, errors, molecules } from '../helpers/chem';

loadChemBeforeAll();

// The page draws a record the model cannot take and exports it with the user's own data, so a
// refused record must still carry what RDKit read and the fields it came with.
describe('records the model refuses keep their structure and fields', () => {
  it('an element outside H, C, N, O, F keeps RDKit SMILES and the CSV row’s columns', () => {
    const csv = 'compound_id,smiles,assay_logS\nX-1,BrCBr,-1.5\nX-2,CCO,0.2\n';
    const results = readMoleculeFile('mine.csv', encode(csv));
    const [refused] = errors(results);
    expect(refused.message).toMatch(/element Br at atom 1 is outside the model's elements/);
    expect(refused.smiles).toBe('BrCBr');
    expect(refused.fields).toEqual({ compound_id: 'X-1', assay_logS: '-1.5' });
    expect(molecules(results)[0].fields).toEqual({ compound_id: 'X-2', assay_logS: '0.2' });
  });

  it('an unreadable SMILES has no structure but keeps its fields', () => {
    const results = readMoleculeFile('mine.csv', encode('id,smiles,SOL\nbad,C1CC,3\n'));
    const [refused] = errors(results);
    expect(refused.smiles).toBeUndefined();
    expect(refused.fields).toEqual({ id: 'bad', SOL: '3' });
  });

  it('an SD record with an element outside QM9 keeps its data fields', () => {
    const sdf = [
      'dibromomethane',
      '  handwritten',
      '',
      '  3  2  0  0  0  0  0  0  0  0999 V2000',
      '    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0',
      '    1.9000    0.0000    0.0000 Br  0  0  0  0  0  0  0  0  0  0  0  0',
      '   -0.6000    1.8000    0.0000 Br  0  0  0  0  0  0  0  0  0  0  0  0',
      '  1  2  1  0',
      '  1  3  1  0',
      'M  END',
      '> <ID>',
      'D-7',
      '',
      '> <SOL>',
      '-2.1',
      '',
      '$$$$',
      '',
    ].join('\n');
    const [refused] = errors(readMoleculeFile('drugs.sdf', encode(sdf)));
    expect(refused.smiles).toBe('BrCBr');
    expect(refused.fields).toEqual({ ID: 'D-7', SOL: '-2.1' });
  });
});

describe('an unreadable SMILES is explained once, with where it goes wrong', () => {
  it.each([
    ['CC(C', 'unreadable SMILES: extra open parentheses at position 3'],
    ['CC)C', 'unreadable SMILES: extra close parentheses at position 3'],
    ['CXC', 'unreadable SMILES: syntax error at position 2'],
    ['C1CC', 'unreadable SMILES: unclosed ring'],
  ])('%s', (smiles, message) => {
    const [refused] = errors(readMoleculeFile('x.smi', encode(`${smiles}\n`)));
    expect(refused.message).toBe(message);
  });
});
