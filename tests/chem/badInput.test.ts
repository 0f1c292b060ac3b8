import { describe, expect, it } from 'vitest';
import { loadChemBeforeAll } from '../helpers/loadChem';
import { MAX_FILE_BYTES, parseText, readMoleculeFile } from '../../src/chem';
import { rdkit } from '../../src/chem/rdkit';
import { encode, errors, molecules } from '../helpers/chem';

loadChemBeforeAll();

const only = (results: ReturnType<typeof readMoleculeFile>) => {
  expect(results).toHaveLength(1);
  const [e] = errors(results);
  return e;
};

/** A V3000 molfile of `atoms` carbons on a line, 1.5 Å apart, no bonds: only its size matters. */
function carbonChainV3000(name: string, atoms: number): string {
  return [
    name,
    '  handwritten',
    '',
    '  0  0  0     0  0            999 V3000',
    'M  V30 BEGIN CTAB',
    `M  V30 COUNTS ${atoms} 0 0 0 0`,
    'M  V30 BEGIN ATOM',
    ...Array.from({ length: atoms }, (_, i) => `M  V30 ${i + 1} C ${i * 1.5} 0 0 0`),
    'M  V30 END ATOM',
    'M  V30 END CTAB',
    'M  END',
  ].join('\n');
}

describe('bad files get one clear error, never an exception', () => {
  it('empty and blank files', () => {
    expect(only(readMoleculeFile('e.sdf', new Uint8Array()))).toMatchObject({
      source: 'e.sdf',
      message: 'empty file',
    });
    expect(only(readMoleculeFile('b.smi', encode('\n \n')))).toMatchObject({
      message: 'empty file',
    });
    expect(only(parseText('   '))).toMatchObject({ message: 'nothing to read' });
  });

  it('binary garbage and corrupt gzip', () => {
    const garbage = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256);
    expect(only(readMoleculeFile('photo.sdf', garbage)).message).toMatch(/^not a text file/);
    const fakeGz = Uint8Array.from([0x1f, 0x8b, 1, 2, 3, 4, 5]);
    expect(only(readMoleculeFile('x.sdf.gz', fakeGz)).message).toMatch(/^corrupt gzip data/);
  });

  it('a file above the documented size limit', () => {
    const big = new Uint8Array(MAX_FILE_BYTES + 1).fill(0x43);
    expect(only(readMoleculeFile('huge.smi', big)).message).toBe(
      '268435457 bytes: files are limited to 256 MiB (268435456 bytes)',
    );
  });

  it('a record with 10,000 atoms is refused by its counts line', () => {
    const molfile = carbonChainV3000('polyyne', 10_000);
    expect(only(readMoleculeFile('big.mol', encode(molfile)))).toMatchObject({
      record: 1,
      name: 'polyyne',
      message: '10000 atoms: the limit is 1000 atoms per molecule',
    });
    const xyz = `10000\nbig\n${Array.from({ length: 10_000 }, (_, i) => `C ${i * 1.5} 0 0`).join('\n')}\n`;
    expect(only(readMoleculeFile('big.xyz', encode(xyz))).message).toBe(
      '10000 atoms: the limit is 1000 atoms per molecule',
    );
    const chain = 'C'.repeat(2000);
    const chainMol = carbonChainV3000('chain', 700);
    expect(only(readMoleculeFile('chain.mol', encode(chainMol))).message).toBe(
      '700 heavy atoms: the limit is 400 heavy atoms per molecule',
    );
    expect(only(parseText(chain)).message).toBe(
      '2000 heavy atoms: the limit is 400 heavy atoms per molecule',
    );
  });

  it('unparsable SMILES, molfile and XYZ say what is wrong', () => {
    expect(only(parseText('CN(C)(C)(C)C')).message).toBe(
      'unreadable SMILES: Explicit valence for atom # 1 N, 5, is greater than permitted',
    );
    expect(only(readMoleculeFile('x.xyz', encode('3\nwater\nO 0 0 0\nH 0 0 \n'))).message).toBe(
      'line 4 (atom 2): expected "element x y z", found "H 0 0"',
    );
    expect(only(readMoleculeFile('x.xyz', encode('3\nshort\nO 0 0 0\n'))).message).toBe(
      'truncated: 3 atoms announced, 1 found',
    );
    // Two carbons 5 Angstrom apart: no bonds, so both are radicals the valences cannot explain.
    const radical = only(readMoleculeFile('x.xyz', encode('2\nfar apart\nC 0 0 0\nC 5 0 0\n')));
    expect(radical.message).toMatch(/^no bond orders satisfy the valences/);
  });

  it('one bad record in a 10,000-record SD file leaves the other 9,999 featurized', () => {
    const R = rdkit();
    const blocks = ['CCO', 'c1ccncc1', 'OC(=O)C#N', 'C1CC1N'].map((s) => {
      const mol = R.get_mol(s)!;
      const block = mol.get_molblock();
      mol.delete();
      return block;
    });
    const records = Array.from({ length: 10_000 }, (_, i) =>
      i === 4321 ? 'garbage\n\nnot a molfile\nM  END\n' : blocks[i % blocks.length],
    );
    const results = readMoleculeFile(
      'many.sdf',
      encode(records.map((b) => `${b}\n$$$$\n`).join('')),
    );
    expect(results).toHaveLength(10_000);
    expect(molecules(results)).toHaveLength(9_999);
    expect(errors(results)).toEqual([
      expect.objectContaining({ record: 4322, source: 'many.sdf' }),
    ]);
  });
});
