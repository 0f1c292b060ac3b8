import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { loadChemBeforeAll } from '../helpers/loadChem';
import { formatOf, parseText, readMoleculeFile } from '../../src/chem';
import { encode, errors, molecules } from '../helpers/chem';
import { METHANE_ATOMS, METHANE_BONDS, v2000, xyz } from '../helpers/chemFiles';

loadChemBeforeAll();

/** The single error of a file that gives one result, as a whole. */
function fileError(fileName: string, bytes: Uint8Array) {
  const results = readMoleculeFile(fileName, bytes);
  expect(results).toHaveLength(1);
  return errors(results)[0];
}
const smilesOf = (results: ReturnType<typeof parseText>) =>
  results.map((r) => (r.ok ? r.molecule.smiles : r.error.message));

describe('file decoding', () => {
  it('refuses a whole file with one error of record 0 that names the file', () => {
    expect(fileError('photo.smi', Uint8Array.from([0x43, 0x8b]))).toEqual({
      record: 0,
      name: '',
      source: 'photo.smi',
      message: 'not a text file (invalid UTF-8): is it a molecule file?',
    });
    expect(fileError('dump.smi', encode('CC\0O')).message).toBe(
      'not a text file (binary data): is it a molecule file?',
    );
  });

  it('recognises gzip by its two magic bytes, whatever the name', () => {
    expect(fileError('cut.smi.gz', Uint8Array.from([0x1f, 0x8b])).message).toBe(
      'corrupt gzip data (invalid gzip data)',
    );
    const [m] = molecules(readMoleculeFile('packed.smi', gzipSync(encode('CCO ethanol\n'))));
    expect(m).toMatchObject({ name: 'ethanol', smiles: 'CCO' });
    expect(fileError('empty.smi.gz', gzipSync(new Uint8Array())).message).toBe('empty file');
  });

  it('reads a 0x1f byte without 0x8b after it as text', () => {
    const results = readMoleculeFile('unit.smi', Uint8Array.from([0x1f, 0x43, 0x0a, 0x43]));
    expect(smilesOf(results)).toEqual(['C', 'C']);
  });

  it('drops a byte-order mark and reads Windows and old Mac line ends', () => {
    const text = '\uFEFFCCO ethanol\r\nC methane\rC=O formaldehyde\r\n';
    const results = readMoleculeFile('set.smi', encode(text));
    expect(molecules(results).map((m) => [m.record, m.name, m.smiles])).toEqual([
      [1, 'ethanol', 'CCO'],
      [2, 'methane', 'C'],
      [3, 'formaldehyde', 'C=O'],
    ]);
  });

  it('calls a file of blank lines empty', () => {
    expect(fileError('blank.csv', encode(' \n\t\n'))).toMatchObject({
      record: 0,
      message: 'empty file',
    });
  });
});

describe('format by file name', () => {
  it('takes the extension in any case, under a .gz', () => {
    expect(formatOf('Set.SDF')).toBe('sdf');
    expect(formatOf('set.mol')).toBe('sdf');
    expect(formatOf('set.csv.gz')).toBe('csv');
    expect(formatOf('set.tsv')).toBe('tsv');
    expect(formatOf('set.xyz')).toBe('xyz');
    expect(formatOf('set.smi')).toBe('smiles');
  });

  it('has no format for a name without a known extension', () => {
    expect(formatOf('molecules')).toBeUndefined();
    expect(formatOf('molecules.gz')).toBeUndefined();
    expect(formatOf('molecules.docx')).toBeUndefined();
  });

  it('reads each format by its extension, even where the text looks like another', () => {
    // "smiles,name" would be sniffed as CSV; as .smi it is one unreadable SMILES line.
    const smi = readMoleculeFile('list.smi', encode('smiles,name\nC,methane\n'));
    expect(smi.map((r) => r.ok)).toEqual([false, false]);
    const tsv = readMoleculeFile('t.tsv', encode('smiles\tname\nC\tmethane\n'));
    expect(molecules(tsv)[0]).toMatchObject({ name: 'methane', smiles: 'C' });
  });

  it('guesses the format of a file whose name has none', () => {
    const sdf = v2000('methane', METHANE_ATOMS, METHANE_BONDS);
    expect(molecules(readMoleculeFile('upload', encode(sdf)))[0].name).toBe('methane');
    const xyzText = xyz('methane', METHANE_ATOMS);
    expect(molecules(readMoleculeFile('upload.gz', gzipSync(encode(xyzText))))[0].name).toBe(
      'methane',
    );
  });

  it('passes the options on to each record', () => {
    const [m] = molecules(readMoleculeFile('one.smi', encode('C'), { molblock: true }));
    expect(m.molblock).toContain('M  END');
  });
});

