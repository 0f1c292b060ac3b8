import fc from 'fast-check';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { loadChemBeforeAll } from '../helpers/loadChem';
import { parseSmiles, parseText, readMoleculeFile, type MoleculeResult } from '../../src/chem';
import { ACETIC_ACID_V3000, benzeneXyz, encode, ETHANOL_V2000, METHANE_XYZ } from '../helpers/chem';

loadChemBeforeAll();

/** Every result is a molecule or an error with a message: nothing thrown, nothing dropped silently. */
function wellFormed(results: MoleculeResult[]): boolean {
  return (
    results.length > 0 &&
    results.every((r) =>
      r.ok
        ? r.molecule.x.length > 0
        : r.error.message.length > 0 && !/internal error/.test(r.error.message),
    )
  );
}

const SMILES_ALPHABET = 'CNOFHcnos()[]=#123456789%+-@/\\.:*0BrClSi '.split('');

/** Random edits of a valid input: deletions, insertions, replacements and truncation. */
const mutated = (seed: string, alphabet: string[]) =>
  fc
    .array(
      fc.record({
        kind: fc.constantFrom('delete', 'insert', 'replace', 'truncate'),
        at: fc.nat(),
        char: fc.constantFrom(...alphabet),
      }),
      { minLength: 1, maxLength: 6 },
    )
    .map((edits) =>
      edits.reduce((text, e) => {
        const i = text.length === 0 ? 0 : e.at % text.length;
        if (e.kind === 'delete') return text.slice(0, i) + text.slice(i + 1);
        if (e.kind === 'insert') return text.slice(0, i) + e.char + text.slice(i);
        if (e.kind === 'replace') return text.slice(0, i) + e.char + text.slice(i + 1);
        return text.slice(0, i);
      }, seed),
    );

const FILE_ALPHABET = [
  ...SMILES_ALPHABET,
  '\n',
  '\r\n',
  ' ',
  '$$$$',
  'M  END',
  '999',
  '-1.5',
  'V30',
];

describe('parsers survive random and mutated input', () => {
  it('SMILES: random strings over the SMILES alphabet', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...SMILES_ALPHABET), { maxLength: 60 }), (chars) => {
        expect(wellFormed([parseSmiles(chars.join(''))])).toBe(true);
      }),
      { numRuns: 3000, seed: 1 },
    );
  });

  it('SMILES: mutations of drug-like molecules', () => {
    const seeds = [
      'CC(=O)Oc1ccccc1C(=O)O',
      'Cn1cnc2c1c(=O)n(C)c(=O)n2C',
      'N#CC(C#N)=C[N+](=O)[O-]',
      'C1CC2CC1C2=C=C',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds).chain((s) => mutated(s, SMILES_ALPHABET)),
        (text) => {
          expect(wellFormed([parseSmiles(text)])).toBe(true);
        },
      ),
      { numRuns: 3000, seed: 2 },
    );
  });

  it('molfiles, SD files and XYZ: mutations keep every record accounted for', () => {
    const seeds = [
      ETHANOL_V2000,
      ACETIC_ACID_V3000,
      `${ETHANOL_V2000}$$$$\n${ACETIC_ACID_V3000}$$$$\n`,
      METHANE_XYZ,
      benzeneXyz(),
    ];
    const names = ['a.sdf', 'a.mol', 'a.xyz', 'a.smi', 'a.csv', 'noext'];
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds).chain((s) => mutated(s, FILE_ALPHABET)),
        fc.constantFrom(...names),
        (text, name) => {
          expect(wellFormed(readMoleculeFile(name, encode(text)))).toBe(true);
          expect(wellFormed(parseText(text))).toBe(true);
        },
      ),
      { numRuns: 2000, seed: 3 },
    );
  });

  it('SD files of k records, some mutated: exactly k results, in order, the intact ones read', () => {
    // No '$' in the edits, so a mutation cannot add or remove a record separator: the file
    // holds exactly as many records as were joined, whatever the edits did inside them.
    const insideRecord = FILE_ALPHABET.filter((c) => !c.includes('$'));
    const records = fc.array(
      fc.oneof(
        fc.constantFrom(ETHANOL_V2000, ACETIC_ACID_V3000).map((text) => ({ text, intact: true })),
        fc
          .constantFrom(ETHANOL_V2000, ACETIC_ACID_V3000)
          .chain((seed) => mutated(seed, insideRecord))
          .map((text) => ({ text, intact: false })),
      ),
      { minLength: 1, maxLength: 6 },
    );
    fc.assert(
      fc.property(records, (recs) => {
        const text = recs.map((r) => `${r.text.replace(/\n?$/, '\n')}$$$$\n`).join('');
        const results = readMoleculeFile('k.sdf', encode(text));
        expect(results).toHaveLength(recs.length);
        results.forEach((r, i) => {
          expect(r.ok ? r.molecule.record : r.error.record).toBe(i + 1);
          if (recs[i].intact) expect(r.ok).toBe(true);
        });
      }),
      { numRuns: 300, seed: 5 },
    );
  });

  it('arbitrary bytes, plain or gzip-compressed, under any file name', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2000 }),
        fc.boolean(),
        fc.constantFrom('x.sdf', 'x.xyz', 'x.csv.gz', 'x.smi', 'x'),
        (bytes, gz, name) => {
          expect(wellFormed(readMoleculeFile(name, gz ? gzipSync(bytes) : bytes))).toBe(true);
        },
      ),
      { numRuns: 2000, seed: 4 },
    );
  });

  it('the chemistry engine still works after all of that', () => {
    const r = parseSmiles('CCO');
    expect(r.ok && r.molecule.formula).toBe('C2H6O');
  });
});
