import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadChemBeforeAll } from '../helpers/loadChem';
import { parseSmiles } from '../../src/chem';

interface Reference {
  group: string;
  smiles: string;
  x: number[][];
  src: number[];
  dst: number[];
  type: number[];
}

// Written by scripts/rdkit_fixtures.py with Debian's python3-rdkit (npm run fixtures:rdkit).
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/rdkitFeatures.json', import.meta.url), 'utf8'),
) as { rdkit: string; molecules: Reference[] };

loadChemBeforeAll();

describe('featurizer matches RDKit (PyG QM9 featurization)', () => {
  it('covers the required molecule sets', () => {
    const count = (g: string) => fixture.molecules.filter((m) => m.group === g).length;
    expect(fixture.molecules.length).toBeGreaterThanOrEqual(1000);
    expect(count('drug-like')).toBeGreaterThanOrEqual(100);
  });

  it('gives exactly the same node features, edges and bond types for every molecule', () => {
    const mismatches: string[] = [];
    for (const ref of fixture.molecules) {
      const result = parseSmiles(ref.smiles, { molblock: false });
      if (!result.ok) {
        mismatches.push(`${ref.smiles}: ${result.error.message}`);
        continue;
      }
      const m = result.molecule;
      const types = m.edgeAttr.map((row) => row.indexOf(1));
      const same =
        JSON.stringify(m.x) === JSON.stringify(ref.x) &&
        JSON.stringify(m.edgeIndex) === JSON.stringify([ref.src, ref.dst]) &&
        JSON.stringify(types) === JSON.stringify(ref.type);
      if (!same) mismatches.push(ref.smiles);
    }
    expect(mismatches).toEqual([]);
  });
});
