// The featurizer's sp, sp2 and sp3 columns against RDKit.js's own [^1]/[^2]/[^3] queries on every
// atom of a seventh of QM9: the featurizer asks RDKit for sp2 only and derives sp and sp3 from the
// bonds of neutral molecules without radicals (featurize.ts). Needs the QM9 table (CI has it).
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DATA as DATA } from '../../cli/defaults';
import { initChem, parseSmiles, rdkit } from '../../src/chem';
import { readQm9Table } from '../../training/qm9Csv';

beforeAll(() => initChem());

/** RDKit.js's flags for one hybridization (1 sp, 2 sp2, 3 sp3), per atom of the SMILES' molecule. */
function rdkitFlags(smiles: string, kind: 1 | 2 | 3): number[] {
  const R = rdkit();
  const mol = R.get_mol(smiles)!;
  const query = R.get_qmol(`[^${kind}]`)!;
  const n = mol.get_num_atoms();
  const matches = JSON.parse(
    mol.get_substruct_matches(query, JSON.stringify({ maxMatches: n + 1 })),
  ) as { atoms: number[] }[] | Record<string, never>;
  query.delete();
  mol.delete();
  const flags = new Array<number>(n).fill(0);
  if (Array.isArray(matches)) for (const m of matches) flags[m.atoms[0]] = 1;
  return flags;
}

describe('hybridization on QM9', () => {
  it('matches RDKit.js on every atom of every seventh molecule', async () => {
    if (!existsSync(DATA))
      throw new Error(`${DATA} not found: this check needs the QM9 table (set QM9_CSV)`);
    const { records } = await readQm9Table(DATA);
    const sample = records.filter((_, i) => i % 7 === 0).map((r) => r.smiles);
    const differences: string[] = [];
    for (const smiles of sample) {
      const result = parseSmiles(smiles);
      if (!result.ok) {
        differences.push(`${smiles}: ${result.error.message}`);
        continue;
      }
      const [sp, sp2, sp3] = ([1, 2, 3] as const).map((k) => rdkitFlags(smiles, k));
      sp.forEach((_, i) => {
        const got = result.molecule.x[i].slice(7, 10).join();
        const want = [sp[i], sp2[i], sp3[i]].join();
        if (got !== want) differences.push(`${smiles} atom ${i + 1}: ${got}, RDKit ${want}`);
      });
    }
    expect(sample.length).toBeGreaterThan(10_000);
    expect(differences).toEqual([]);
  }, 120_000);
});