describe('pasted text: the format is guessed', () => {
  it('a molfile, by its "M  END" line', () => {
    const [r] = parseText(v2000('pasted', METHANE_ATOMS, METHANE_BONDS));
    expect(r).toMatchObject({ ok: true, source: 'input', molecule: { name: 'pasted' } });
  });

  it('a molfile cut before "M  END", by its V2000 or V3000 counts line', () => {
    const cut = v2000('cut', METHANE_ATOMS, METHANE_BONDS).replace(/M {2}END$/, '');
    expect(parseText(cut)).toEqual([
      expect.objectContaining({ error: expect.objectContaining({ name: 'cut' }) }),
    ]);
    expect(smilesOf(parseText(cut))).toEqual(['truncated molfile: no "M  END" line']);
    expect(smilesOf(parseText('v3\n\n\n  0  0  0     0  0            999 V3000\n'))).toEqual([
      'truncated molfile: no "M  END" line',
    ]);
  });

  it('XYZ, by a count line over at least three lines, even one atom', () => {
    const [e] = errors(parseText(' 1 \nneon\nNe 0 0 0'));
    expect(e).toMatchObject({ record: 1, name: 'neon' });
    // Two lines are not an XYZ block: "2" is read as a SMILES.
    expect(parseText('2\nC')).toHaveLength(2);
  });

  it('CSV or TSV when the first line names a smiles column, else SMILES lines', () => {
    const csv = parseText('name,SMILES\nmethane,C\n');
    expect(molecules(csv)[0]).toMatchObject({ name: 'methane', smiles: 'C' });
    const tsv = parseText('name\tsmiles\nmethane\tC\n');
    expect(molecules(tsv)[0]).toMatchObject({ name: 'methane', smiles: 'C' });
    // A comma or a tab alone does not make a table.
    expect(smilesOf(parseText('C,methane'))).toEqual([
      'unreadable SMILES: syntax error at position 2',
    ]);
    expect(molecules(parseText('C\tmethane'))[0]).toMatchObject({ name: 'methane' });
    expect(parseText('smiles list\nC methane\n')).toHaveLength(2);
  });

  it('reads Windows line ends and keeps the source name given', () => {
    const results = parseText('C methane\r\nCC ethane\r\n', 'clipboard', { molblock: true });
    expect(molecules(results).map((m) => [m.record, m.name])).toEqual([
      [1, 'methane'],
      [2, 'ethane'],
    ]);
    expect(results.every((r) => r.source === 'clipboard')).toBe(true);
    expect(molecules(results)[0].molblock).toContain('M  END');
  });

  it('says when there is nothing to read or no molecule in it', () => {
    expect(errors(parseText(' \r\n '))).toEqual([
      { record: 0, name: '', source: 'input', message: 'nothing to read' },
    ]);
    expect(errors(parseText('# only a comment'))).toEqual([
      { record: 0, name: '', source: 'input', message: 'no molecules found' },
    ]);
    expect(errors(readMoleculeFile('header.csv', encode('name,smiles\n')))).toEqual([
      { record: 0, name: '', source: 'header.csv', message: 'no molecules found' },
    ]);
  });
});
