import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { loadChemBeforeAll } from '../helpers/loadChem';
import {
  openMoleculeFile,
  openText,
  parseText,
  readMoleculeFile,
  type MoleculeResult,
} from '../../src/chem';
import { ACETIC_ACID_V3000, encode, ETHANOL_V2000 } from '../helpers/chem';

loadChemBeforeAll();

// Twelve records; record 5 has a carbon with five bonds, record 9 lost its atom block.
const PENTAVALENT = `bad carbon
  handwritten

  6  5  0  0  0  0  0  0  0  0999 V2000
    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0
    1.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0
   -1.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0
    0.0000    1.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0
    0.0000   -1.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0
    0.0000    0.0000    1.0000 C   0  0  0  0  0  0  0  0  0  0  0  0
  1  2  1  0
  1  3  1  0
  1  4  1  0
  1  5  1  0
  1  6  1  0
M  END
`;
const TRUNCATED = ETHANOL_V2000.slice(0, 120);
const RECORDS = Array.from({ length: 12 }, (_, i) => {
  if (i === 4) return PENTAVALENT;
  if (i === 8) return TRUNCATED;
  return i % 2 === 0 ? ETHANOL_V2000 : ACETIC_ACID_V3000;
});
const SDF = RECORDS.map((r, i) => `${r}> <ID>\nM-${i + 1}\n\n$$$$\n`).join('');

describe('reading a file record by record', () => {
  it('gives the same results and errors as readMoleculeFile, record by record', () => {
    const whole = readMoleculeFile('twelve.sdf', encode(SDF));
    expect(whole).toHaveLength(12);
    expect(whole.filter((r) => !r.ok).map((r) => !r.ok && r.error.record)).toEqual([5, 9]);
    const opened = openMoleculeFile('twelve.sdf', encode(SDF));
    expect(opened.total).toBe(12);
    const one: MoleculeResult[] = [];
    for (const result of opened.results) one.push(result);
    expect(one).toEqual(whole);
    // Iterating again parses again, with the same results.
    expect([...opened.results]).toEqual(whole);
  });

  it('lets a reader stop after any record', () => {
    const opened = openMoleculeFile('twelve.sdf.gz', gzipSync(encode(SDF)));
    const ids: unknown[] = [];
    for (const result of opened.results) {
      ids.push(result.ok && result.molecule.fields.ID);
      if (ids.length === 4) break;
    }
    expect(ids).toEqual(['M-1', 'M-2', 'M-3', 'M-4']);
  });

  it('counts one result per file-level problem and per table row, like the whole-file reader', () => {
    const cases: [string, string][] = [
      ['empty.sdf', ''],
      ['none.smi', '# only a comment\n\n'],
      ['table.csv', 'name,smiles\nwater,O\nbad,C1CC\nethanol,CCO\n'],
      ['noheader.csv', 'a,b\n1,2\n'],
      ['lines.smi', 'C methane\n\nXYZ broken\nc1ccccc1 benzene\n'],
      ['mixed.xyz', '3\nwater\nO 0 0 0\nH 0.96 0 0\nH -0.24 0.93 0\n2\nshort\nC 0 0 0\n'],
    ];
    for (const [name, text] of cases) {
      const opened = openMoleculeFile(name, encode(text));
      const results = [...opened.results];
      expect(results, name).toEqual(readMoleculeFile(name, encode(text)));
      expect(opened.total, name).toBe(results.length);
    }
  });

  it('opens pasted text the same way as parseText', () => {
    const text = 'CCO ethanol\nC1CC broken\nO water\n';
    const opened = openText(text, 'pasted');
    expect(opened.total).toBe(3);
    expect([...opened.results]).toEqual(parseText(text, 'pasted'));
    expect([...openText('  \n', 'pasted').results]).toEqual(parseText('  \n', 'pasted'));
  });
});
