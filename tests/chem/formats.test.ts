import { gzipSync } from 'fflate';
import { Molecule } from 'openchemlib';
import { describe, expect, it } from 'vitest';
import { loadChemBeforeAll } from '../helpers/loadChem';
import { parseSmiles, parseText, readMoleculeFile } from '../../src/chem';
import {
  ACETIC_ACID_V3000,
  benzeneXyz,
  encode,
  errors,
  ETHANOL_V2000,
  METHANE_XYZ,
  molecules,
  NITROMETHANE_XYZ,
  WATER_XYZ,
} from '../helpers/chem';

loadChemBeforeAll();

describe('featurized record', () => {
  it('builds the PyG graph of methane', () => {
    const r = parseSmiles('C', { name: 'methane' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const m = r.molecule;
    expect(m.x[0]).toEqual([0, 1, 0, 0, 0, 6, 0, 0, 0, 1, 4]);
    expect(m.x[1]).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
    expect(m.edgeIndex).toEqual([
      [0, 0, 0, 0, 1, 2, 3, 4],
      [1, 2, 3, 4, 0, 0, 0, 0],
    ]);
    expect(m.edgeAttr.every((e) => e[0] === 1)).toBe(true);
    expect(m).toMatchObject({
      name: 'methane',
      smiles: 'C',
      formula: 'CH4',
      heavyAtoms: 1,
    });
    // QM9 holds too few one-heavy-atom molecules to learn them: methane is marked.
    expect(m.warnings.map((w) => w.code)).toEqual(['too-few-heavy-atoms']);
  });

  it('marks benzene aromatic and sp2 with aromatic bonds', () => {
    const r = parseSmiles('C1=CC=CC=C1');
    if (!r.ok) throw new Error(r.error.message);
    const carbons = r.molecule.x.filter((row) => row[1] === 1);
    expect(carbons).toHaveLength(6);
    expect(carbons.every((row) => row[6] === 1 && row[8] === 1 && row[10] === 1)).toBe(true);
    const ringBonds = r.molecule.edgeAttr.filter((e) => e[3] === 1);
    expect(ringBonds).toHaveLength(12);
    expect(r.molecule.smiles).toBe('c1ccccc1');
  });

  it('keeps the molblock only when asked', () => {
    const plain = parseSmiles('CCO');
    const withBlock = parseSmiles('CCO', { molblock: true });
    expect(plain.ok && plain.molecule.molblock).toBeFalsy();
    expect(withBlock.ok && withBlock.molecule.molblock).toContain('M  END');
  });
});

describe('applicability domain', () => {
  it('refuses an element the model cannot encode, naming element and atom', () => {
    const r = parseSmiles('OCCCl');
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.error.message).toBe(
        "element Cl at atom 4 is outside the model's elements (H, C, N, O, F)",
      );
  });

  it('warns for size, net charge, radicals and fragments', () => {
    const codes = (smi: string) => {
      const r = parseSmiles(smi);
      if (!r.ok) throw new Error(r.error.message);
      return r.molecule.warnings.map((w) => w.code);
    };
    expect(codes('CC(=O)Oc1ccccc1C(=O)O')).toEqual(['too-many-heavy-atoms']);
    expect(codes('C[NH3+]')).toEqual(['charged']);
    expect(codes('[NH3+]CC([O-])=O')).toEqual([]); // zwitterions are part of QM9
    expect(codes('C[CH2]')).toEqual(['radical']);
    expect(codes('C.O')).toEqual(['fragments']);
    expect(codes('CCO')).toEqual([]);
  });
});

describe('SMILES lists and tables', () => {
  it('reads .smi with names, skipping blanks and comments; records are line numbers', () => {
    const text = '# my set\nCCO ethanol\n\nc1ccccc1 benzene ring\nC1CC broken\n';
    const results = readMoleculeFile('set.smi', encode(text));
    expect(molecules(results).map((m) => [m.record, m.name])).toEqual([
      [2, 'ethanol'],
      [4, 'benzene ring'],
    ]);
    expect(errors(results)).toEqual([
      expect.objectContaining({
        record: 5,
        name: 'broken',
        source: 'set.smi',
        message: expect.stringMatching(/unclosed ring/),
      }),
    ]);
  });

  it('finds the SMILES column of a CSV by header and keeps name and other columns', () => {
    const csv = 'id,Canonical SMILES,note\nm1,CCO,"plain, with comma"\nm2,"C=O","say ""hi"""\n';
    const [a, b] = molecules(readMoleculeFile('mols.csv', encode(csv)));
    expect(a).toMatchObject({
      name: 'm1',
      record: 1,
      smiles: 'CCO',
      fields: { id: 'm1', note: 'plain, with comma' },
    });
    expect(b).toMatchObject({ name: 'm2', record: 2, smiles: 'C=O', fields: { note: 'say "hi"' } });
  });

  it('reads TSV and gzip-compressed CSV', () => {
    const tsv = 'name\tsmiles\nwater\tO\n';
    expect(molecules(readMoleculeFile('a.tsv', encode(tsv)))[0]).toMatchObject({
      name: 'water',
      formula: 'H2O',
    });
    const gz = gzipSync(encode('smiles,name\nN,ammonia\n'));
    expect(molecules(readMoleculeFile('a.csv.gz', gz))[0]).toMatchObject({
      name: 'ammonia',
      formula: 'H3N',
    });
  });

  it('says which header it looked at when there is no SMILES column', () => {
    const [r] = readMoleculeFile('x.csv', encode('a,b\n1,2\n'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe('no SMILES column in header (a, b)');
  });
});

describe('molfiles and SD files', () => {
  it('reads a V2000 molfile with explicit hydrogens, keeping atom order and 3D coordinates', () => {
    const [r] = readMoleculeFile('ethanol.mol', encode(ETHANOL_V2000));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.molecule).toMatchObject({ name: 'ethanol', smiles: 'CCO', formula: 'C2H6O' });
    expect(r.molecule.atomicNumbers).toEqual([6, 6, 8, 1, 1, 1, 1, 1, 1]);
    expect(r.molecule.coords?.[2]).toEqual([1.4311, 0.3229, 0.5867]);
  });

  it('reads V3000, adding implicit hydrogens; 2D drawings carry no 3D coordinates', () => {
    const [r] = readMoleculeFile('acid.mol', encode(ACETIC_ACID_V3000));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.molecule).toMatchObject({ smiles: 'CC(=O)O', formula: 'C2H4O2' });
    expect(r.molecule.coords).toBeUndefined();
  });

  it("reads the structure editor's molfile (OpenChemLib)", () => {
    const molfile = Molecule.fromSmiles('OCC#N').toMolfile();
    const [r] = parseText(molfile, 'editor');
    if (!r.ok) throw new Error(r.error.message);
    expect(r.molecule.smiles).toBe('N#CCO');
  });

  it('reads many SD records with their data fields; a broken record names itself', () => {
    const broken = ETHANOL_V2000.replace('  1  2  1  0', '  1 99  1  0');
    const sdf = `${ETHANOL_V2000}>  <dose>\n5 mg\n\n> <ID>\nE-1\n\n$$$$\n${broken}$$$$\n${ACETIC_ACID_V3000}$$$$\n`;
    const results = readMoleculeFile('three.sdf', encode(sdf.replace(/\n/g, '\r\n')));
    expect(results).toHaveLength(3);
    expect(molecules(results).map((m) => [m.record, m.smiles])).toEqual([
      [1, 'CCO'],
      [3, 'CC(=O)O'],
    ]);
    expect(molecules(results)[0].fields).toEqual({ dose: '5 mg', ID: 'E-1' });
    const [e] = errors(results);
    expect(e).toMatchObject({ record: 2, source: 'three.sdf', name: 'ethanol' });
    expect(e.message).toMatch(/unreadable molfile/);
  });

  it('reports a truncated last record', () => {
    const sdf = `${ETHANOL_V2000}$$$$\n${ETHANOL_V2000.slice(0, 200)}`;
    const results = readMoleculeFile('cut.sdf.gz', gzipSync(encode(sdf)));
    expect(results.map((r) => r.ok)).toEqual([true, false]);
    expect(errors(results)[0]).toMatchObject({
      record: 2,
      message: 'truncated molfile: no "M  END" line',
    });
  });
});

describe('XYZ', () => {
  it('perceives bonds of methane and water from coordinates, keeping them', () => {
    const results = readMoleculeFile('two.xyz', encode(METHANE_XYZ + WATER_XYZ));
    const [methane, water] = molecules(results);
    expect(methane).toMatchObject({ name: 'methane', smiles: 'C', record: 1 });
    expect(water).toMatchObject({ name: 'water', smiles: 'O', record: 2 });
    expect(methane.coords?.[1]).toEqual([0.6293, 0.6293, 0.6293]);
    // The molblock carries the file's coordinates to the 3D view and to SDF export.
    expect(methane.molblock).toContain('0.6293');
  });

  it('assigns bond orders: benzene becomes aromatic, nitromethane gets its charges', () => {
    const [benzene] = molecules(parseText(benzeneXyz()));
    expect(benzene.smiles).toBe('c1ccccc1');
    const [nitro] = molecules(parseText(NITROMETHANE_XYZ));
    expect(nitro.smiles).toBe('C[N+](=O)[O-]');
    expect(nitro.warnings).toEqual([]);
  });

  it('reports a bad atom line with its line and atom number, and keeps reading', () => {
    const bad = '2\nbroken\nC 0 0 0\nXx 1 1 1\n';
    const results = readMoleculeFile('mixed.xyz', encode(bad + WATER_XYZ));
    expect(errors(results)[0]).toMatchObject({
      record: 1,
      message: 'line 4 (atom 2): unknown element "Xx"',
    });
    expect(molecules(results)[0]).toMatchObject({ record: 2, smiles: 'O' });
  });
});
